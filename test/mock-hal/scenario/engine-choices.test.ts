// ScenarioEngine.decide: where the per-request counts live. They start over whenever a
// scenario is activated or a state restored (a --workers switch), and each phase and
// each check keeps its own. The clock is a variable, so phases move without waiting.
import { describe, expect, it } from 'vitest';
import { seededDraw } from '../../../mock-hal/scenario/choices.ts';
import { ScenarioEngine } from '../../../mock-hal/scenario/scenario-engine.ts';
import { type Behaviour, parseScenario, type Scenario } from '../../../mock-hal/scenario/scenario-model.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';

const EVERY_THIRD: Behaviour = { type: 'sequence', steps: [{ type: 'ok' }, { type: 'ok' }, { type: 'reset' }] };

const steady = parseScenario({
  name: 'every-third',
  description: 'list_movies resets every third request, indexer_test fails every other one',
  endpoints: { list_movies: EVERY_THIRD, indexer_test: { type: 'sequence', steps: [{ type: 'status', status: 503 }, { type: 'ok' }] } },
  expect: { status: 'failed', failedChecks: ['list_movies', 'indexer_test'] },
});

const timeline = parseScenario({
  name: 'two-phases',
  description: 'the same sequence in two phases',
  phases: [
    { name: 'first', durationMs: 1_000, endpoints: { list_movies: EVERY_THIRD }, expect: { status: 'failed', failedChecks: ['list_movies'] } },
    { name: 'second', endpoints: { list_movies: EVERY_THIRD }, expect: { status: 'failed', failedChecks: ['list_movies'] } },
  ],
});

/** The next `n` answers to list_movies, as behaviour types. */
function next(engine: ScenarioEngine, n: number, check: 'list_movies' | 'indexer_test' = 'list_movies'): string[] {
  return Array.from({ length: n }, () => {
    const { behaviour } = engine.decide(engine.active(), check);
    return behaviour.type === 'status' ? String(behaviour.status) : behaviour.type;
  });
}

describe('ScenarioEngine counts per request', () => {
  it('starts over when a scenario is activated, the same one included', () => {
    const engine = new ScenarioEngine(steady, () => 0);
    expect(next(engine, 2)).toEqual(['ok', 'ok']);
    engine.activate(steady);
    expect(next(engine, 4)).toEqual(['ok', 'ok', 'reset', 'ok']);
    engine.activate(resolveScenario('healthy'));
    engine.activate(steady);
    expect(next(engine, 3)).toEqual(['ok', 'ok', 'reset']);
  });

  it('starts over when a state is restored, as each worker does on a switch', () => {
    const engine = new ScenarioEngine(steady, () => 0);
    expect(next(engine, 2)).toEqual(['ok', 'ok']);
    engine.restore(engine.state());
    expect(next(engine, 3)).toEqual(['ok', 'ok', 'reset']);
  });

  it('keeps a count per check', () => {
    const engine = new ScenarioEngine(steady, () => 0);
    expect(next(engine, 1)).toEqual(['ok']);
    expect(next(engine, 3, 'indexer_test')).toEqual(['503', 'ok', '503']);
    expect(next(engine, 2)).toEqual(['ok', 'reset']);
  });

  it('keeps a count per phase: a new phase starts its sequence at the first step', () => {
    let now = 0;
    const engine = new ScenarioEngine(timeline, () => now);
    expect(next(engine, 2)).toEqual(['ok', 'ok']);
    now = 1_000;
    expect(engine.active().phase.name).toBe('second');
    expect(next(engine, 3)).toEqual(['ok', 'ok', 'reset']);
    const { choices } = engine.decide(engine.active(), 'list_movies');
    expect(choices).toEqual([{ type: 'sequence', path: '$', request: 3, picked: 'steps[0]' }]);
  });

  it('a held phase counts like any other, and activating it again starts over', () => {
    const engine = new ScenarioEngine(timeline, () => 0);
    engine.activate(timeline, { phase: 1, hold: true });
    expect(next(engine, 2)).toEqual(['ok', 'ok']);
    engine.activate(timeline, { phase: 1, hold: true });
    expect(next(engine, 3)).toEqual(['ok', 'ok', 'reset']);
  });

  it('the bundled flaky scenario answers its seeded sequence, the same after every switch', () => {
    const flaky: Scenario = resolveScenario('flaky');
    const engine = new ScenarioEngine(flaky, () => 0);
    const ping = () =>
      Array.from({ length: 20 }, () => {
        const { behaviour } = engine.decide(engine.active(), 'graphql_ping');
        return behaviour.type;
      });
    const seeded = Array.from({ length: 20 }, (_, n) => (seededDraw(2, n) < 0.3 ? 'status' : 'ok'));
    expect(ping()).toEqual(seeded);
    engine.activate(flaky);
    expect(ping()).toEqual(seeded);
  });

  it('an endpoint with nothing to decide has no choices, and a jittered delay has one', () => {
    const engine = new ScenarioEngine(resolveScenario('flaky'), () => 0);
    expect(engine.decide(engine.active(), 'indexer_test')).toEqual({ behaviour: { type: 'ok' }, choices: [] });
    const health = engine.decide(engine.active(), 'health');
    const ms = 50 + Math.floor(seededDraw(7, 0) * 201);
    expect(health).toEqual({ behaviour: { type: 'delay', ms, then: { type: 'ok' } }, choices: [{ type: 'delay', path: '$', request: 0, picked: `${ms} ms` }] });
  });
});
