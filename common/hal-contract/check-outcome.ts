// The one rule for "did this smoke check fail?", given what the API answered. It is
// the rule the reference guardrails' jq judge applies
// (harness/reference-guardrails/scripts/spec_ops_004/common.sh, graphql_problem and
// judge). `mock-hal record` uses it to derive a recording's expectation, and the
// harness uses it to read the journal.
//
// A check fails when:
// - the API gave no answer (the connection failed, was reset, or timed out);
// - the status is not 2xx;
// - the body is empty, not JSON, or JSON null;
// - graphql_ping only: the body is not a GraphQL response (see graphqlResponseProblem).
//
// A 2xx GraphQL response that carries errors passes. The ping proves that the GraphQL
// endpoint is up and answering GraphQL, not that the query is authorised. Production
// answered every healthy run with 200 {"data":null,"errors":[{... "FORBIDDEN" ...}]}.
import type { CheckName } from './routes.ts';

/** What one smoke request got back. */
export type SmokeAnswer =
  /** `body` left out: not known (the journal keeps no response bodies), so only the status is judged. */
  | { kind: 'answer'; status: number; body?: string }
  /** No HTTP answer at all. */
  | { kind: 'reset' | 'hang' | 'client-gone'; error?: string };

export function isSuccessStatus(status: number): boolean {
  return status >= 200 && status <= 299;
}

function isGraphqlError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { message?: unknown }).message === 'string';
}

/**
 * Why a parsed graphql_ping body is not a GraphQL response, or null when it is one.
 * A GraphQL response is a JSON object with `data` (an object or null) and/or a
 * non-empty `errors` array whose entries are objects with a string `message`.
 * `errors: null` and `errors: []` count as no errors.
 */
export function graphqlResponseProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'GraphQL response is not an object';
  const doc = value as { data?: unknown; errors?: unknown };
  const errors = doc.errors ?? null;
  if (errors !== null && (!Array.isArray(errors) || !errors.every(isGraphqlError))) return 'GraphQL errors are malformed';
  const hasData = Object.hasOwn(doc, 'data');
  if (hasData && doc.data !== null && (typeof doc.data !== 'object' || Array.isArray(doc.data))) {
    return 'GraphQL data is neither an object nor null';
  }
  if (!hasData && (errors === null || (errors as unknown[]).length === 0)) return 'neither data nor errors: not a GraphQL response';
  return null;
}

/** Why this body fails the check, or null when it passes (the status is judged apart). */
export function bodyProblem(check: CheckName, body: string): string | null {
  if (body.trim() === '') return 'empty body';
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  if (value === null) return 'body is JSON null';
  return check === 'graphql_ping' ? graphqlResponseProblem(value) : null;
}

/** Why a correct guardrail must count this answer as a failed check, or null when it must count it as passed. */
export function checkFailure(check: CheckName, answer: SmokeAnswer): string | null {
  switch (answer.kind) {
    case 'reset':
    case 'client-gone':
      return answer.error === undefined ? 'connection failed' : `connection failed (${answer.error})`;
    case 'hang':
      return answer.error === undefined ? 'no answer' : `no answer (${answer.error})`;
    case 'answer':
      break;
  }
  if (!isSuccessStatus(answer.status)) return `HTTP ${answer.status}`;
  return answer.body === undefined ? null : bodyProblem(check, answer.body);
}

/** A journal entry's answer: the status, or the fault when none was sent. The journal keeps no response body. */
export function journalAnswer(entry: { status: number | null; fault?: 'hang' | 'reset' | 'client-gone' }): SmokeAnswer {
  if (entry.fault !== undefined) return { kind: entry.fault };
  if (entry.status === null) return { kind: 'reset' };
  return { kind: 'answer', status: entry.status };
}

/** The text the record command and the README use for this rule. */
export const CHECK_OUTCOME_RULE =
  'A check is counted as failed when the connection failed or timed out, its answer is not 2xx, or its body is empty, not JSON or JSON null; ' +
  'graphql_ping also fails when the body is not a GraphQL response (an object with "data" as an object or null, and/or a non-empty "errors" array of objects with a string "message"). ' +
  'A 2xx GraphQL response with errors, such as FORBIDDEN, passes: the ping proves GraphQL answers, not that the query is authorised.';
