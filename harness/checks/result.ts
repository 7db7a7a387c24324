// The one place a check result is put together, so status, ok and detail always agree
// and every result carries a reason code with what was expected and what was seen.
import { OK_OF_STATUS } from '../reports/report-schema.ts';
import type { CheckDetail, CheckId, CheckResult, CheckStatus, Flow } from '../run/types.ts';

/** A check result whose reason is one of R: every check exports its own union of codes. */
export type CheckResultOf<R extends string> = CheckResult & { detail: CheckDetail & { reason: R } };

export function result<R extends string>(
  id: CheckId,
  status: CheckStatus,
  message: string,
  detail: { reason: R; expected: unknown; seen: unknown },
): CheckResultOf<R> {
  // Rebuilt rather than spread, so report.json always has reason, expected, seen in that order.
  return { id, status, ok: OK_OF_STATUS[status], message, detail: { reason: detail.reason, expected: detail.expected, seen: detail.seen } };
}

/** The detail of a check that applies only to some flows, when the run is of another. */
export function otherFlow<R extends string>(reason: R, flows: readonly Flow[], flow: Flow): { reason: R; expected: { flows: Flow[] }; seen: { flow: Flow } } {
  return { reason, expected: { flows: [...flows] }, seen: { flow } };
}
