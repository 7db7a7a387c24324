// judgeRun over whole runs: a correct run passes every per-run check, each reported once
// and in order, and every result carries a detail (reason code, expected, seen) that
// report.json's schema accepts.
import { describe, expect, it } from 'vitest';
import { judgeRun } from '../../../harness/checks/index.ts';
import { CheckResultSchema } from '../../../harness/reports/report-schema.ts';
import { CHECK_IDS, type RunRecord } from '../../../harness/run/types.ts';
import { planRun, smokeRun, workspace } from '../../support/run-record.ts';

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
