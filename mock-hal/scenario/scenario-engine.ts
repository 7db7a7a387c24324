// Which behaviour answers right now: the active scenario and, for a timeline,
// which phase the clock is in. Like WireMock's scenario state, but driven by time.
import type { CheckName } from '../../common/hal-contract/routes.ts';
import { type Resolved, resolveChoices } from './choices.ts';
import type { Behaviour, Phase, Scenario } from './scenario-model.ts';

export interface ActivePhase {
  scenario: Scenario;
  phase: Phase;
  index: number;
  /** Milliseconds left in this phase; null when it lasts forever or is held. */
  remainingMs: number | null;
  held: boolean;
}

export interface ActivateOptions {
  /** Start the timeline at this phase (0-based). */
  phase?: number;
  /** Stay in that phase until told otherwise, for deterministic runs. */
  hold?: boolean;
}

/** Everything that decides what answers: copied whole between the processes of a `--workers` server. */
export interface EngineState {
  scenario: Scenario;
  startPhase: number;
  held: boolean;
  /** Epoch milliseconds the timeline started: shared, so every process is in the same phase. */
  startedAt: number;
}

/** Throws a RangeError naming the phases there are when `phase` is not one of them. */
export function checkPhase(scenario: Scenario, phase: number): void {
  if (!Number.isInteger(phase) || phase < 0 || phase >= scenario.phases.length) {
    throw new RangeError(`phase ${phase} does not exist in scenario "${scenario.name}"; it has phases 0..${scenario.phases.length - 1}`);
  }
}

const OK: Behaviour = { type: 'ok' };
const NO_CHOICES: Resolved['choices'] = Object.freeze([]);

/** What a phase answers for a check: an endpoint it does not name gets `fallback` (the healthy answer unless a proxy forwards it). */
export function behaviourIn(phase: Phase, check: CheckName, fallback: Behaviour = OK): Behaviour {
  return phase.endpoints[check] ?? fallback;
}

export class ScenarioEngine {
  private scenario: Scenario;
  private startedAt = 0;
  private startPhase = 0;
  private held = false;
  /** Requests each deciding node (flaky, sequence, jittered delay) has seen since the scenario was activated. */
  private readonly decided = new Map<string, number>();
  private readonly now: () => number;

  constructor(scenario: Scenario, now: () => number = Date.now) {
    this.now = now;
    this.scenario = scenario;
    this.activate(scenario);
  }

  activate(scenario: Scenario, options: ActivateOptions = {}): void {
    const phase = options.phase ?? 0;
    checkPhase(scenario, phase);
    this.scenario = scenario;
    this.startPhase = phase;
    this.held = options.hold ?? false;
    this.startedAt = this.now();
    this.decided.clear();
  }

  state(): EngineState {
    return { scenario: this.scenario, startPhase: this.startPhase, held: this.held, startedAt: this.startedAt };
  }

  restore(state: EngineState): void {
    this.scenario = state.scenario;
    this.startPhase = state.startPhase;
    this.held = state.held;
    this.startedAt = state.startedAt;
    this.decided.clear();
  }

  /**
   * How many requests the deciding node at `key` has seen before this one (0 for the first),
   * counting this one. Counts start over whenever a scenario is activated, so a seeded
   * scenario answers the same sequence every time it is switched to.
   */
  countRequest(key: string): number {
    const seen = this.decided.get(key) ?? 0;
    this.decided.set(key, seen + 1);
    return seen;
  }

  active(): ActivePhase {
    const { phases } = this.scenario;
    let index = this.startPhase;
    if (this.held) {
      return { scenario: this.scenario, phase: phases[index] as Phase, index, remainingMs: null, held: true };
    }
    let elapsed = this.now() - this.startedAt;
    for (;;) {
      const phase = phases[index] as Phase;
      const duration = phase.durationMs;
      // The last phase lasts forever, whatever its duration says.
      if (duration === undefined || index === phases.length - 1) {
        return { scenario: this.scenario, phase, index, remainingMs: null, held: false };
      }
      if (elapsed < duration) {
        return { scenario: this.scenario, phase, index, remainingMs: duration - elapsed, held: false };
      }
      elapsed -= duration;
      index += 1;
    }
  }

  behaviourFor(check: CheckName): { behaviour: Behaviour; active: ActivePhase } {
    const active = this.active();
    return { behaviour: behaviourIn(active.phase, check), active };
  }

  /** The plain behaviour this request to `check` gets in the phase `active`, every per-request decision made. */
  decide(active: Pick<ActivePhase, 'phase' | 'index'>, check: CheckName, fallback: Behaviour = OK): Resolved {
    const behaviour = behaviourIn(active.phase, check, fallback);
    // Most requests meet a behaviour with nothing to decide: spare them the walk.
    if (behaviour.type !== 'flaky' && behaviour.type !== 'sequence' && behaviour.type !== 'delay') return { behaviour, choices: NO_CHOICES };
    return resolveChoices(behaviour, fallback, (path) => this.countRequest(`${active.index}/${check}/${path}`));
  }
}
