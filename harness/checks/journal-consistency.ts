// journal-consistency: the HAL result the telemetry reports agrees with what the mock
// actually answered: no "passed" while a check's last answer failed by the contract rule
// (journal-expectation.ts; the body counts) or never came, and every such check listed in
// hal.summary.failed_checks.
import { CHECK_NAMES, type CheckName } from '../../mock-hal/index.ts';
import { type RunRecord, SMOKE_FLOWS } from '../run/types.ts';
import { type JournalOutcome, journalOutcomes } from './journal-expectation.ts';
import { type CheckResultOf, otherFlow, result } from './result.ts';
import { answerText, halView, isSmoke, listedFailedChecks, type TelemetryView, unreadable } from './run-view.ts';

export type JournalConsistencyReason =
  | 'not-smoke'
  | 'smoke-skipped'
  | 'no-telemetry'
  | 'consistent'
  /** The telemetry says passed although the journal saw a check fail. */
  | 'passed-despite-failures'
  /** hal.summary.failed_checks leaves out a check the journal saw fail. */
  | 'failed-checks-incomplete'
  /** hal.summary has no failed_checks although the journal saw a check fail. */
  | 'no-failed-checks';

export interface JournalConsistencySeen {
  /** hal.summary.status, else the scenario status. */
  status: unknown;
  /** hal.summary.failed_checks; null when there is no such list. */
  failedChecks: string[] | null;
  journal: Record<CheckName, JournalOutcome>;
}

/** `expected.failedChecks`: the checks the journal saw fail, which the telemetry must admit to. */
export function checkJournalConsistency(run: RunRecord, view: TelemetryView): CheckResultOf<JournalConsistencyReason> {
  const id = 'journal-consistency';
  if (!isSmoke(run)) return result(id, 'not-applicable', `${run.flow} makes no HAL calls`, otherFlow('not-smoke', SMOKE_FLOWS, run.flow));
  if (!view.data) {
    return result(id, 'failed', `cannot compare with the journal: ${view.problems.join('; ')}`, {
      reason: 'no-telemetry',
      expected: null,
      seen: unreadable(view),
    });
  }
  const hal = halView(view.data);
  const reported = hal.summary?.status ?? hal.scenarioStatus;
  const outcomes = journalOutcomes(run.journal);
  const bad = CHECK_NAMES.filter((check) => !outcomes[check].ok);
  const listed = listedFailedChecks(hal);
  const seen: JournalConsistencySeen = { status: reported ?? null, failedChecks: listed, journal: outcomes };
  const expected = { failedChecks: bad };
  if (reported === 'skipped') return result(id, 'not-applicable', 'the HAL smoke was skipped', { reason: 'smoke-skipped', expected, seen });
  const said = (check: CheckName) => `${check} ${answerText(outcomes[check])}`;
  const problems: { reason: JournalConsistencyReason; text: string }[] = [];
  if (reported === 'passed' && bad.length > 0) {
    problems.push({ reason: 'passed-despite-failures', text: `telemetry says passed, but ${bad.map(said).join(', ')}` });
  }
  if (hal.summary && listed !== null) {
    const missing = bad.filter((check) => !listed.includes(check));
    if (missing.length > 0) {
      problems.push({
        reason: 'failed-checks-incomplete',
        text: `failed_checks [${listed.join(', ')}] leaves out ${missing.map((check) => `${check} (${answerText(outcomes[check])})`).join(', ')}`,
      });
    }
  } else if (hal.summary && bad.length > 0) {
    problems.push({ reason: 'no-failed-checks', text: `hal.summary has no failed_checks, but ${bad.map(said).join(', ')}` });
  }
  const first = problems[0];
  if (first) return result(id, 'failed', problems.map((problem) => problem.text).join('; '), { reason: first.reason, expected, seen });
  return result(id, 'passed', `telemetry agrees with the journal (${CHECK_NAMES.map(said).join(', ')})`, { reason: 'consistent', expected, seen });
}
