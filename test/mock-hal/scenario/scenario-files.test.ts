// Scenario files: the model, the published schema, and the errors a user sees.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScenarioEngine } from '../../../mock-hal/scenario/scenario-engine.ts';
import { parseScenario, ScenarioError, scenarioJsonSchema } from '../../../mock-hal/scenario/scenario-model.ts';
import { DEFAULT_SCENARIOS_DIR, loadScenarioFile, resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';

const fixture = (name: string) => new URL(`../../fixtures/scenarios/${name}`, import.meta.url).pathname;

function issuesOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario files', () => {
  it('the committed JSON Schema is the one the model generates', () => {
    const committed = JSON.parse(readFileSync(`${DEFAULT_SCENARIOS_DIR}/scenario.schema.json`, 'utf8'));
    expect(committed).toEqual(scenarioJsonSchema());
  });

  it('names the bad field', () => {
    expect(issuesOf(() => loadScenarioFile(fixture('bad-status.json')))).toEqual([expect.stringMatching(/^endpoints\.list_movies\.status: /)]);
    const issues = issuesOf(() => loadScenarioFile(fixture('unknown-check.json')));
    expect(issues.some((issue) => issue.startsWith('endpoints:') && issue.includes('helth'))).toBe(true);
    expect(issues.some((issue) => issue.startsWith('expect.failedChecks[0]'))).toBe(true);
  });

  it('says what is missing or contradictory', () => {
    expect(issuesOf(() => parseScenario({ name: 'x', description: 'd' }))).toEqual(['expect: a steady scenario needs "expect" (or use "phases")']);
    expect(issuesOf(() => parseScenario({ name: 'x', description: 'd', expect: { status: 'passed' }, phases: [{ expect: { status: 'passed' } }] }))).toContain(
      'phases: give either endpoints+expect (a steady scenario) or phases (a timeline), not both',
    );
    expect(
      issuesOf(() => parseScenario({ name: 'x', description: 'd', phases: [{ expect: { status: 'passed' } }, { expect: { status: 'failed' } }] })),
    ).toEqual(['phases[0].durationMs: every phase but the last needs durationMs']);
    expect(issuesOf(() => parseScenario({ name: 'Bad Name', description: 'd', expect: { status: 'passed' } }))[0]).toMatch(/^name: use lower-case/);
    expect(issuesOf(() => parseScenario([]))[0]).toMatch(/^\(document\): /);
  });

  it('reports unreadable and non-JSON files by path', () => {
    expect(issuesOf(() => loadScenarioFile('/nonexistent/x.json'))).toEqual(['(file): cannot read it (ENOENT)']);
    expect(issuesOf(() => loadScenarioFile(fixture('truncated.json')))[0]).toMatch(/^\(document\): not valid JSON/);
    expect(issuesOf(() => loadScenarioFile(DEFAULT_SCENARIOS_DIR))).toEqual(['(file): not a regular file']);
  });

  it('resolves names in the folder and paths as files, and names cannot climb out', () => {
    expect(resolveScenario('degraded').name).toBe('degraded');
    expect(resolveScenario(fixture('custom-outage.json')).name).toBe('custom-outage');
    expect(issuesOf(() => resolveScenario('..'))[0]).toMatch(/lower-case letters/);
    expect(issuesOf(() => resolveScenario('nope'))[0]).toMatch(/no scenario "nope".*known: .*degraded/);
  });
});

describe('timelines', () => {
  const window = resolveScenario('failure-window');

  it('walks the phases with the clock and stays in the last', () => {
    let now = 0;
    const engine = new ScenarioEngine(window, () => now);
    expect([engine.active().phase.name, engine.active().remainingMs]).toEqual(['before', 5000]);
    now = 5000;
    expect(engine.active().phase.name).toBe('outage');
    expect(engine.behaviourFor('health').behaviour).toEqual({ type: 'reset' });
    now = 14_999;
    expect(engine.active().remainingMs).toBe(1);
    now = 15_000;
    expect([engine.active().phase.name, engine.active().remainingMs]).toEqual(['after', null]);
    now = 10_000_000;
    expect(engine.behaviourFor('health').behaviour).toEqual({ type: 'ok' });
  });

  it('the bundled failure-window outage is the real one: every endpoint unreachable, all four checks failed', () => {
    const outage = window.phases[1]!;
    expect(outage.endpoints).toEqual({
      health: { type: 'reset' },
      list_movies: { type: 'reset' },
      indexer_test: { type: 'reset' },
      graphql_ping: { type: 'reset' },
    });
    expect(outage.expect).toEqual({ status: 'failed', failedChecks: ['health', 'list_movies', 'indexer_test', 'graphql_ping'] });
    expect(window.phases.map((phase) => [phase.name, phase.durationMs, phase.expect.status])).toEqual([
      ['before', 5000, 'passed'],
      ['outage', 10000, 'failed'],
      ['after', undefined, 'passed'],
    ]);
  });

  it('failure-window-5xx keeps the 5xx outage: every endpoint answers 503 with a JSON body', () => {
    const fiveXx = resolveScenario('failure-window-5xx');
    expect(fiveXx.phases.map((phase) => [phase.name, phase.durationMs, phase.expect.status])).toEqual([
      ['before', 5000, 'passed'],
      ['outage', 10000, 'failed'],
      ['after', undefined, 'passed'],
    ]);
    for (const behaviour of Object.values(fiveXx.phases[1]!.endpoints))
      expect(behaviour).toMatchObject({ type: 'status', status: 503, body: expect.any(Object) });
    expect(Object.keys(fiveXx.phases[1]!.endpoints)).toHaveLength(4);
    expect(fiveXx.phases[1]!.expect.failedChecks).toEqual(['health', 'list_movies', 'indexer_test', 'graphql_ping']);
  });

  it('starts at a phase and holds it', () => {
    let now = 0;
    const engine = new ScenarioEngine(window, () => now);
    engine.activate(window, { phase: 1, hold: true });
    now = 1_000_000;
    expect(engine.active()).toMatchObject({ index: 1, held: true, remainingMs: null });
    engine.activate(window, { phase: 1 });
    now += 10_000;
    expect(engine.active().index).toBe(2);
  });
});
