// One scenario-name rule for the model, the scenario store, the recorder and the control
// API: a name any of them accepts, all accept, and none lets a name leave its folder.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScenarioName, looksLikeScenarioPath, SCENARIO_NAME_MAX_LENGTH, SCENARIO_NAME_RULE } from '../../../common/hal-contract/scenario-name.ts';
import { checkScenarioName, scenarioNameFromFile } from '../../../mock-hal/record/record.ts';
import { parseScenario, ScenarioError } from '../../../mock-hal/scenario/scenario-model.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { runs, SEED } from '../../support/fuzz-config.ts';

const GOOD = ['healthy', 'failure-window-5xx', 'a', '0', 'v1.2_rc-3', 'x'.repeat(SCENARIO_NAME_MAX_LENGTH), 'ends.'];
const BAD = ['', 'Healthy', '-lead', '.hidden', '_x', 'a b', 'a/b', '..', '../etc', 'a\\b', 'x'.repeat(SCENARIO_NAME_MAX_LENGTH + 1), 'café', 'a\n'];

function modelAccepts(name: string): boolean {
  try {
    parseScenario({ name, description: 'x', expect: { status: 'passed' } });
    return true;
  } catch (error) {
    if (error instanceof ScenarioError) return false;
    throw error;
  }
}

describe('scenario names', () => {
  it.each(GOOD)('%j is a name', (name) => {
    expect(isScenarioName(name)).toBe(true);
  });

  it.each(BAD)('%j is not', (name) => {
    expect(isScenarioName(name)).toBe(false);
  });

  it('the rule in words matches the pattern', () => {
    expect(SCENARIO_NAME_MAX_LENGTH).toBe(64);
    expect(SCENARIO_NAME_RULE).toBe('use lower-case letters, digits, ".", "_" or "-" (at most 64 characters)');
  });

  it('a path is a reference with a separator or a .json ending', () => {
    for (const ref of ['a/b', 'a\\b', './x', 'x.json', '/abs/x.json']) expect(looksLikeScenarioPath(ref)).toBe(true);
    for (const ref of ['healthy', 'x.jsonl', 'json', '..']) expect(looksLikeScenarioPath(ref)).toBe(false);
  });

  it(`the model, the recorder and the store agree on every name (${runs(200)} cases, seed ${SEED})`, () => {
    const names = fc.oneof(fc.constantFrom(...GOOD, ...BAD), fc.stringMatching(/^[a-z0-9._\-A-Z /]{0,70}$/));
    fc.assert(
      fc.property(names, (name) => {
        const valid = isScenarioName(name);
        expect(modelAccepts(name)).toBe(valid);
        let refused: Error | null = null;
        try {
          checkScenarioName(name);
        } catch (error) {
          refused = error as Error;
        }
        expect(refused === null).toBe(valid);
        if (refused !== null) expect(refused.message).toContain(SCENARIO_NAME_RULE);
        if (!valid && !looksLikeScenarioPath(name)) {
          expect(() => resolveScenario(name)).toThrow(/a scenario name uses lower-case letters/);
        }
      }),
      { seed: SEED, numRuns: runs(200) },
    );
  });

  it('a recording named after its file always gets a valid name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 90 }), (stem) => {
        expect(isScenarioName(scenarioNameFromFile(`/out/${stem.replaceAll('/', '')}.json`))).toBe(true);
      }),
      { seed: SEED, numRuns: runs(200) },
    );
  });
});
