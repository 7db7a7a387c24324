// telemetry-status: the status fields of the telemetry say what the scenario expects.
// validate/audit: the scenario status, and with SPEC_OPS_TELEMETRY_HAL=1 hal.summary's
// status and failed_checks; plan: baseline.status; the others their own status fields.
// `expected` and `seen` map each judged telemetry field (its JSON path) to its value.
import type { RunRecord } from '../run/types.ts';
import { type CheckResultOf, result } from './result.ts';
import { halView, listedFailedChecks, type TelemetryView, unreadable } from './run-view.ts';

export type TelemetryStatusReason =
  | 'no-telemetry'
  | 'as-expected'
  /** skipped where passed is expected: the Spec Kit advances on skipped, so it stands. */
  | 'skipped-accepted'
  /** A status field holds another value than expected (the first problem, when there are several). */
  | 'status-mismatch'
  | 'failed-checks-mismatch';

/** Field path to value; an array in `expected` means any one of its values. */
export type StatusFields = Record<string, unknown>;

export const SCENARIO_STATUS_FIELD = 'scenarios[].status';

/** Messages name the scenario status in words: its path reads badly in a sentence. */
const label = (field: string) => (field === SCENARIO_STATUS_FIELD ? 'scenario status' : field);

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

const none = (value: unknown) => String(value ?? 'none');

export function checkTelemetryStatus(run: RunRecord, view: TelemetryView): CheckResultOf<TelemetryStatusReason> {
  const id = 'telemetry-status';
  if (!view.data) {
    return result(id, 'failed', `expected a telemetry status, but ${view.problems.join('; ')}`, {
      reason: 'no-telemetry',
      expected: null,
      seen: unreadable(view),
    });
  }
  const data = view.data;
  const expected: StatusFields = {};
  const seen: StatusFields = {};
  const problems: { reason: TelemetryStatusReason; text: string }[] = [];
  const accepted: string[] = [];
  /** Judges one field; skipped stands where passed is expected, as the Spec Kit advances on it. */
  const judge = (field: string, value: unknown, want: unknown, acceptSkipped = true): void => {
    expected[field] = want;
    seen[field] = value ?? null;
    const matches = Array.isArray(want) ? want.includes(value) : value === want;
    if (matches) return;
    if (acceptSkipped && want === 'passed' && value === 'skipped') accepted.push(field);
    else problems.push({ reason: 'status-mismatch', text: `${label(field)}: expected ${Array.isArray(want) ? want.join(' or ') : want}, saw ${none(value)}` });
  };
  let passText: string;
  switch (run.flow) {
    case 'validate':
    case 'audit': {
      const hal = halView(data);
      const want = run.expect.status;
      judge(SCENARIO_STATUS_FIELD, hal.scenarioStatus, want);
      if (run.telemetryHal) {
        judge('hal.summary.status', hal.summary?.status, want);
        const listed = listedFailedChecks(hal) ?? [];
        expected['hal.summary.failed_checks'] = [...run.expect.failedChecks];
        seen['hal.summary.failed_checks'] = listedFailedChecks(hal);
        if (!sameSet(listed, run.expect.failedChecks)) {
          problems.push({
            reason: 'failed-checks-mismatch',
            text: `hal.summary.failed_checks: expected [${run.expect.failedChecks.join(', ')}], saw [${listed.join(', ')}]`,
          });
        }
      }
      passText = `reported ${want}${run.telemetryHal ? ` with failed_checks [${run.expect.failedChecks.join(', ')}]` : ''}, as the scenario expects`;
      break;
    }
    case 'plan': {
      const want = run.baseline?.forcedFail ? 'failed' : 'passed';
      judge('baseline.status', (data.baseline as { status?: unknown } | undefined)?.status, want);
      passText = `baseline.status ${want}, as expected`;
      break;
    }
    case 'tasks':
      judge('tool.status', (data.tool as { status?: unknown } | undefined)?.status, ['ok', 'ready'], false);
      passText = `tool.status ${none(seen['tool.status'])}`;
      break;
    case 'implement':
      judge('lock_status', data.lock_status, 'locked', false);
      judge('hook_status', data.hook_status, 'ok', false);
      passText = 'lock_status locked, hook_status ok';
      break;
    case 'unlock':
      judge('unlock_status', data.unlock_status, 'unlocked', false);
      passText = 'unlock_status unlocked';
      break;
  }
  const first = problems[0];
  if (first) return result(id, 'failed', problems.map((problem) => problem.text).join('; '), { reason: first.reason, expected, seen });
  const notes = accepted.map((field) => `${label(field)} skipped, accepted where passed is expected because the Spec Kit advances on skipped`);
  // Plan judges one field: when it was skipped, "baseline.status passed, as expected" would be untrue.
  const parts = run.flow === 'plan' && notes.length > 0 ? notes : [passText, ...notes];
  return result(id, 'passed', parts.join('; '), { reason: accepted.length > 0 ? 'skipped-accepted' : 'as-expected', expected, seen });
}
