// graphql-escaping, holding, failing and not applying, on the exact input it judges: the
// message for people, and the detail for tools (reason code, expected and seen as values).
import { describe, expect, it } from 'vitest';
import { checkGraphqlEscaping } from '../../../harness/checks/graphql-escaping.ts';
import { readTelemetry } from '../../../harness/checks/run-view.ts';
import { journalEntry, planRun, smokeRun, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

describe('graphql-escaping', () => {
  it('holds when graphql_ping arrived as JSON with the right query', () => {
    const run = smokeRun(workspace());
    expect(checkGraphqlEscaping(run, view(run))).toMatchObject({
      ok: true,
      detail: {
        reason: 'escaped',
        expected: { bodyIsJson: true, query: 'query { __typename }' },
        seen: { requests: 1, bodyIsJson: true, query: 'query { __typename }' },
      },
    });
  });
  it('fails: never arrived (args rejected), arrived unescaped, or with another query (gap 5)', () => {
    const base = smokeRun(workspace());
    const without = { ...base, journal: base.journal.filter((entry) => entry.check !== 'graphql_ping') };
    expect(checkGraphqlEscaping(without, view(without))).toMatchObject({
      message: expect.stringMatching(/never arrived/),
      detail: { reason: 'never-arrived', seen: { requests: 0, bodyIsJson: null, query: null, body: null } },
    });
    const body = '{"query":"{"query":"query { __typename }"}"}';
    const pasted = {
      ...base,
      journal: [journalEntry('graphql_ping', 400, { body, bodyIsJson: false, graphql: { parseable: false, operation: null, query: null } })],
    };
    expect(checkGraphqlEscaping(pasted, view(pasted))).toMatchObject({
      message: expect.stringMatching(/\(not JSON\)/),
      detail: { reason: 'body-not-json', seen: { requests: 1, bodyIsJson: false, body } },
    });
    const other = {
      ...base,
      journal: [journalEntry('graphql_ping', 200, { graphql: { parseable: true, operation: 'query', query: '{ health { status } }' } })],
    };
    expect(checkGraphqlEscaping(other, view(other))).toMatchObject({
      message: expect.stringMatching(/expected query "query \{ __typename \}"/),
      detail: { reason: 'wrong-query', seen: { query: '{ health { status } }' } },
    });
  });
  it('does not apply outside the smoke, or to a skipped one', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkGraphqlEscaping(plan, view(plan))).toMatchObject({ status: 'not-applicable', detail: { reason: 'not-smoke' } });
    const skipped = smokeRun(workspace(), { record: { journal: [] }, telemetry: (t) => (t.scenarios[0].status = 'skipped') });
    expect(checkGraphqlEscaping(skipped, view(skipped))).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'smoke-skipped', seen: { requests: 0 } },
    });
  });
});
