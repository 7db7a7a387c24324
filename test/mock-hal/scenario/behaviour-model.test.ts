// The behaviours that decide per request (flaky, sequence, delay jitter) and forward, as
// the scenario model validates them: good documents pass, bad ones get an issue that
// starts with the path of the bad field.
import { describe, expect, it } from 'vitest';
import { type Behaviour, hasChoice, MAX_SEQUENCE_STEPS, usesForward } from '../../../mock-hal/scenario/behaviour-model.ts';
import { parseScenario, ScenarioError } from '../../../mock-hal/scenario/scenario-model.ts';

/** The behaviour as health's, in a steady scenario. */
function scenarioWith(health: unknown): unknown {
  return { name: 'model-test', description: 'one behaviour under test', endpoints: { health }, expect: { status: 'failed', failedChecks: ['health'] } };
}

function issuesOf(health: unknown): string[] {
  try {
    parseScenario(scenarioWith(health));
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  return [];
}

const FAIL = { type: 'status', status: 503 };

describe('good documents', () => {
  it.each<[string, Behaviour]>([
    ['flaky, smallest', { type: 'flaky', rate: 0.3, fail: FAIL } as Behaviour],
    ['flaky, every field', { type: 'flaky', rate: 1, seed: 2 ** 32 - 1, fail: { type: 'reset' }, otherwise: { type: 'delay', ms: 5, then: { type: 'ok' } } }],
    ['flaky, rate 0', { type: 'flaky', rate: 0, fail: { type: 'hang' } }],
    ['sequence, cycling', { type: 'sequence', steps: [{ type: 'ok' }, { type: 'ok' }, { type: 'reset' }] }],
    ['sequence, with then', { type: 'sequence', steps: [{ type: 'reset' }], then: { type: 'ok' } }],
    ['sequence, nested', { type: 'sequence', steps: [{ type: 'flaky', rate: 0.5, fail: { type: 'sequence', steps: [{ type: 'reset' }] } }] }],
    ['delay with jitter and seed', { type: 'delay', ms: 50, jitter: 200, seed: 7, then: { type: 'ok' } }],
    ['forward', { type: 'forward' }],
    ['flaky over forward', { type: 'flaky', rate: 0.1, fail: FAIL, otherwise: { type: 'forward' } } as Behaviour],
  ])('%s is accepted as written', (_label, behaviour) => {
    expect(issuesOf(behaviour)).toEqual([]);
    expect(parseScenario(scenarioWith(behaviour)).phases[0]?.endpoints.health).toEqual(behaviour);
  });

  it(`a sequence may have up to ${MAX_SEQUENCE_STEPS} steps`, () => {
    expect(issuesOf({ type: 'sequence', steps: new Array(MAX_SEQUENCE_STEPS).fill({ type: 'ok' }) })).toEqual([]);
  });
});

describe('bad documents name the field', () => {
  it.each<[string, unknown, RegExp]>([
    ['rate 1.5', { type: 'flaky', rate: 1.5, fail: FAIL }, /^endpoints\.health\.rate: .*<=1/],
    ['rate below 0', { type: 'flaky', rate: -0.1, fail: FAIL }, /^endpoints\.health\.rate: .*>=0/],
    ['rate as text', { type: 'flaky', rate: '0.5', fail: FAIL }, /^endpoints\.health\.rate: .*expected number/],
    ['flaky without fail', { type: 'flaky', rate: 0.5 }, /^endpoints\.health\.fail: /],
    ['a negative seed', { type: 'flaky', rate: 0.5, seed: -1, fail: FAIL }, /^endpoints\.health\.seed: .*>=0/],
    ['a fractional seed', { type: 'flaky', rate: 0.5, seed: 1.5, fail: FAIL }, /^endpoints\.health\.seed: .*int/],
    ['a seed over 32 bits', { type: 'flaky', rate: 0.5, seed: 2 ** 32, fail: FAIL }, /^endpoints\.health\.seed: /],
    ['an unknown key in flaky', { type: 'flaky', rate: 0.5, sede: 1, fail: FAIL }, /^endpoints\.health: Unrecognized key: "sede"/],
    ['a bad behaviour under fail', { type: 'flaky', rate: 0.5, fail: { type: 'nope' } }, /^endpoints\.health\.fail\.type: /],
    ['empty steps', { type: 'sequence', steps: [] }, /^endpoints\.health\.steps: .*>=1/],
    ['too many steps', { type: 'sequence', steps: new Array(MAX_SEQUENCE_STEPS + 1).fill({ type: 'ok' }) }, /^endpoints\.health\.steps: .*<=10000/],
    ['a bad step', { type: 'sequence', steps: [{ type: 'ok' }, { type: 'status', status: 700 }] }, /^endpoints\.health\.steps\[1\]\.status: /],
    ['a bad then', { type: 'sequence', steps: [{ type: 'ok' }], then: { type: 'flaky', rate: 2, fail: FAIL } }, /^endpoints\.health\.then\.rate: /],
    ['an unknown key in sequence', { type: 'sequence', steps: [{ type: 'ok' }], loop: true }, /^endpoints\.health: Unrecognized key: "loop"/],
    ['negative jitter', { type: 'delay', ms: 1, jitter: -5, then: { type: 'ok' } }, /^endpoints\.health\.jitter: .*>=0/],
    ['jitter over ten minutes', { type: 'delay', ms: 1, jitter: 600_001, then: { type: 'ok' } }, /^endpoints\.health\.jitter: .*<=600000/],
    ['fractional jitter', { type: 'delay', ms: 1, jitter: 0.5, then: { type: 'ok' } }, /^endpoints\.health\.jitter: .*int/],
    ['forward with a target', { type: 'forward', target: 'http://x' }, /^endpoints\.health: Unrecognized key: "target"/],
  ])('%s', (_label, behaviour, issue) => {
    const issues = issuesOf(behaviour);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(issue);
  });
});

describe('hasChoice and usesForward', () => {
  it.each<[Behaviour, boolean, boolean]>([
    [{ type: 'ok' }, false, false],
    [{ type: 'delay', ms: 5, then: { type: 'ok' } }, false, false],
    [{ type: 'delay', ms: 5, jitter: 0, then: { type: 'ok' } }, false, false],
    [{ type: 'delay', ms: 5, jitter: 1, then: { type: 'ok' } }, true, false],
    [{ type: 'delay', ms: 5, then: { type: 'sequence', steps: [{ type: 'ok' }] } }, true, false],
    [{ type: 'flaky', rate: 0, fail: { type: 'reset' } }, true, false],
    [{ type: 'forward' }, false, true],
    [{ type: 'delay', ms: 5, then: { type: 'forward' } }, false, true],
    [{ type: 'flaky', rate: 0.5, fail: { type: 'reset' }, otherwise: { type: 'forward' } }, true, true],
    [{ type: 'sequence', steps: [{ type: 'ok' }], then: { type: 'forward' } }, true, true],
  ])('%j: hasChoice %s, usesForward %s', (behaviour, choice, forward) => {
    expect(hasChoice(behaviour)).toBe(choice);
    expect(usesForward(behaviour)).toBe(forward);
  });
});
