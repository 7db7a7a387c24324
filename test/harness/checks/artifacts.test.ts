// artifacts, holding and failing, on the exact input it judges: the message for people,
// and the detail for tools (reason code, expected and seen as values).
import { rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkArtifacts } from '../../../harness/checks/artifacts.ts';
import { readTelemetry } from '../../../harness/checks/run-view.ts';
import { journalEntry, planRun, smokeRun, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

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
