// A probe run built from a RunRecord judged in memory, as gaps and knobs read one back
// from its evidence: for fast tests of the judges on exactly the checks they read.
import { judgeRun, readTelemetry } from '../../../harness/checks/index.ts';
import type { ProbeRun } from '../../../harness/gaps/probe-runs.ts';
import type { RunRecord, RunReport } from '../../../harness/run/types.ts';

export function probeRunOf<P extends string>(record: RunRecord, probe: P): ProbeRun<P> {
  const { checks, status } = judgeRun(record, 'hermetic');
  const report: RunReport = {
    scenario: record.scenario,
    flow: record.flow,
    exitCode: record.exitCode,
    durationMs: 1,
    evidenceDir: `/evidence/${record.scenario}/${record.flow}`,
    checks,
    status,
  };
  const manifest: NonNullable<ProbeRun['manifest']> = {
    scenario: record.scenario,
    flow: record.flow,
    exitCode: record.exitCode,
    durationMs: 1,
    telemetry: null,
    files: [],
    skipped: [],
    repoCopy: [record.repoDir],
  };
  return {
    probe,
    report,
    scenario: record.scenario,
    flow: record.flow,
    timedOut: record.timedOut,
    telemetry: readTelemetry(record).data,
    journal: record.journal,
    shimCalls: record.shimCalls,
    manifest,
    problems: [],
  };
}

/** The same run with every check message replaced: a judge that reads data decides the same. */
export function reworded<R extends ProbeRun>(run: R, message = 'reworded: ran without --manifest-path; is listed but does not exist'): R {
  return { ...run, report: { ...run.report, checks: run.report.checks.map((check) => ({ ...check, message })) } };
}
