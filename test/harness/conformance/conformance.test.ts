// The differential test, offline: the kit's HAL server gets the conformance calls and
// must answer, and reach the mock, exactly as the real hal-mcp 1.0.14 did when its
// answers were recorded (`npm run conformance -- --update`). The live comparison with
// the real server is `npm run conformance`, which .ci/run runs too.
import { describe, expect, it } from 'vitest';
import { conformanceCases, PROFILES } from '../../../harness/conformance/cases.ts';
import { FIXTURE_PATH, KIT_HAL_COMMAND, readFixture } from '../../../harness/conformance/cli.ts';
import { compareObservations, formatDifferences } from '../../../harness/conformance/compare.ts';
import { type Observation, observeServer } from '../../../harness/conformance/observe.ts';
import { CHECK_NAMES, type CheckName, listScenarios } from '../../../mock-hal/index.ts';

const fixture = readFixture();
const cases = conformanceCases();

describe('the recorded answers of the real hal-mcp', () => {
  it('cover exactly the cases the suite sends (re-record with npm run conformance -- --update when they change)', () => {
    expect(fixture.server).toBe('hal-mcp 1.0.14');
    expect(fixture.observations.map((o) => o.id)).toEqual(cases.map((c) => c.id));
  });

  it('span every tool, every bundled scenario, every secret profile, and at least 30 calls', () => {
    const calls = cases.filter((c) => c.kind === 'call');
    expect(calls.length).toBeGreaterThanOrEqual(30);
    const listed = fixture.observations.find((o) => o.id === 'tools/list')!.answer as { tools: Array<{ name: string }> };
    const offered = listed.tools.map((t) => t.name);
    expect(offered).toContain('list-secrets');
    expect(new Set(calls.map((c) => c.tool))).toEqual(new Set([...offered, 'http-trace']));
    // Every (check, behaviour) pair that some bundled scenario holds is sent once.
    const scenarios = listScenarios().scenarios;
    const key = (check: CheckName, scenario: string, phase: number): string => {
      const behaviour = scenarios.find((s) => s.name === scenario)!.phases[phase]!.endpoints[check] ?? { type: 'ok' };
      return `${check} ${JSON.stringify(behaviour)}`;
    };
    const sent = new Set(cases.flatMap((c) => (typeof c.scenario === 'string' ? [key(c.id.split('/').at(-1) as CheckName, c.scenario, c.phase ?? 0)] : [])));
    const held = scenarios.flatMap((s) => s.phases.flatMap((_, phase) => CHECK_NAMES.map((check) => key(check, s.name, phase))));
    expect(held.filter((k) => !sent.has(k))).toEqual([]);
    expect(held.length).toBeGreaterThan(sent.size);
    expect(new Set(cases.map((c) => c.profile))).toEqual(new Set(Object.keys(PROFILES)));
  });
});

describe('the kit’s HAL server', () => {
  it(`answers every case as the real hal-mcp did (${FIXTURE_PATH.split('/test/')[1]})`, async () => {
    const ours = await observeServer(KIT_HAL_COMMAND, cases);
    const differences = compareObservations(fixture.observations, ours);
    expect(differences, formatDifferences(differences, 'hal-mcp', 'kit    ')).toEqual([]);
  });
});

describe('the comparison', () => {
  const base: Observation = {
    id: 'c',
    answer: { result: { content: [{ type: 'text', text: 'Status: 200 OK' }] } },
    requests: [{ method: 'GET', path: '/health', query: {}, headers: { 'user-agent': 'HAL-MCP/1.0.0' }, body: '' }],
  };
  const variant = (change: (o: Observation) => void): Observation => {
    const copy = structuredClone(base);
    change(copy);
    return copy;
  };

  it('finds nothing between equal observations', () => {
    expect(compareObservations([base], [structuredClone(base)])).toEqual([]);
  });

  it.each([
    [
      'a content item',
      (o: Observation) => ((o.answer as { result: { content: Array<{ text: string }> } }).result.content[0]!.text = 'Status: 401 Unauthorized'),
      'answer.result.content[0].text',
    ],
    ['isError', (o: Observation) => ((o.answer as { result: { isError?: boolean } }).result.isError = true), 'answer.result.isError'],
    ['a request header', (o: Observation) => (o.requests[0]!.headers['user-agent'] = 'other'), 'requests[0].headers.user-agent'],
    ['a request that never came', (o: Observation) => (o.requests = []), 'requests[0]'],
  ])('names the path of a changed %s', (_what, change, path) => {
    const differences = compareObservations([base], [variant(change)]);
    expect(differences.map((d) => d.path)).toEqual([path]);
  });

  it('reports a case one side lacks', () => {
    expect(compareObservations([base], [])).toEqual([{ id: 'c', path: '', expected: 'this case', actual: '(absent)' }]);
    expect(compareObservations([], [base])).toEqual([{ id: 'c', path: '', expected: '(absent)', actual: 'this case' }]);
  });
});
