// telemetry-status, holding and failing, on the exact input it judges: the message for
// people, and the detail for tools (reason code, expected and seen as values).
import { describe, expect, it } from 'vitest';
import { readTelemetry } from '../../../harness/checks/run-view.ts';
import { checkTelemetryStatus } from '../../../harness/checks/telemetry-status.ts';
import { planRun, smokeRun, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

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
