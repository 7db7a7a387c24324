// Turns a behaviour that decides per request (flaky, sequence, delay with jitter) into
// the plain behaviour this request gets. Each deciding node counts the requests that
// reach it, and a draw is a pure function of its seed and that count: the same seed
// gives the same answers in the same order, on any transport, after every restart.
import type { Behaviour } from './behaviour-model.ts';

/** One decision, as the journal keeps it: which node decided, for its how-many-th request, and what it picked. */
export interface Choice {
  type: 'flaky' | 'sequence' | 'delay';
  /** Where the node sits in the endpoint's behaviour: `$` is the behaviour itself, `$.fail`, `$.steps[2]` and so on below it. */
  path: string;
  /** 0 for the first request this node decided. */
  request: number;
  /** flaky: `fail` or `otherwise`; sequence: `steps[i]` or `then`; delay: the wait, as `250 ms`. */
  picked: string;
}

export interface Resolved {
  behaviour: Behaviour;
  choices: readonly Choice[];
}

/** Hands out each node's request count (0 first) and counts this one; keyed by the node's path. */
export type RequestCounter = (path: string) => number;

/** murmur3's finaliser: spreads every input bit over the output. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The n-th draw for a seed, in [0, 1). A counter-based generator (a Weyl sequence through
 * a mixer, as in SplitMix): no state but the count, so draws need no replay to reach.
 */
export function seededDraw(seed: number, n: number): number {
  const stream = mix32(seed ^ 0x5bd1e995);
  return mix32(stream + Math.imul(n + 1, 0x9e3779b9)) / 2 ** 32;
}

/**
 * The behaviour this request gets: every flaky, sequence and jittered delay in `behaviour`
 * decided, from `fallback` where a flaky leaves `otherwise` out (the healthy answer, or
 * the real API's under a proxy). A behaviour with nothing to decide comes back as it is.
 */
export function resolveChoices(behaviour: Behaviour, fallback: Behaviour, count: RequestCounter): Resolved {
  const choices: Choice[] = [];
  const resolve = (node: Behaviour, path: string): Behaviour => {
    switch (node.type) {
      case 'flaky': {
        const request = count(path);
        const picked = seededDraw(node.seed ?? 0, request) < node.rate ? 'fail' : 'otherwise';
        choices.push({ type: 'flaky', path, request, picked });
        const next = picked === 'fail' ? node.fail : (node.otherwise ?? fallback);
        return resolve(next, `${path}.${picked}`);
      }
      case 'sequence': {
        const request = count(path);
        const { steps } = node;
        const index = request < steps.length || node.then === undefined ? request % steps.length : -1;
        const picked = index < 0 ? 'then' : `steps[${index}]`;
        choices.push({ type: 'sequence', path, request, picked });
        return resolve(index < 0 ? (node.then as Behaviour) : (steps[index] as Behaviour), `${path}.${picked}`);
      }
      case 'delay': {
        let ms = node.ms;
        if ((node.jitter ?? 0) > 0) {
          const request = count(path);
          ms += Math.floor(seededDraw(node.seed ?? 0, request) * ((node.jitter as number) + 1));
          choices.push({ type: 'delay', path, request, picked: `${ms} ms` });
        }
        const then = resolve(node.then, `${path}.then`);
        return ms === node.ms && then === node.then ? node : { type: 'delay', ms, then };
      }
      default:
        return node;
    }
  };
  return { behaviour: resolve(behaviour, '$'), choices };
}
