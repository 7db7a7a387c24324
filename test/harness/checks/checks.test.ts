// Every check id, holding and failing, on the exact input it judges: the message for
// people, and the detail for tools (reason code, expected and seen as values).
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkArtifacts,
  checkBaseline,
  checkExitCode,
  checkGraphqlEscaping,
  checkJournalConsistency,
  checkSecretLeak,
  checkTelemetrySchema,
  checkTelemetryStatus,
  checkTransition,
  judgeRun,
  notApplicableTransition,
  readTelemetry,
} from '../../../harness/checks/index.ts';
import { CheckResultSchema } from '../../../harness/reports/report-schema.ts';
import { CHECK_IDS, type RunRecord } from '../../../harness/run/types.ts';
import { journalEntry, planRun, smokeRun, TEST_KEY, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

describe('a correct run passes every check', () => {
  it('healthy and degraded smoke runs', () => {
    for (const failed of [[], ['health', 'graphql_ping']] as const) {
      const run = smokeRun(workspace(), { failed: [...failed] });
      const { checks, status } = judgeRun(run, 'hermetic');
      expect(checks.filter((check) => check.ok === false)).toEqual([]);
      expect(status).toBe(failed.length === 0 ? 'passed' : 'failed');
    }
  });

  it('reports every per-run check id once, in order', () => {
    const { checks } = judgeRun(smokeRun(workspace()), 'hermetic');
    expect(checks.map((check) => check.id)).toEqual(CHECK_IDS.filter((id) => id !== 'transition'));
  });
});

describe('every result carries a detail report.json accepts', () => {
  const runs: [string, () => RunRecord][] = [
    ['healthy validate', () => smokeRun(workspace())],
    ['degraded validate', () => smokeRun(workspace(), { failed: ['health'] })],
    ['validate without telemetry', () => smokeRun(workspace(), { record: { telemetryPath: null, exitCode: 2 } })],
    ['plan', () => planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true })],
  ];
  it.each(runs)('%s', (_, make) => {
    const { checks } = judgeRun(make(), 'hermetic');
    for (const check of checks) {
      expect(CheckResultSchema.safeParse(check).error?.issues ?? [], check.id).toEqual([]);
      expect(Object.keys(check.detail), check.id).toEqual(['reason', 'expected', 'seen']);
      expect(check.detail.reason, check.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
  });
  it('the schema refuses a result without detail, or whose ok contradicts its status', () => {
    expect(CheckResultSchema.safeParse({ id: 'exit-code', status: 'passed', ok: true, message: 'x' }).success).toBe(false);
    const detail = { reason: 'as-expected', expected: 'zero', seen: null };
    expect(CheckResultSchema.safeParse({ id: 'exit-code', status: 'passed', ok: false, message: 'x', detail }).success).toBe(false);
    expect(CheckResultSchema.safeParse({ id: 'exit-code', status: 'passed', ok: true, message: 'x', detail }).success).toBe(true);
  });
});

describe('exit-code', () => {
  it('holds: 0 for passed, non-zero for failed', () => {
    expect(checkExitCode(smokeRun(workspace()))).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: 'zero', seen: { exitCode: 0, signal: null, timedOut: false } },
    });
    expect(checkExitCode(smokeRun(workspace(), { failed: ['health'] }))).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: 'non-zero', seen: { exitCode: 1 } },
    });
  });
  it('fails: exit 0 under a degraded scenario (gap 2), non-zero when healthy, killed, killed by timeout', () => {
    const green = checkExitCode(smokeRun(workspace(), { failed: ['health'], record: { exitCode: 0 } }));
    expect(green).toMatchObject({ ok: false, message: expect.stringMatching(/expected a non-zero exit for a failed run, saw exit 0/) });
    expect(green.detail).toEqual({ reason: 'zero-exit', expected: 'non-zero', seen: { exitCode: 0, signal: null, timedOut: false } });
    const three = checkExitCode(smokeRun(workspace(), { record: { exitCode: 3 } }));
    expect(three).toMatchObject({
      message: expect.stringMatching(/expected exit 0, saw exit 3/),
      detail: { reason: 'non-zero-exit', expected: 'zero', seen: { exitCode: 3 } },
    });
    const killed = checkExitCode(smokeRun(workspace(), { record: { exitCode: null, signal: 'SIGKILL' } }));
    expect(killed).toMatchObject({ ok: false, detail: { reason: 'killed', seen: { exitCode: null, signal: 'SIGKILL', timedOut: false } } });
    const timedOut = checkExitCode(smokeRun(workspace(), { record: { timedOut: true, exitCode: null, signal: 'SIGTERM' } }));
    expect(timedOut).toMatchObject({
      message: expect.stringMatching(/killed it after its timeout/),
      detail: { reason: 'timed-out', seen: { timedOut: true, signal: 'SIGTERM' } },
    });
  });
  it('wants exit 0 for plan allowed to fail its baseline', () => {
    const allowed = planRun(workspace(), { baselineStatus: 'failed', exitCode: 1, forcedFail: true, allowFail: true });
    expect(checkExitCode(allowed)).toMatchObject({ ok: false, detail: { reason: 'non-zero-exit', expected: 'zero' } });
  });
});

describe('telemetry-schema', () => {
  it('holds for schema v1 with hal.summary as the flag asks', () => {
    const run = smokeRun(workspace());
    expect(checkTelemetrySchema(run, view(run))).toMatchObject({
      ok: true,
      detail: {
        reason: 'clean',
        expected: { file: 'spec-validate_<session>.json', command: 'spec-ops-validate', noProblemsIn: ['spec-kit', 'hal-flag'], halSummary: 'present' },
        seen: [],
      },
    });
  });
  it('fails: missing file, broken JSON, missing field, hal.summary against the flag', () => {
    const missing = smokeRun(workspace(), { record: { telemetryPath: null } });
    expect(checkTelemetrySchema(missing, view(missing))).toMatchObject({
      message: expect.stringMatching(/no telemetry file was written/),
      detail: { reason: 'unreadable', seen: ['no telemetry file was written'] },
    });

    const broken = smokeRun(workspace());
    writeFileSync(broken.telemetryPath as string, '{"command": "spec-ops-val');
    expect(checkTelemetrySchema(broken, view(broken))).toMatchObject({ ok: false, detail: { reason: 'unreadable' } });

    const noScenarios = smokeRun(workspace(), { telemetry: (t) => delete t.scenarios });
    const noScenariosResult = checkTelemetrySchema(noScenarios, view(noScenarios));
    expect(noScenariosResult).toMatchObject({ message: expect.stringMatching(/scenarios/), detail: { reason: 'spec-kit' } });
    expect(noScenariosResult.detail.seen).toContainEqual(expect.objectContaining({ ruleSet: 'spec-kit', path: 'scenarios' }));

    const unasked = smokeRun(workspace(), { record: { telemetryHal: false } });
    expect(checkTelemetrySchema(unasked, view(unasked))).toMatchObject({
      message: expect.stringMatching(/hal/),
      detail: { reason: 'hal-flag', expected: { halSummary: 'absent' } },
    });

    const absent = smokeRun(workspace(), { telemetry: (t) => delete t.hal });
    expect(checkTelemetrySchema(absent, view(absent))).toMatchObject({
      message: expect.stringMatching(/hal/),
      detail: { reason: 'hal-flag', expected: { halSummary: 'present' } },
    });
  });
});

describe('telemetry-status', () => {
  it('holds when status and failed_checks match the scenario', () => {
    const run = smokeRun(workspace(), { failed: ['indexer_test'] });
    expect(checkTelemetryStatus(run, view(run))).toMatchObject({
      ok: true,
      detail: {
        reason: 'as-expected',
        expected: { 'scenarios[].status': 'failed', 'hal.summary.status': 'failed', 'hal.summary.failed_checks': ['indexer_test'] },
        seen: { 'scenarios[].status': 'failed', 'hal.summary.status': 'failed', 'hal.summary.failed_checks': ['indexer_test'] },
      },
    });
  });
  it('holds on skipped where passed is expected, saying so', () => {
    const skipped = smokeRun(workspace(), {
      telemetry: (t) => {
        t.scenarios[0].status = 'skipped';
        t.hal.summary.status = 'skipped';
      },
    });
    expect(checkTelemetryStatus(skipped, view(skipped))).toMatchObject({
      ok: true,
      detail: { reason: 'skipped-accepted', seen: { 'hal.summary.status': 'skipped' } },
    });
  });
  it('fails: passed under a degraded scenario, or the wrong failed_checks', () => {
    const green = smokeRun(workspace(), {
      failed: ['health'],
      telemetry: (t) => {
        t.scenarios[0].status = 'passed';
        t.hal.summary.status = 'passed';
      },
    });
    const greenResult = checkTelemetryStatus(green, view(green));
    expect(greenResult.message).toMatch(/scenario status: expected failed, saw passed.*hal\.summary\.status: expected failed, saw passed/);
    expect(greenResult.detail).toMatchObject({
      reason: 'status-mismatch',
      expected: { 'scenarios[].status': 'failed' },
      seen: { 'scenarios[].status': 'passed', 'hal.summary.status': 'passed' },
    });
    const wrongSet = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => (t.hal.summary.failed_checks = ['health', 'list_movies']) });
    expect(checkTelemetryStatus(wrongSet, view(wrongSet))).toMatchObject({
      message: expect.stringMatching(/failed_checks: expected \[health\], saw \[health, list_movies\]/),
      detail: {
        reason: 'failed-checks-mismatch',
        expected: { 'hal.summary.failed_checks': ['health'] },
        seen: { 'hal.summary.failed_checks': ['health', 'list_movies'] },
      },
    });
    const noTelemetry = smokeRun(workspace(), { record: { telemetryPath: null } });
    expect(checkTelemetryStatus(noTelemetry, view(noTelemetry)).detail).toEqual({
      reason: 'no-telemetry',
      expected: null,
      seen: { telemetry: null, problems: ['no telemetry file was written'] },
    });
  });
  it('judges the other stages by their own fields', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: true });
    expect(checkTelemetryStatus(plan, view(plan))).toMatchObject({
      message: expect.stringMatching(/baseline\.status: expected failed, saw passed/),
      detail: { reason: 'status-mismatch', expected: { 'baseline.status': 'failed' }, seen: { 'baseline.status': 'passed' } },
    });
    const skipped = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 0, forcedFail: false });
    expect(checkTelemetryStatus(skipped, view(skipped))).toMatchObject({
      ok: true,
      message: expect.stringMatching(/^baseline\.status skipped, accepted/),
      detail: { reason: 'skipped-accepted' },
    });
  });
});

describe('journal-consistency', () => {
  it('holds when telemetry agrees with what the mock saw', () => {
    const run = smokeRun(workspace(), { failed: ['graphql_ping'] });
    const result = checkJournalConsistency(run, view(run));
    expect(result).toMatchObject({
      ok: true,
      detail: { reason: 'consistent', expected: { failedChecks: ['graphql_ping'] }, seen: { status: 'failed', failedChecks: ['graphql_ping'] } },
    });
    expect((result.detail.seen as { journal: Record<string, unknown> }).journal.graphql_ping).toEqual({ requests: 1, status: 500, fault: null, ok: false });
  });
  it('fails: passed although a check never arrived or got a 5xx; failed_checks leaving one out or missing', () => {
    const neverArrived = smokeRun(workspace(), {
      record: { journal: [journalEntry('health', 200), journalEntry('list_movies', 200), journalEntry('indexer_test', 200)] },
    });
    expect(checkJournalConsistency(neverArrived, view(neverArrived))).toMatchObject({
      message: expect.stringMatching(/telemetry says passed, but graphql_ping never reached the mock/),
      detail: {
        reason: 'passed-despite-failures',
        expected: { failedChecks: ['graphql_ping'] },
        seen: { status: 'passed', journal: { graphql_ping: { requests: 0, ok: false } } },
      },
    });
    const fiveHundred = smokeRun(workspace(), {
      record: {
        journal: [journalEntry('health', 503), journalEntry('list_movies', 200), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)],
      },
    });
    expect(checkJournalConsistency(fiveHundred, view(fiveHundred))).toMatchObject({
      message: expect.stringMatching(/health got 503/),
      detail: { reason: 'passed-despite-failures', seen: { journal: { health: { status: 503 } } } },
    });
    const leftOut = smokeRun(workspace(), {
      failed: ['health'],
      record: {
        journal: [journalEntry('health', 503), journalEntry('list_movies', null), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)],
      },
    });
    expect(checkJournalConsistency(leftOut, view(leftOut))).toMatchObject({
      message: expect.stringMatching(/leaves out list_movies \(got no answer \(reset\)\)/),
      detail: {
        reason: 'failed-checks-incomplete',
        expected: { failedChecks: ['health', 'list_movies'] },
        seen: { failedChecks: ['health'], journal: { list_movies: { fault: 'reset', status: null } } },
      },
    });
    const unlisted = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => delete t.hal.summary.failed_checks });
    expect(checkJournalConsistency(unlisted, view(unlisted))).toMatchObject({
      ok: false,
      detail: { reason: 'no-failed-checks', seen: { failedChecks: null } },
    });
  });
  it('does not apply to flows without HAL calls, or to a skipped smoke', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkJournalConsistency(plan, view(plan))).toMatchObject({
      status: 'not-applicable',
      ok: null,
      detail: { reason: 'not-smoke', expected: { flows: ['validate', 'audit'] }, seen: { flow: 'plan' } },
    });
    const skipped = smokeRun(workspace(), { telemetry: (t) => (t.hal.summary.status = 'skipped') });
    expect(checkJournalConsistency(skipped, view(skipped))).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'smoke-skipped', seen: { status: 'skipped' } },
    });
  });
});

describe('artifacts', () => {
  it('holds when listed files exist, are non-empty and no failed capture is listed', () => {
    const run = smokeRun(workspace(), { failed: ['health'] });
    const result = checkArtifacts(run, view(run));
    expect(result).toMatchObject({ ok: true, detail: { reason: 'clean', expected: { minimum: 0, problems: [] }, seen: { problems: [] } } });
    expect((result.detail.seen as { listed: string[] }).listed).toHaveLength(4);
  });
  it('fails: a missing file, an empty file, a failed capture listed, a fallback body listed (gap 3)', () => {
    const ws = workspace();
    const missing = smokeRun(ws);
    rmSync(`${ws.evidenceDir}/20261124-100000Z-hal-health.json`);
    const missingResult = checkArtifacts(missing, view(missing));
    expect(missingResult.message).toMatch(/hal-health\.json is listed but does not exist/);
    expect(missingResult.detail).toMatchObject({
      reason: 'missing',
      seen: { problems: [{ path: `${ws.evidenceDir}/20261124-100000Z-hal-health.json`, kind: 'missing' }] },
    });

    const emptyWs = workspace();
    const empty = smokeRun(emptyWs);
    writeFileSync(`${emptyWs.evidenceDir}/20261124-100000Z-hal-list_movies.json`, '');
    expect(checkArtifacts(empty, view(empty))).toMatchObject({
      message: expect.stringMatching(/hal-list_movies\.json is listed but empty/),
      detail: { reason: 'empty' },
    });

    const failedListed = smokeRun(workspace(), {
      failed: ['indexer_test'],
      telemetry: (t) => t.artifacts.push({ path: t.artifacts[1].path.replace('hal-health', 'hal-indexer_test') }),
    });
    expect(checkArtifacts(failedListed, view(failedListed))).toMatchObject({
      message: expect.stringMatching(/hal-indexer_test\.json is listed although indexer_test is in failed_checks/),
      detail: { reason: 'failed-check-listed', seen: { problems: [{ kind: 'failed-check-listed', check: 'indexer_test' }] } },
    });

    const fallbackWs = workspace();
    const fallback = smokeRun(fallbackWs);
    writeFileSync(`${fallbackWs.evidenceDir}/20261124-100000Z-hal-health.json`, '{"status":503,"note":"Health endpoint returned no body"}');
    expect(checkArtifacts(fallback, view(fallback))).toMatchObject({
      message: expect.stringMatching(/holds the synthetic fallback body/),
      detail: { reason: 'fallback-body', seen: { problems: [{ check: 'health' }] } },
    });
  });
  it('fails: a capture of a call the mock failed, though failed_checks does not say so', () => {
    const run = smokeRun(workspace(), {
      record: {
        journal: [journalEntry('health', 503), journalEntry('list_movies', 200), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)],
      },
    });
    expect(checkArtifacts(run, view(run))).toMatchObject({
      message: expect.stringMatching(/hal-health\.json is listed although health got 503$/),
      detail: { reason: 'failed-call-listed', seen: { problems: [{ kind: 'failed-call-listed', check: 'health', requests: 1, status: 503, fault: null }] } },
    });
  });
  it('wants at least the log outside validate', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    writeFileSync(plan.telemetryPath as string, JSON.stringify({ ...view(plan).data, artifacts: [] }));
    expect(checkArtifacts(plan, view(plan))).toMatchObject({ ok: false, detail: { reason: 'none-listed', expected: { minimum: 1 }, seen: { listed: [] } } });
  });
});

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

describe('secret-leak', () => {
  it('holds when the key is nowhere', () => {
    expect(checkSecretLeak(smokeRun(workspace()))).toMatchObject({
      ok: true,
      detail: { reason: 'not-found', expected: { places: [] }, seen: { places: [], scannedFiles: 6 } },
    });
  });
  it('fails: the key in the log, a capture, the telemetry or stderr (gap 8)', () => {
    const ws = workspace();
    const run = smokeRun(ws);
    const log = `${ws.evidenceDir}/spec-validate_2026-11-24T10:00:00Z-12345.log`;
    appendFileSync(log, `calling with key ${TEST_KEY}\n`);
    expect(checkSecretLeak(run)).toMatchObject({
      message: expect.stringMatching(/spec-validate_.*\.log/),
      detail: { reason: 'leaked', seen: { places: [log] } },
    });
    expect(checkSecretLeak({ ...smokeRun(workspace()), stderr: `X-Api-Key: ${TEST_KEY}` })).toMatchObject({
      message: expect.stringMatching(/stderr/),
      detail: { reason: 'leaked', seen: { places: ['stderr'] } },
    });
    const inTelemetry = smokeRun(workspace(), { telemetry: (t) => (t.debug = { key: TEST_KEY }) });
    expect(checkSecretLeak(inTelemetry)).toMatchObject({
      message: expect.stringMatching(/spec-validate_.*\.json/),
      detail: { seen: { places: [inTelemetry.telemetryPath] } },
    });
  });
});

describe('transition', () => {
  it('holds for passed→failed and for a window passed→failed→passed', () => {
    const pair = checkTransition([
      { flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' },
      { flow: 'validate', label: 'degraded', observed: 'failed', expected: 'failed' },
    ]);
    expect(pair).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: { runs: ['healthy', 'degraded'], statuses: ['passed', 'failed'] }, seen: { statuses: ['passed', 'failed'] } },
    });
    expect(
      checkTransition(
        ['passed', 'failed', 'passed'].map((status, index) => ({
          flow: 'validate',
          label: `p${index}`,
          observed: status,
          expected: status as 'passed' | 'failed',
        })),
      ).ok,
    ).toBe(true);
  });
  it('fails when the degraded run still says passed, or gave no status', () => {
    const stuck = checkTransition([
      { flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' },
      { flow: 'validate', label: 'degraded', observed: 'passed', expected: 'failed' },
    ]);
    expect(stuck.message).toBe('healthy, degraded: expected passed→failed, saw passed→passed');
    expect(stuck.detail).toEqual({
      reason: 'unexpected-sequence',
      expected: { runs: ['healthy', 'degraded'], statuses: ['passed', 'failed'] },
      seen: { runs: ['healthy', 'degraded'], statuses: ['passed', 'passed'] },
    });
    const silent = checkTransition([
      { flow: 'audit', label: 'healthy', observed: null, expected: 'passed' },
      { flow: 'audit', label: 'degraded', observed: 'failed', expected: 'failed' },
    ]);
    expect(silent).toMatchObject({ ok: false, detail: { reason: 'unexpected-sequence', seen: { statuses: [null, 'failed'] } } });
  });
  it('does not apply to a single run, nor to a shard', () => {
    expect(checkTransition([{ flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' }])).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'single-run' },
    });
    expect(notApplicableTransition('a shard')).toMatchObject({
      status: 'not-applicable',
      ok: null,
      message: 'a shard',
      detail: { reason: 'partial-shard', expected: null, seen: null },
    });
  });
});

describe('baseline', () => {
  it('holds: passing baseline exits 0; failing baseline fails and exits non-zero; allowed failure exits 0', () => {
    const passing = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkBaseline(passing, view(passing))).toMatchObject({
      ok: true,
      detail: {
        reason: 'as-expected',
        expected: { 'baseline.status': ['passed', 'skipped'], exit: 'zero' },
        seen: { 'baseline.status': 'passed', exitCode: 0 },
      },
    });
    const failing = planRun(workspace(), { baselineStatus: 'failed', exitCode: 1, forcedFail: true });
    expect(checkBaseline(failing, view(failing))).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: { 'baseline.status': ['failed'], exit: 'non-zero' } },
    });
    const allowed = planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true, allowFail: true });
    expect(checkBaseline(allowed, view(allowed))).toMatchObject({ ok: true, detail: { expected: { exit: 'zero' } } });
  });
  it('holds on a skipped baseline with exit 0, as the Spec Kit advances on it; not when it exits non-zero', () => {
    const skipped = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 0, forcedFail: false });
    expect(checkBaseline(skipped, view(skipped))).toMatchObject({
      ok: true,
      message: 'a passing baseline gave baseline.status skipped and exit 0',
      detail: { reason: 'skipped-accepted' },
    });
    const skippedButFailed = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 1, forcedFail: false });
    expect(checkBaseline(skippedButFailed, view(skippedButFailed))).toMatchObject({ ok: false, detail: { reason: 'exit-mismatch', seen: { exitCode: 1 } } });
  });
  it('fails: status stamped from the mode (gap 1), or the exit status lost', () => {
    const stamped = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: true });
    expect(checkBaseline(stamped, view(stamped))).toMatchObject({
      message: expect.stringMatching(/should give baseline\.status failed and a non-zero exit, saw passed and exit 0/),
      detail: { reason: 'status-mismatch', seen: { 'baseline.status': 'passed', exitCode: 0 } },
    });
    const lostExit = planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true });
    expect(checkBaseline(lostExit, view(lostExit))).toMatchObject({ ok: false, detail: { reason: 'exit-mismatch' } });
  });
  it('does not apply outside plan', () => {
    const run = smokeRun(workspace());
    expect(checkBaseline(run, view(run))).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'not-plan', expected: { flows: ['plan'] }, seen: { flow: 'validate' } },
    });
  });
});
