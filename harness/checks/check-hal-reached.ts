// hal-reached: did the HAL smoke send anything at all? Later script versions gate the
// live HAL path behind variables and quietly report `skipped` (interfaces doc, section 6);
// a run that made no HAL request must say so plainly, whatever else it reports.
import { SMOKE_FLOWS, type CheckResult, type RunRecord } from '../run/types.ts';

const ID = 'hal-reached';
const HINT =
  'A mode or skip variable may need --env: later script versions gate the live HAL path behind one (guardrail interfaces doc, section 6); ' +
  'set what your version needs with --env KEY=VALUE or --env-file FILE, and leave SPEC_OPS_HAL_SKIP unset or 0';

/** Reason codes in `detail.reason`. */
export type HalReachedReason = 'reached' | 'skip-variable' | 'reported-skipped' | 'calls-never-arrived' | 'no-request';

/** Whether the scenario wants the HAL smoke to run (a scenario that expects it skipped does not). */
function smokeExpected(run: RunRecord): boolean {
  return (run.expect.status as string) !== 'skipped';
}

function perCheck(run: RunRecord): string {
  const counts = new Map<string, number>();
  for (const entry of run.journal) {
    const key = entry.check ?? `${entry.method} ${entry.path}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${key} ×${count}`).join(', ');
}

/**
 * Holds when the scripts sent at least one request to the mock. `reported` is the HAL
 * status the telemetry gave (hal.summary.status, or the scenario status), if any.
 */
export function checkHalReached(run: RunRecord, reported: string | null): CheckResult {
  if (!SMOKE_FLOWS.includes(run.flow)) {
    return { id: ID, status: 'not-applicable', ok: null, message: `${run.flow} makes no HAL calls` };
  }
  if (!smokeExpected(run)) {
    return { id: ID, status: 'not-applicable', ok: null, message: `scenario ${run.scenario} expects the HAL smoke to be skipped` };
  }
  const seen = run.journal.length;
  if (seen > 0) {
    return {
      id: ID,
      status: 'passed',
      ok: true,
      message: `expected at least one HAL request at the mock, saw ${seen} (${perCheck(run)})`,
      detail: { expected: 'at least 1 request', seen, reason: 'reached' satisfies HalReachedReason },
    };
  }
  // Hermetic only: every `cargo` the scripts ran, whether the shim ran call_tool or refused (no --manifest-path, say).
  const calls = run.shimCalls.filter((call) => call.shim === 'cargo').length;
  let reason: HalReachedReason;
  let why: string;
  if (run.userEnv?.SPEC_OPS_HAL_SKIP === '1') {
    reason = 'skip-variable';
    why = 'SPEC_OPS_HAL_SKIP=1 was set with --env, which skips the smoke';
  } else if (reported === 'skipped') {
    reason = 'reported-skipped';
    why = 'the telemetry reports the HAL status skipped';
  } else if (calls > 0) {
    reason = 'calls-never-arrived';
    why = `the scripts ran cargo ${calls} time${calls === 1 ? '' : 's'} for call_tool, but no call reached the mock (see manifest-path and the run's stderr.txt)`;
  } else {
    reason = 'no-request';
    why = `the telemetry reports ${reported ?? 'no HAL status'}`;
  }
  return {
    id: ID,
    status: 'failed',
    ok: false,
    message: `expected at least one HAL request at the mock, saw none: the scripts made no HAL request (${why}). ${HINT}`,
    detail: { expected: 'at least 1 request', seen: 0, reason },
  };
}
