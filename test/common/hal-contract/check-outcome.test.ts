// The check rule, GraphQL included, lives in two places: the reference guardrails' jq
// judge (common.sh) and common/hal-contract/check-outcome.ts (record, the harness). This runs the
// real jq judge on answers rendered as hal-mcp renders them and requires both to give
// the verdict the rule states: a 2xx GraphQL response passes, FORBIDDEN errors included;
// a body that is not a GraphQL response fails; a non-2xx fails whatever the body.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFailure } from '../../../common/hal-contract/check-outcome.ts';
import type { CheckName } from '../../../common/hal-contract/routes.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../../harness/run/runner.ts';

const COMMON = join(REFERENCE_GUARDRAILS_DIR, 'scripts/spec_ops_004/common.sh');
const work = mkdtempSync(join(tmpdir(), 'graphql-rule-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const FORBIDDEN = '{"data":null,"errors":[{"message":"Introspection requires admin authentication","extensions":{"code":"FORBIDDEN"}}]}';

/** call_tool's stdout for a completed request, as hal-mcp words it (a text/plain body is passed through as sent). */
function halOutput(status: number, body: string): string {
  const text = `Status: ${status} X\n\nHeaders:\ncontent-type: text/plain\n\nBody:\n${body}`;
  return `${JSON.stringify({ content: [{ type: 'text', text }] }, null, 2)}\n`;
}

/** Runs common.sh's jq judge on one answer (slot 0; the other slots get a healthy answer). */
function jqJudge(check: CheckName, status: number, body: string): { verdict: string; reason: string } {
  for (const i of [0, 1, 2, 3]) {
    writeFileSync(join(work, `out${i}`), i === 0 ? halOutput(status, body) : halOutput(200, '{"status":"ok"}'));
    writeFileSync(join(work, `err${i}`), '');
  }
  const script = `
    source "$1" || exit 3
    cd "$2" || exit 3
    jq -nr --arg names "$3 list_movies indexer_test health" \\
      --rawfile o0 out0 --rawfile o1 out1 --rawfile o2 out2 --rawfile o3 out3 \\
      --rawfile e0 err0 --rawfile e1 err1 --rawfile e2 err2 --rawfile e3 err3 \\
      --arg rc0 0 --arg rc1 0 --arg rc2 0 --arg rc3 0 \\
      --arg cap0 c0 --arg cap1 c1 --arg cap2 c2 --arg cap3 c3 --arg mark "$SPEC_OPS_TELEMETRY_MARK" \\
      --arg command spec-ops-validate --arg specId SPEC-KIT-018 --arg sessionId s --arg timestamp t --arg log l \\
      --arg scenario s --arg hal_on 1 \\
      "$SPEC_OPS_JQ_TELEMETRY_DEFS $SPEC_OPS_JQ_HAL_JUDGE"`;
  const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'judge', COMMON, work, check], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const verdict = /hal_verdict\[0\]='([a-z]+)'/.exec(out)?.[1];
  const reason = /hal_reason\[0\]='((?:[^']|'\\'')*)'/.exec(out)?.[1]?.replaceAll(`'\\''`, `'`);
  if (verdict === undefined || reason === undefined) throw new Error(`unexpected judge output:\n${out}`);
  return { verdict, reason };
}

type Case = [what: string, check: CheckName, status: number, body: string, verdict: 'passed' | 'failed', reason?: string];

const CASES: Case[] = [
  // A GraphQL response under a 2xx passes, whatever its errors say.
  ['production: 200 with null data and FORBIDDEN', 'graphql_ping', 200, FORBIDDEN, 'passed'],
  ['an authorised answer', 'graphql_ping', 200, '{"data":{"__typename":"Query"}}', 'passed'],
  ['data without __typename', 'graphql_ping', 200, '{"data":{}}', 'passed'],
  ['data null alone', 'graphql_ping', 200, '{"data":null}', 'passed'],
  ['errors alone', 'graphql_ping', 200, '{"errors":[{"message":"boom"}]}', 'passed'],
  ['data with an empty errors list', 'graphql_ping', 200, '{"data":{"__typename":"Query"},"errors":[]}', 'passed'],
  ['data with errors null', 'graphql_ping', 200, '{"data":{"__typename":"Query"},"errors":null}', 'passed'],
  ['another 2xx', 'graphql_ping', 203, FORBIDDEN, 'passed'],
  // Not a 2xx: fails whatever the body.
  ['GraphQL errors under a 500', 'graphql_ping', 500, '{"data":null,"errors":[{"message":"Internal server error"}]}', 'failed', 'HTTP 500'],
  ['FORBIDDEN under a 403', 'graphql_ping', 403, FORBIDDEN, 'failed', 'HTTP 403'],
  ['an authorised body under a 503', 'graphql_ping', 503, '{"data":{"__typename":"Query"}}', 'failed', 'HTTP 503'],
  // Not a GraphQL response.
  ['an object with neither data nor errors', 'graphql_ping', 200, '{"status":"ok"}', 'failed', 'neither data nor errors: not a GraphQL response'],
  ['an empty errors list alone', 'graphql_ping', 200, '{"errors":[]}', 'failed', 'neither data nor errors: not a GraphQL response'],
  ['errors null alone', 'graphql_ping', 200, '{"errors":null}', 'failed', 'neither data nor errors: not a GraphQL response'],
  ['an array', 'graphql_ping', 200, '[{"data":null}]', 'failed', 'GraphQL response is not an object'],
  ['a JSON string', 'graphql_ping', 200, '"ok"', 'failed', 'GraphQL response is not an object'],
  ['errors that are not a list', 'graphql_ping', 200, '{"data":null,"errors":"boom"}', 'failed', 'GraphQL errors are malformed'],
  ['an error without a message', 'graphql_ping', 200, '{"data":null,"errors":[{"code":"FORBIDDEN"}]}', 'failed', 'GraphQL errors are malformed'],
  ['an error that is not an object', 'graphql_ping', 200, '{"errors":["boom"]}', 'failed', 'GraphQL errors are malformed'],
  ['data that is a string', 'graphql_ping', 200, '{"data":"Query"}', 'failed', 'GraphQL data is neither an object nor null'],
  ['data that is a list', 'graphql_ping', 200, '{"data":[]}', 'failed', 'GraphQL data is neither an object nor null'],
  ['an empty body', 'graphql_ping', 200, '', 'failed'],
  ['JSON null', 'graphql_ping', 200, 'null', 'failed'],
  ['an HTML page', 'graphql_ping', 200, '<html><body>Bad gateway</body></html>', 'failed'],
  // The other checks: any 2xx JSON that is not null passes.
  ['health, healthy', 'health', 200, '{"status":"healthy"}', 'passed'],
  ['list_movies, a JSON list', 'list_movies', 200, '[]', 'passed'],
  ['health, a 503 with a body', 'health', 503, '{"status":"unhealthy"}', 'failed', 'HTTP 503'],
  ['indexer_test, not JSON', 'indexer_test', 200, 'connected', 'failed'],
];

describe('the GraphQL rule, in the reference guardrails and in check-outcome.ts', () => {
  it.each(CASES)('%s (%s %i): %s', (_what, check, status, body, verdict, reason) => {
    const jq = jqJudge(check, status, body);
    const ts = checkFailure(check, { kind: 'answer', status, body });
    expect({ jq: jq.verdict, ts: ts === null ? 'passed' : 'failed' }).toEqual({ jq: verdict, ts: verdict });
    if (reason !== undefined) {
      expect(jq.reason).toBe(reason);
      expect(ts).toBe(reason);
    }
  });

  it('no answer at all fails', () => {
    expect(checkFailure('graphql_ping', { kind: 'reset', error: 'ECONNRESET' })).toBe('connection failed (ECONNRESET)');
    expect(checkFailure('graphql_ping', { kind: 'hang' })).toBe('no answer');
  });

  it('the rule is written down next to the jq function and in the README', () => {
    const common = readFileSync(COMMON, 'utf8');
    expect(common).toMatch(/# The GraphQL rule \(graphql_ping\)\. The ping proves that the GraphQL endpoint is up/);
    const readme = readFileSync(join(REFERENCE_GUARDRAILS_DIR, 'README.md'), 'utf8');
    expect(readme).toMatch(/## The GraphQL rule \(graphql_ping\)/);
  });
});
