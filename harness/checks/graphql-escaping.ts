// graphql-escaping: graphql_ping reaches the mock as a JSON body whose query is the
// one the scripts mean to send, i.e. the scripts escaped it into call_tool's args.
import { GRAPHQL_PING_QUERY } from '../../common/hal-contract/index.ts';
import { type RunRecord, SMOKE_FLOWS } from '../run/types.ts';
import { type CheckResultOf, otherFlow, result } from './result.ts';
import { halView, isSmoke, type TelemetryView } from './run-view.ts';

export type GraphqlEscapingReason =
  | 'not-smoke'
  | 'smoke-skipped'
  /** No graphql_ping request reached the mock (call_tool may have refused the args). */
  | 'never-arrived'
  | 'body-not-json'
  | 'wrong-query'
  | 'escaped';

export interface GraphqlEscapingSeen {
  requests: number;
  /** Of the first request that is wrong, else of the last one; null when none arrived. */
  bodyIsJson: boolean | null;
  query: string | null;
  /** Its body, cut at 120 characters. */
  body: string | null;
}

const BODY_SHOWN = 120;

export function checkGraphqlEscaping(run: RunRecord, view: TelemetryView): CheckResultOf<GraphqlEscapingReason> {
  const id = 'graphql-escaping';
  if (!isSmoke(run)) return result(id, 'not-applicable', `${run.flow} sends no GraphQL`, otherFlow('not-smoke', SMOKE_FLOWS, run.flow));
  const expected = { bodyIsJson: true, query: GRAPHQL_PING_QUERY };
  const entries = run.journal.filter((entry) => entry.check === 'graphql_ping');
  const bad = entries.find((entry) => entry.bodyIsJson !== true || entry.graphql?.query !== GRAPHQL_PING_QUERY);
  const shown = bad ?? entries.at(-1);
  const body = shown === undefined ? null : shown.body.length > BODY_SHOWN ? `${shown.body.slice(0, BODY_SHOWN)}…` : shown.body;
  const seen: GraphqlEscapingSeen = { requests: entries.length, bodyIsJson: shown?.bodyIsJson ?? null, query: shown?.graphql?.query ?? null, body };
  const hal = halView(view.data);
  if (hal.summary?.status === 'skipped' || hal.scenarioStatus === 'skipped') {
    return result(id, 'not-applicable', 'the HAL smoke was skipped', { reason: 'smoke-skipped', expected, seen });
  }
  if (entries.length === 0) {
    return result(id, 'failed', 'expected the graphql_ping request to reach the mock, but it never arrived (were the args valid JSON?)', {
      reason: 'never-arrived',
      expected,
      seen,
    });
  }
  if (!bad) return result(id, 'passed', `graphql_ping arrived with a JSON body whose query is "${GRAPHQL_PING_QUERY}"`, { reason: 'escaped', expected, seen });
  return bad.bodyIsJson !== true
    ? result(id, 'failed', `expected a JSON body {"query":"${GRAPHQL_PING_QUERY}"}, the mock received ${JSON.stringify(body)} (not JSON)`, {
        reason: 'body-not-json',
        expected,
        seen,
      })
    : result(id, 'failed', `expected query "${GRAPHQL_PING_QUERY}", the mock received ${JSON.stringify(bad.graphql?.query ?? null)}`, {
        reason: 'wrong-query',
        expected,
        seen,
      });
}
