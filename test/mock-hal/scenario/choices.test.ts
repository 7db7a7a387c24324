// Per-request decisions (choices.ts): the seeded draw, and how flaky, sequence and a
// jittered delay turn into the plain behaviour one request gets. Everything here is a
// pure function of seeds and counts, so every assertion is exact or has a fixed margin.
import { describe, expect, it } from 'vitest';
import type { Behaviour } from '../../../mock-hal/scenario/behaviour-model.ts';
import { type RequestCounter, type Resolved, resolveChoices, seededDraw } from '../../../mock-hal/scenario/choices.ts';

/** A counter like the engine's: per path, 0 first. */
function counter(): RequestCounter & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const count = (path: string) => {
    const seen = counts.get(path) ?? 0;
    counts.set(path, seen + 1);
    return seen;
  };
  return Object.assign(count, { counts });
}

const OK: Behaviour = { type: 'ok' };
const RESET: Behaviour = { type: 'reset' };
const FAIL: Behaviour = { type: 'status', status: 503 };

/** The behaviours `n` requests get from one counter, with their choices. */
function run(behaviour: Behaviour, n: number, fallback: Behaviour = OK): Resolved[] {
  const count = counter();
  return Array.from({ length: n }, () => resolveChoices(behaviour, fallback, count));
}

/** A short label per answer: the status, or the behaviour type. */
function label(behaviour: Behaviour): string {
  return behaviour.type === 'status' ? String(behaviour.status) : behaviour.type;
}

describe('seededDraw', () => {
  it('is a pure function of seed and count, in [0, 1)', () => {
    for (const seed of [0, 1, 2, 7, 12345, 2 ** 32 - 1]) {
      for (let n = 0; n < 2_000; n++) {
        const draw = seededDraw(seed, n);
        expect(draw).toBeGreaterThanOrEqual(0);
        expect(draw).toBeLessThan(1);
        expect(seededDraw(seed, n)).toBe(draw);
      }
    }
  });

  it('different seeds give different streams, and one stream does not repeat itself early', () => {
    const stream = (seed: number) => Array.from({ length: 50 }, (_, n) => seededDraw(seed, n));
    expect(stream(1)).not.toEqual(stream(2));
    expect(stream(0)).not.toEqual(stream(2 ** 32 - 1));
    expect(new Set(stream(3)).size).toBe(50);
  });

  it('is spread evenly: each tenth of [0, 1) gets its share of 10,000 draws within 1.5 points', () => {
    for (const seed of [0, 1, 2, 3, 42]) {
      const buckets = new Array<number>(10).fill(0);
      for (let n = 0; n < 10_000; n++) buckets[Math.floor(seededDraw(seed, n) * 10)]! += 1;
      for (const count of buckets) expect(Math.abs(count / 10_000 - 0.1), `seed ${seed}: ${buckets}`).toBeLessThan(0.015);
    }
  });
});

describe('flaky', () => {
  const flaky = (rate: number, seed?: number): Behaviour => ({ type: 'flaky', rate, ...(seed === undefined ? {} : { seed }), fail: FAIL });

  it('the same seed gives the same sequence, a different seed another', () => {
    const answers = (seed: number) => run(flaky(0.5, seed), 64).map((r) => label(r.behaviour));
    expect(answers(9)).toEqual(answers(9));
    expect(answers(9)).not.toEqual(answers(10));
    // A missing seed is seed 0.
    expect(run(flaky(0.5), 64).map((r) => label(r.behaviour))).toEqual(answers(0));
  });

  it('fails exactly where the seeded draw is under the rate', () => {
    const results = run(flaky(0.3, 2), 200);
    results.forEach((result, n) => {
      const fails = seededDraw(2, n) < 0.3;
      expect(result.behaviour).toBe(fails ? FAIL : OK);
      expect(result.choices).toEqual([{ type: 'flaky', path: '$', request: n, picked: fails ? 'fail' : 'otherwise' }]);
    });
  });

  it.each([0.1, 0.3, 0.5, 0.9])('rate %s holds within 2 points over 10,000 requests, for several seeds', (rate) => {
    for (const seed of [0, 1, 2, 7, 99, 4_000_000_000]) {
      const count = counter();
      let failed = 0;
      for (let n = 0; n < 10_000; n++) if (resolveChoices(flaky(rate, seed), OK, count).behaviour === FAIL) failed += 1;
      expect(Math.abs(failed / 10_000 - rate), `seed ${seed}: ${failed} of 10,000`).toBeLessThan(0.02);
    }
  });

  it('rate 0 never fails and rate 1 always does', () => {
    expect(run(flaky(0, 5), 1_000).every((r) => r.behaviour === OK)).toBe(true);
    expect(run(flaky(1, 5), 1_000).every((r) => r.behaviour === FAIL)).toBe(true);
  });

  it('without `otherwise`, the others get the fallback; with it, `otherwise`', () => {
    const forward: Behaviour = { type: 'forward' };
    const labels = (behaviour: Behaviour, fallback: Behaviour) => new Set(run(behaviour, 100, fallback).map((r) => label(r.behaviour)));
    expect(labels(flaky(0.5, 1), forward)).toEqual(new Set(['503', 'forward']));
    expect(labels(flaky(0.5, 1), OK)).toEqual(new Set(['503', 'ok']));
    expect(labels({ type: 'flaky', rate: 0.5, seed: 1, fail: FAIL, otherwise: RESET }, forward)).toEqual(new Set(['503', 'reset']));
  });
});

describe('sequence', () => {
  it('cycles through its steps when it has no `then`: [ok, ok, reset] resets every third request', () => {
    const results = run({ type: 'sequence', steps: [OK, OK, RESET] }, 9);
    expect(results.map((r) => label(r.behaviour))).toEqual(['ok', 'ok', 'reset', 'ok', 'ok', 'reset', 'ok', 'ok', 'reset']);
    expect(results.map((r) => r.choices[0]?.picked)).toEqual([
      'steps[0]',
      'steps[1]',
      'steps[2]',
      'steps[0]',
      'steps[1]',
      'steps[2]',
      'steps[0]',
      'steps[1]',
      'steps[2]',
    ]);
    expect(results.map((r) => r.choices[0]?.request)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('answers `then` to every request after the last step', () => {
    const results = run({ type: 'sequence', steps: [RESET, FAIL], then: OK }, 5);
    expect(results.map((r) => label(r.behaviour))).toEqual(['reset', '503', 'ok', 'ok', 'ok']);
    expect(results.map((r) => r.choices[0]?.picked)).toEqual(['steps[0]', 'steps[1]', 'then', 'then', 'then']);
  });
});

describe('nested decisions', () => {
  it('a flaky inside a sequence counts only the requests that reach it, under its own path', () => {
    const inner: Behaviour = { type: 'flaky', rate: 0.5, seed: 3, fail: FAIL };
    const count = counter();
    const results = Array.from({ length: 12 }, () => resolveChoices({ type: 'sequence', steps: [OK, inner] }, OK, count));
    // Every second request reaches the flaky, which sees them as its requests 0, 1, 2...
    const reached = results.filter((_, n) => n % 2 === 1);
    reached.forEach((result, k) => {
      const fails = seededDraw(3, k) < 0.5;
      expect(result.choices).toEqual([
        { type: 'sequence', path: '$', request: 2 * k + 1, picked: 'steps[1]' },
        { type: 'flaky', path: '$.steps[1]', request: k, picked: fails ? 'fail' : 'otherwise' },
      ]);
      expect(result.behaviour).toBe(fails ? FAIL : OK);
    });
    expect(Object.fromEntries(count.counts)).toEqual({ $: 12, '$.steps[1]': 6 });
  });

  it('the same flaky in two steps counts separately in each', () => {
    const inner: Behaviour = { type: 'flaky', rate: 0.5, seed: 8, fail: FAIL };
    const count = counter();
    const results = Array.from({ length: 8 }, () => resolveChoices({ type: 'sequence', steps: [inner, inner] }, OK, count));
    expect(results.map((r) => r.choices[1]?.path)).toEqual([
      '$.steps[0]',
      '$.steps[1]',
      '$.steps[0]',
      '$.steps[1]',
      '$.steps[0]',
      '$.steps[1]',
      '$.steps[0]',
      '$.steps[1]',
    ]);
    expect(results.map((r) => r.choices[1]?.request)).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('a jittered delay inside a flaky draws only for the requests that fail', () => {
    const behaviour: Behaviour = { type: 'flaky', rate: 0.5, seed: 4, fail: { type: 'delay', ms: 10, jitter: 90, seed: 6, then: FAIL } };
    const results = run(behaviour, 40);
    let delayed = 0;
    results.forEach((result, n) => {
      if (seededDraw(4, n) >= 0.5) {
        expect(result).toEqual({ behaviour: OK, choices: [{ type: 'flaky', path: '$', request: n, picked: 'otherwise' }] });
        return;
      }
      const ms = 10 + Math.floor(seededDraw(6, delayed) * 91);
      expect(result.behaviour).toEqual({ type: 'delay', ms, then: FAIL });
      expect(result.choices[1]).toEqual({ type: 'delay', path: '$.fail', request: delayed, picked: `${ms} ms` });
      delayed += 1;
    });
    expect(delayed).toBeGreaterThan(5);
    expect(delayed).toBeLessThan(35);
  });
});

describe('delay jitter', () => {
  it('waits ms plus a seeded draw from 0 to jitter, reaching both ends', () => {
    const waits = run({ type: 'delay', ms: 50, jitter: 4, seed: 7, then: OK }, 500).map((r) => (r.behaviour as { ms: number }).ms);
    expect(new Set(waits)).toEqual(new Set([50, 51, 52, 53, 54]));
    const wide = run({ type: 'delay', ms: 50, jitter: 200, seed: 7, then: OK }, 2_000).map((r) => (r.behaviour as { ms: number }).ms);
    expect(Math.min(...wide)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...wide)).toBeLessThanOrEqual(250);
    expect(wide).toEqual(wide.map((_, n) => 50 + Math.floor(seededDraw(7, n) * 201)));
  });

  it('the same seed gives the same waits, another seed others; the decided delay has no jitter left', () => {
    const waits = (seed: number) => run({ type: 'delay', ms: 0, jitter: 1_000, seed, then: OK }, 30).map((r) => r.behaviour);
    expect(waits(1)).toEqual(waits(1));
    expect(waits(1)).not.toEqual(waits(2));
    for (const behaviour of waits(1)) expect(Object.keys(behaviour).sort()).toEqual(['ms', 'then', 'type']);
  });
});

describe('nothing to decide', () => {
  it.each<[string, Behaviour]>([
    ['ok', OK],
    ['status', FAIL],
    ['a delay without jitter', { type: 'delay', ms: 5, then: { type: 'delay', ms: 1, then: RESET } }],
    ['a delay with jitter 0', { type: 'delay', ms: 5, jitter: 0, seed: 3, then: OK }],
  ])('%s comes back as the same object, with no choices and no count', (_label, behaviour) => {
    const count = counter();
    const resolved = resolveChoices(behaviour, OK, count);
    expect(resolved.behaviour).toBe(behaviour);
    expect(resolved.choices).toEqual([]);
    expect(count.counts.size).toBe(0);
  });
});
