// baseline: plan follows the baseline audit: a passing (or skipped) baseline gives exit 0,
// a failing one baseline.status failed and a non-zero exit, or exit 0 when allowed to fail.
import type { RunRecord } from '../run/types.ts';
import type { ExitWanted } from './exit-code.ts';
import { type CheckResultOf, otherFlow, result } from './result.ts';
import type { TelemetryView } from './run-view.ts';

export type BaselineReason =
  | 'not-plan'
  | 'as-expected'
  /** A passing baseline reported skipped: the Spec Kit advances on it (later scripts skip it by default). */
  | 'skipped-accepted'
  /** baseline.status is not what the baseline's outcome calls for (the exit status may be wrong too). */
  | 'status-mismatch'
  /** baseline.status is right, the exit status is not. */
  | 'exit-mismatch';

export interface BaselineExpected {
  /** Any of these. */
  'baseline.status': string[];
  exit: ExitWanted;
}

export function checkBaseline(run: RunRecord, view: TelemetryView): CheckResultOf<BaselineReason> {
  const id = 'baseline';
  if (run.flow !== 'plan') return result(id, 'not-applicable', 'only plan runs the baseline audit', otherFlow('not-plan', ['plan'], run.flow));
  const raw = (view.data?.baseline as { status?: unknown } | undefined)?.status;
  const status = raw ?? 'none';
  const forced = run.baseline?.forcedFail ?? false;
  const allowed = run.baseline?.allowFail ?? false;
  const expected: BaselineExpected = forced
    ? { 'baseline.status': ['failed'], exit: allowed ? 'zero' : 'non-zero' }
    : { 'baseline.status': ['passed', 'skipped'], exit: 'zero' };
  const seen = { 'baseline.status': raw ?? null, exitCode: run.exitCode };
  const statusOk = expected['baseline.status'].includes(status as string);
  const exitOk = expected.exit === 'zero' ? run.exitCode === 0 : run.exitCode !== 0 && run.exitCode !== null;
  const reason: BaselineReason = !statusOk ? 'status-mismatch' : !exitOk ? 'exit-mismatch' : status === 'skipped' ? 'skipped-accepted' : 'as-expected';
  const ok = statusOk && exitOk;
  if (!forced) {
    return ok
      ? result(id, 'passed', `a passing baseline gave baseline.status ${status} and exit 0`, { reason, expected, seen })
      : result(id, 'failed', `a passing baseline should give baseline.status passed (or skipped) and exit 0, saw ${String(status)} and exit ${run.exitCode}`, {
          reason,
          expected,
          seen,
        });
  }
  const wantExit = allowed ? 'exit 0 (allowed to fail)' : 'a non-zero exit';
  return ok
    ? result(id, 'passed', `a failing baseline gave baseline.status failed and ${wantExit}`, { reason, expected, seen })
    : result(id, 'failed', `a failing baseline should give baseline.status failed and ${wantExit}, saw ${String(status)} and exit ${run.exitCode}`, {
        reason,
        expected,
        seen,
      });
}
