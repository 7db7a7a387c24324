// spec-kit-outcome: what the Spec Kit's own reader (spec-kit-reader.ts) would do with the
// run's telemetry, advance or halt, matches what the scenario expects. It reads only the
// RunRecord and its telemetry; telemetry-schema.ts labels the schema problems.

import type { RunRecord } from '../run/types.ts';
import { type OutcomeCode, readAsSpecKit, type SpecKitReading } from '../telemetry/spec-kit-reader.ts';
import { type CheckResultOf, result } from './result.ts';
import { type TelemetryView, unreadable } from './run-view.ts';

/**
 * `no-telemetry` (not applicable: telemetry-schema reports the file), else the Spec Kit's
 * code of the deciding condition: the first that does not hold, or the first weighed.
 */
export type SpecKitOutcomeReason = 'no-telemetry' | OutcomeCode;

/** What the Spec Kit would do with a run's telemetry; relative artifact paths resolve from the run's repository. */
export function specKitReadingOf(run: RunRecord, data: unknown): SpecKitReading {
  return readAsSpecKit(data, run.flow, { repoRoot: run.repoDir, repoRootWhy: "the run's repository copy" });
}

/**
 * The Spec Kit advances when the run is expected to pass and halts when it is expected
 * to fail (`expected` is expectedStatus of run-view.ts). `detail.expected` is the decision
 * wanted; `seen` the decision with every condition weighed and the reader's issues.
 */
export function specKitOutcomeCheck(run: RunRecord, view: TelemetryView, expected: 'passed' | 'failed'): CheckResultOf<SpecKitOutcomeReason> {
  const id = 'spec-kit-outcome';
  // Only an expected failure halts (a scenario expecting the smoke skipped advances too).
  const want = expected === 'failed' ? 'halt' : 'advance';
  if (!view.data) {
    return result(
      id,
      'not-applicable',
      `no telemetry to read (${view.problems.join('; ')}), so there is no Spec Kit outcome to compare; telemetry-schema reports the file`,
      { reason: 'no-telemetry', expected: want, seen: unreadable(view) },
    );
  }
  const reading = specKitReadingOf(run, view.data);
  const { decision, reason, reasons, halNote } = reading.outcome;
  const phase = run.phase !== undefined ? ` (phase ${run.phase})` : '';
  const why = `scenario ${run.scenario}${phase} expects ${run.flow} to ${expected === 'failed' ? 'fail' : 'pass'}`;
  const note = halNote !== undefined ? `; ${halNote}` : '';
  // The reader always weighs at least one condition once the schema holds, and names the schema failure otherwise.
  const decisive = reasons.find((r) => !r.holds) ?? reasons[0];
  const detail = {
    reason: decisive?.code ?? 'invalid-telemetry',
    expected: want,
    seen: { decision, reasons, schema: reading.schema, evidence: reading.evidence.issues, ...(halNote !== undefined ? { halNote } : {}) },
  };
  return decision === want
    ? result(id, 'passed', `the Spec Kit would ${decision}, as expected (${why}): ${reason}${note}`, detail)
    : result(id, 'failed', `expected the Spec Kit to ${want} (${why}), but it would ${decision}: ${reason}${note}`, detail);
}
