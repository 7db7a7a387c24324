// The run checks that judge telemetry by the Spec Kit's own reader (spec-kit-reader.ts):
//   telemetry-schema  every problem labelled with the rule set it comes from;
//   spec-kit-outcome  the Spec Kit's advance/halt matches what the scenario expects.
// checks.ts registers them; they read only the RunRecord and its telemetry.
//
// Which problems fail telemetry-schema:
//   spec-kit  yes: the Spec Kit refuses the file, so a user's /spec-auto cannot use it;
//   hal-flag  yes: the script ignored SPEC_OPS_TELEMETRY_HAL, a behaviour the harness
//             set up and must see honoured (the hal-summary-flag gap);
//   strict    no: the kit's stricter reading of the documented contract (value sets,
//             absolute paths, formats). The Spec Kit accepts such a file, and a later
//             script version may legitimately write it; the problems are still listed
//             in the message and in `detail`, and `check-telemetry --strict` enforces them.
//             The reference guardrails satisfy both rule sets.
import type { TelemetryView } from './checks.ts';
import { readAsSpecKit, specKitSchemaIssues, type SpecKitReading } from '../telemetry/spec-kit-reader.ts';
import { halFlagIssue, issueLine, validateTelemetry, type TelemetryIssue } from '../telemetry/telemetry-schema.ts';
import { SMOKE_FLOWS, STAGE_OF_FLOW, type CheckId, type CheckResult, type RunRecord } from '../run/types.ts';

export type RuleSet = 'spec-kit' | 'strict' | 'hal-flag';

export interface LabelledProblem extends TelemetryIssue {
  ruleSet: RuleSet;
  /** The Spec Kit's issue code, for spec-kit problems. */
  code?: string;
}

/** The rule sets whose problems fail the telemetry-schema check (see the top of this file). */
export const FAILING_RULE_SETS: readonly RuleSet[] = ['spec-kit', 'hal-flag'];

const line = (problem: LabelledProblem): string => `${problem.ruleSet}: ${issueLine(problem)}`;

function result(id: CheckId, ok: boolean | null, message: string, detail: CheckResult['detail']): CheckResult {
  const status = ok === null ? 'not-applicable' : ok ? 'passed' : 'failed';
  return { id, status, ok, message, ...(detail ? { detail } : {}) };
}

/** Every telemetry-schema problem of a run's telemetry, labelled; strict ones the Spec Kit already names are left out. */
export function labelledSchemaProblems(run: RunRecord, data: Record<string, unknown>): LabelledProblem[] {
  const command = STAGE_OF_FLOW[run.flow].command;
  const specKit = specKitSchemaIssues(data, run.flow);
  const covered = new Set(specKit.map((issue) => issue.path));
  // The strict rules without the hal flag: that rule is labelled on its own.
  const strict = validateTelemetry(data, { expectedCommand: command }).issues.filter((issue) => !covered.has(issue.path));
  const halFlag = SMOKE_FLOWS.includes(run.flow) ? halFlagIssue(data, command, run.telemetryHal) : null;
  return [
    ...specKit.map((issue): LabelledProblem => ({ ruleSet: 'spec-kit', code: issue.code, path: issue.path, message: issue.message })),
    ...(halFlag ? [{ ruleSet: 'hal-flag' as const, ...halFlag }] : []),
    ...strict.map((issue): LabelledProblem => ({ ruleSet: 'strict', ...issue })),
  ];
}

/** The telemetry-schema check (checkTelemetrySchema in checks.ts delegates here). */
export function telemetrySchemaCheck(run: RunRecord, view: TelemetryView): CheckResult {
  const id = 'telemetry-schema';
  const { stage, command } = STAGE_OF_FLOW[run.flow];
  if (!view.data) {
    return result(id, false, `expected telemetry ${stage}_<session>.json: ${view.problems.join('; ')}`, {
      expected: `${stage}_<session>.json holding a JSON object`,
      seen: view.problems,
      reason: 'unreadable',
    });
  }
  const problems = labelledSchemaProblems(run, view.data);
  const failing = problems.filter((problem) => FAILING_RULE_SETS.includes(problem.ruleSet));
  const strictOnly = problems.filter((problem) => problem.ruleSet === 'strict');
  const detail = { expected: `no ${FAILING_RULE_SETS.join(' or ')} problem`, seen: problems, reason: failing[0]?.ruleSet ?? (strictOnly.length > 0 ? 'strict-only' : 'clean') };
  const notFailing =
    strictOnly.length > 0 ? `; not failing (the Spec Kit accepts these): ${strictOnly.map(line).join('; ')}` : '';
  if (failing.length > 0) return result(id, false, `${failing.map(line).join('; ')}${notFailing}`, detail);
  const hal = SMOKE_FLOWS.includes(run.flow)
    ? `; hal.summary ${run.telemetryHal ? 'present' : 'absent'} as SPEC_OPS_TELEMETRY_HAL=${run.telemetryHal ? 1 : 0} asks`
    : '';
  const rules = strictOnly.length > 0 ? "the Spec Kit's schema" : "the Spec Kit's schema and the kit's strict schema v1";
  return result(id, true, `telemetry meets ${rules} for ${command}${hal}${notFailing}`, detail);
}

/** What the Spec Kit would do with a run's telemetry; relative artifact paths resolve from the run's repository. */
export function specKitReadingOf(run: RunRecord, data: unknown): SpecKitReading {
  return readAsSpecKit(data, run.flow, { repoRoot: run.repoDir, repoRootWhy: "the run's repository copy" });
}

/**
 * spec-kit-outcome: the Spec Kit advances when the run is expected to pass and halts
 * when it is expected to fail (`expected` is expectedStatus of checks.ts).
 */
export function specKitOutcomeCheck(run: RunRecord, view: TelemetryView, expected: 'passed' | 'failed'): CheckResult {
  const id = 'spec-kit-outcome';
  if (!view.data) {
    return result(id, null, `no telemetry to read (${view.problems.join('; ')}), so there is no Spec Kit outcome to compare; telemetry-schema reports the file`, {
      seen: view.problems,
      reason: 'no-telemetry',
    });
  }
  // Only an expected failure halts (a scenario expecting the smoke skipped advances too).
  const want = expected === 'failed' ? 'halt' : 'advance';
  const reading = specKitReadingOf(run, view.data);
  const { decision, reason, reasons, halNote } = reading.outcome;
  const phase = run.phase !== undefined ? ` (phase ${run.phase})` : '';
  const why = `scenario ${run.scenario}${phase} expects ${run.flow} to ${expected === 'failed' ? 'fail' : 'pass'}`;
  const note = halNote !== undefined ? `; ${halNote}` : '';
  const decisive = reasons.find((r) => !r.holds) ?? reasons[0];
  const detail = {
    expected: want,
    seen: { decision, reasons, schema: reading.schema, evidence: reading.evidence.issues, ...(halNote !== undefined ? { halNote } : {}) },
    ...(decisive ? { reason: decisive.code } : {}),
  };
  return decision === want
    ? result(id, true, `the Spec Kit would ${decision}, as expected (${why}): ${reason}${note}`, detail)
    : result(id, false, `expected the Spec Kit to ${want} (${why}), but it would ${decision}: ${reason}${note}`, detail);
}
