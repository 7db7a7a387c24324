// Every check id, holding and failing, on the exact input it judges.
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkArtifacts,
  checkBaseline,
  checkExitCode,
  checkGraphqlEscaping,
  checkJournalConsistency,
  checkManifestPath,
  checkSecretLeak,
  checkTelemetrySchema,
  checkTelemetryStatus,
  checkTransition,
  judgeRun,
  readTelemetry,
} from '../../../harness/checks/checks.ts';
import { CHECK_IDS } from '../../../harness/run/types.ts';
import { TEST_KEY, cargoCall, journalEntry, planRun, smokeRun, workspace } from '../../support/run-record.ts';

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

describe('exit-code', () => {
  it('holds: 0 for passed, non-zero for failed', () => {
    expect(checkExitCode(smokeRun(workspace())).ok).toBe(true);
    expect(checkExitCode(smokeRun(workspace(), { failed: ['health'] })).ok).toBe(true);
  });
  it('fails: exit 0 under a degraded scenario (gap 2), non-zero when healthy, killed by timeout', () => {
    const green = checkExitCode(smokeRun(workspace(), { failed: ['health'], record: { exitCode: 0 } }));
    expect(green).toMatchObject({ ok: false, message: expect.stringMatching(/expected a non-zero exit for a failed run, saw exit 0/) });
    expect(checkExitCode(smokeRun(workspace(), { record: { exitCode: 3 } })).message).toMatch(/expected exit 0, saw exit 3/);
    expect(checkExitCode(smokeRun(workspace(), { record: { timedOut: true, exitCode: null, signal: 'SIGTERM' } })).message).toMatch(
      /killed it after its timeout/,
    );
  });
});

describe('telemetry-schema', () => {
  it('holds for schema v1 with hal.summary as the flag asks', () => {
    expect(checkTelemetrySchema(smokeRun(workspace()), view(smokeRun(workspace()))).ok).toBe(true);
  });
  it('fails: missing file, broken JSON, missing field, hal.summary against the flag', () => {
    const missing = smokeRun(workspace(), { record: { telemetryPath: null } });
    expect(checkTelemetrySchema(missing, view(missing)).message).toMatch(/no telemetry file was written/);

    const broken = smokeRun(workspace());
    writeFileSync(broken.telemetryPath as string, '{"command": "spec-ops-val');
    expect(checkTelemetrySchema(broken, view(broken)).ok).toBe(false);

    const noScenarios = smokeRun(workspace(), { telemetry: (t) => delete t.scenarios });
    expect(checkTelemetrySchema(noScenarios, view(noScenarios)).message).toMatch(/scenarios/);

    const unasked = smokeRun(workspace(), { record: { telemetryHal: false } });
    expect(checkTelemetrySchema(unasked, view(unasked)).message).toMatch(/hal/);

    const absent = smokeRun(workspace(), { telemetry: (t) => delete t.hal });
    expect(checkTelemetrySchema(absent, view(absent)).message).toMatch(/hal/);
  });
});

describe('telemetry-status', () => {
  it('holds when status and failed_checks match the scenario', () => {
    const run = smokeRun(workspace(), { failed: ['indexer_test'] });
    expect(checkTelemetryStatus(run, view(run)).ok).toBe(true);
  });
  it('fails: passed under a degraded scenario, or the wrong failed_checks', () => {
    const green = smokeRun(workspace(), {
      failed: ['health'],
      telemetry: (t) => {
        t.scenarios[0].status = 'passed';
        t.hal.summary.status = 'passed';
      },
    });
    expect(checkTelemetryStatus(green, view(green)).message).toMatch(/scenario status: expected failed, saw passed.*hal\.summary\.status: expected failed, saw passed/);
    const wrongSet = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => (t.hal.summary.failed_checks = ['health', 'list_movies']) });
    expect(checkTelemetryStatus(wrongSet, view(wrongSet)).message).toMatch(/failed_checks: expected \[health\], saw \[health, list_movies\]/);
  });
  it('judges the other stages by their own fields', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: true });
    expect(checkTelemetryStatus(plan, view(plan)).message).toMatch(/baseline\.status: expected failed, saw passed/);
  });
});

describe('journal-consistency', () => {
  it('holds when telemetry agrees with what the mock saw', () => {
    const run = smokeRun(workspace(), { failed: ['graphql_ping'] });
    expect(checkJournalConsistency(run, view(run)).ok).toBe(true);
  });
  it('fails: passed although a check never arrived or got a 5xx; failed_checks leaving one out', () => {
    const ws = workspace();
    const neverArrived = smokeRun(ws, { record: { journal: [journalEntry('health', 200), journalEntry('list_movies', 200), journalEntry('indexer_test', 200)] } });
    expect(checkJournalConsistency(neverArrived, view(neverArrived)).message).toMatch(/telemetry says passed, but graphql_ping never reached the mock/);
    const fiveHundred = smokeRun(workspace(), {
      record: { journal: [journalEntry('health', 503), journalEntry('list_movies', 200), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)] },
    });
    expect(checkJournalConsistency(fiveHundred, view(fiveHundred)).message).toMatch(/health got 503/);
    const leftOut = smokeRun(workspace(), {
      failed: ['health'],
      record: { journal: [journalEntry('health', 503), journalEntry('list_movies', null), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)] },
    });
    expect(checkJournalConsistency(leftOut, view(leftOut)).message).toMatch(/leaves out list_movies \(got no answer \(reset\)\)/);
  });
  it('does not apply to flows without HAL calls', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkJournalConsistency(plan, view(plan))).toMatchObject({ status: 'not-applicable', ok: null });
  });
});

describe('artifacts', () => {
  it('holds when listed files exist, are non-empty and no failed capture is listed', () => {
    const run = smokeRun(workspace(), { failed: ['health'] });
    expect(checkArtifacts(run, view(run)).ok).toBe(true);
  });
  it('fails: a missing file, an empty file, a failed capture listed, a fallback body listed (gap 3)', () => {
    const ws = workspace();
    const missing = smokeRun(ws);
    rmSync(`${ws.evidenceDir}/20261124-100000Z-hal-health.json`);
    expect(checkArtifacts(missing, view(missing)).message).toMatch(/hal-health\.json is listed but does not exist/);

    const emptyWs = workspace();
    const empty = smokeRun(emptyWs);
    writeFileSync(`${emptyWs.evidenceDir}/20261124-100000Z-hal-list_movies.json`, '');
    expect(checkArtifacts(empty, view(empty)).message).toMatch(/hal-list_movies\.json is listed but empty/);

    const failedListed = smokeRun(workspace(), {
      failed: ['indexer_test'],
      telemetry: (t) => t.artifacts.push({ path: t.artifacts[1].path.replace('hal-health', 'hal-indexer_test') }),
    });
    expect(checkArtifacts(failedListed, view(failedListed)).message).toMatch(/hal-indexer_test\.json is listed although indexer_test is in failed_checks/);

    const fallbackWs = workspace();
    const fallback = smokeRun(fallbackWs);
    writeFileSync(`${fallbackWs.evidenceDir}/20261124-100000Z-hal-health.json`, '{"status":503,"note":"Health endpoint returned no body"}');
    expect(checkArtifacts(fallback, view(fallback)).message).toMatch(/holds the synthetic fallback body/);
  });
});

describe('graphql-escaping', () => {
  it('holds when graphql_ping arrived as JSON with the right query', () => {
    const run = smokeRun(workspace());
    expect(checkGraphqlEscaping(run, view(run)).ok).toBe(true);
  });
  it('fails: never arrived (args rejected), arrived unescaped, or with another query (gap 5)', () => {
    const base = smokeRun(workspace());
    const without = { ...base, journal: base.journal.filter((entry) => entry.check !== 'graphql_ping') };
    expect(checkGraphqlEscaping(without, view(without)).message).toMatch(/never arrived/);
    const pasted = {
      ...base,
      journal: [journalEntry('graphql_ping', 400, { body: '{"query":"{"query":"query { __typename }"}"}', bodyIsJson: false, graphql: { parseable: false, operation: null, query: null } })],
    };
    expect(checkGraphqlEscaping(pasted, view(pasted)).message).toMatch(/\(not JSON\)/);
    const other = { ...base, journal: [journalEntry('graphql_ping', 200, { graphql: { parseable: true, operation: 'query', query: '{ health { status } }' } })] };
    expect(checkGraphqlEscaping(other, view(other)).message).toMatch(/expected query "query \{ __typename \}"/);
  });
});

describe('manifest-path', () => {
  it('holds when every cargo call passes the configured manifest', () => {
    expect(checkManifestPath(smokeRun(workspace()), 'hermetic').ok).toBe(true);
  });
  it('fails: a cargo call without --manifest-path (gap 4) or with another manifest', () => {
    const ws = workspace();
    const bare = smokeRun(ws, { record: { shimCalls: [cargoCall(ws), cargoCall(ws, [])] } });
    expect(checkManifestPath(bare, 'hermetic').message).toMatch(/ran without --manifest-path/);
    const other = smokeRun(ws, { record: { shimCalls: [cargoCall(ws, ['--manifest-path', 'Cargo.toml'])] } });
    expect(checkManifestPath(other, 'hermetic').message).toMatch(/--manifest-path Cargo\.toml, expected codex-rs\/Cargo\.toml/);
    const none = smokeRun(ws, { record: { shimCalls: [] } });
    expect(checkManifestPath(none, 'hermetic').ok).toBe(false);
  });
  it('does not apply to the native transport', () => {
    expect(checkManifestPath(smokeRun(workspace()), 'native').status).toBe('not-applicable');
  });
  it('does not apply when the scripts report the smoke skipped and call nothing (hal-reached judges that)', () => {
    const skipped = smokeRun(workspace(), {
      record: { shimCalls: [] },
      telemetry: (t) => {
        t.scenarios[0].status = 'skipped';
        t.hal.summary.status = 'skipped';
      },
    });
    const result = checkManifestPath(skipped, 'hermetic');
    expect(result.status).toBe('not-applicable');
    expect(result.message).toMatch(/reported its HAL smoke skipped/);
  });
});

describe('secret-leak', () => {
  it('holds when the key is nowhere', () => {
    expect(checkSecretLeak(smokeRun(workspace())).ok).toBe(true);
  });
  it('fails: the key in the log, a capture, the telemetry or stderr (gap 8)', () => {
    const ws = workspace();
    const run = smokeRun(ws);
    appendFileSync(`${ws.evidenceDir}/spec-validate_2026-11-24T10:00:00Z-12345.log`, `calling with key ${TEST_KEY}\n`);
    expect(checkSecretLeak(run).message).toMatch(/spec-validate_.*\.log/);
    expect(checkSecretLeak({ ...smokeRun(workspace()), stderr: `X-Api-Key: ${TEST_KEY}` }).message).toMatch(/stderr/);
    const inTelemetry = smokeRun(workspace(), { telemetry: (t) => (t.debug = { key: TEST_KEY }) });
    expect(checkSecretLeak(inTelemetry).message).toMatch(/spec-validate_.*\.json/);
  });
});

describe('transition', () => {
  it('holds for passed→failed and for a window passed→failed→passed', () => {
    expect(
      checkTransition([
        { flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' },
        { flow: 'validate', label: 'degraded', observed: 'failed', expected: 'failed' },
      ]).ok,
    ).toBe(true);
    expect(
      checkTransition(['passed', 'failed', 'passed'].map((status, index) => ({ flow: 'validate', label: `p${index}`, observed: status, expected: status as 'passed' | 'failed' }))).ok,
    ).toBe(true);
  });
  it('fails when the degraded run still says passed, or gave no status', () => {
    expect(
      checkTransition([
        { flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' },
        { flow: 'validate', label: 'degraded', observed: 'passed', expected: 'failed' },
      ]).message,
    ).toBe('healthy, degraded: expected passed→failed, saw passed→passed');
    expect(
      checkTransition([
        { flow: 'audit', label: 'healthy', observed: null, expected: 'passed' },
        { flow: 'audit', label: 'degraded', observed: 'failed', expected: 'failed' },
      ]).ok,
    ).toBe(false);
  });
  it('does not apply to a single run', () => {
    expect(checkTransition([{ flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' }]).status).toBe('not-applicable');
  });
});

describe('baseline', () => {
  it('holds: passing baseline exits 0; failing baseline fails and exits non-zero; allowed failure exits 0', () => {
    const ws = workspace();
    expect(checkBaseline(planRun(ws, { baselineStatus: 'passed', exitCode: 0, forcedFail: false }), view(planRun(ws, { baselineStatus: 'passed', exitCode: 0, forcedFail: false }))).ok).toBe(true);
    const failing = planRun(workspace(), { baselineStatus: 'failed', exitCode: 1, forcedFail: true });
    expect(checkBaseline(failing, view(failing)).ok).toBe(true);
    const allowed = planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true, allowFail: true });
    expect(checkBaseline(allowed, view(allowed)).ok).toBe(true);
  });
  it('holds on a skipped baseline with exit 0, as the Spec Kit advances on it; not when it exits non-zero', () => {
    const skipped = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 0, forcedFail: false });
    expect(checkBaseline(skipped, view(skipped))).toMatchObject({ ok: true, message: 'a passing baseline gave baseline.status skipped and exit 0' });
    const skippedButFailed = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 1, forcedFail: false });
    expect(checkBaseline(skippedButFailed, view(skippedButFailed)).ok).toBe(false);
  });
  it('fails: status stamped from the mode (gap 1), or the exit status lost', () => {
    const stamped = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: true });
    expect(checkBaseline(stamped, view(stamped)).message).toMatch(/should give baseline\.status failed and a non-zero exit, saw passed and exit 0/);
    const lostExit = planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true });
    expect(checkBaseline(lostExit, view(lostExit)).ok).toBe(false);
  });
  it('does not apply outside plan', () => {
    const run = smokeRun(workspace());
    expect(checkBaseline(run, view(run)).status).toBe('not-applicable');
  });
});
