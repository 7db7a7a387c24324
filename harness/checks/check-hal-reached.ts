// hal-reached: did the HAL smoke send anything at all? Later script versions gate the
// live HAL path behind variables and quietly report `skipped` (interfaces doc, section 6);
// a run that made no HAL request must say so plainly, whatever else it reports.
import { type RunRecord, SMOKE_FLOWS } from '../run/types.ts';
import { type CheckResultOf, otherFlow, result } from './result.ts';

const ID = 'hal-reached';
const HINT =
  'A mode or skip variable may need --env: later script versions gate the live HAL path behind one (guardrail interfaces doc, section 6); ' +
  'set what your version needs with --env KEY=VALUE or --env-file FILE, and leave SPEC_OPS_HAL_SKIP unset or 0';

/**
 * Reason codes in `detail.reason`: `reached` passes; `not-smoke` and `smoke-expected-skipped`
 * do not apply; the others say why no request came (skip-variable: SPEC_OPS_HAL_SKIP=1 with
 * --env; reported-skipped: the telemetry says skipped; calls-never-arrived: cargo ran but
 * nothing reached the mock; no-request: none of these).
 */
export type HalReachedReason = 'not-smoke' | 'smoke-expected-skipped' | 'reached' | 'skip-variable' | 'reported-skipped' | 'calls-never-arrived' | 'no-request';

/** `expected.minRequests` requests at the mock; `seen` the requests that came and the cargo calls the scripts made. */
export interface HalReachedSeen {
  requests: number;
  cargoCalls: number;
  /** The HAL status the telemetry gave, if any. */
  reported: string | null;
}

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
export function checkHalReached(run: RunRecord, reported: string | null): CheckResultOf<HalReachedReason> {
  if (!SMOKE_FLOWS.includes(run.flow)) {
    return result(ID, 'not-applicable', `${run.flow} makes no HAL calls`, otherFlow('not-smoke', SMOKE_FLOWS, run.flow));
  }
  // Hermetic only: every `cargo` the scripts ran, whether the shim ran call_tool or refused (no --manifest-path, say).
  const calls = run.shimCalls.filter((call) => call.shim === 'cargo').length;
  const seen: HalReachedSeen = { requests: run.journal.length, cargoCalls: calls, reported };
  if (!smokeExpected(run)) {
    return result(ID, 'not-applicable', `scenario ${run.scenario} expects the HAL smoke to be skipped`, {
      reason: 'smoke-expected-skipped',
      expected: { minRequests: 0 },
      seen,
    });
  }
  const expected = { minRequests: 1 };
  if (seen.requests > 0) {
    return result(ID, 'passed', `expected at least one HAL request at the mock, saw ${seen.requests} (${perCheck(run)})`, {
      reason: 'reached',
      expected,
      seen,
    });
  }
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
  return result(ID, 'failed', `expected at least one HAL request at the mock, saw none: the scripts made no HAL request (${why}). ${HINT}`, {
    reason,
    expected,
    seen,
  });
}
