// telemetry-schema: the telemetry against the Spec Kit's schema and the kit's strict one,
// every problem labelled with the rule set it comes from.
//
// Which problems fail the check:
//   spec-kit  yes: the Spec Kit refuses the file, so a user's /spec-auto cannot use it;
//   hal-flag  yes: the script ignored SPEC_OPS_TELEMETRY_HAL, a behaviour the harness
//             set up and must see honoured (the hal-summary-flag gap);
//   strict    no: the kit's stricter reading of the documented contract (value sets,
//             absolute paths, formats). The Spec Kit accepts such a file, and a later
//             script version may legitimately write it; the problems are still listed
//             in the message and in `detail.seen`, and `check-telemetry --strict` enforces them.
//             The reference guardrails satisfy both rule sets.

import { type RunRecord, SMOKE_FLOWS, STAGE_OF_FLOW } from '../run/types.ts';
import { specKitSchemaIssues } from '../telemetry/spec-kit-reader.ts';
import { halFlagIssue, issueLine, type TelemetryIssue, validateTelemetry } from '../telemetry/telemetry-schema.ts';
import { type CheckResultOf, result } from './result.ts';
import type { TelemetryView } from './run-view.ts';

export type RuleSet = 'spec-kit' | 'strict' | 'hal-flag';

export interface LabelledProblem extends TelemetryIssue {
  ruleSet: RuleSet;
  /** The Spec Kit's issue code, for spec-kit problems. */
  code?: string;
}

/** The rule sets whose problems fail the telemetry-schema check (see the top of this file). */
export const FAILING_RULE_SETS: readonly RuleSet[] = ['spec-kit', 'hal-flag'];

/**
 * `unreadable`: no telemetry object to judge; `spec-kit` / `hal-flag`: the rule set of the
 * first failing problem; `strict-only`: only strict problems (passes); `clean`: none.
 */
export type TelemetrySchemaReason = 'unreadable' | 'spec-kit' | 'hal-flag' | 'strict-only' | 'clean';

export interface TelemetrySchemaExpected {
  /** `<stage>_<session>.json`, the file name the Spec Kit looks for. */
  file: string;
  command: string;
  /** Rule sets that must report no problem. */
  noProblemsIn: RuleSet[];
  /** Validate and audit: hal.summary as SPEC_OPS_TELEMETRY_HAL asks; null for other flows. */
  halSummary: 'present' | 'absent' | null;
}

const line = (problem: LabelledProblem): string => `${problem.ruleSet}: ${issueLine(problem)}`;

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

/** `seen` is the list of problems: strings when the file could not be read, labelled problems otherwise. */
export function checkTelemetrySchema(run: RunRecord, view: TelemetryView): CheckResultOf<TelemetrySchemaReason> {
  const id = 'telemetry-schema';
  const { stage, command } = STAGE_OF_FLOW[run.flow];
  const smoke = SMOKE_FLOWS.includes(run.flow);
  const expected: TelemetrySchemaExpected = {
    file: `${stage}_<session>.json`,
    command,
    noProblemsIn: [...FAILING_RULE_SETS],
    halSummary: smoke ? (run.telemetryHal ? 'present' : 'absent') : null,
  };
  if (!view.data) {
    return result(id, 'failed', `expected telemetry ${stage}_<session>.json: ${view.problems.join('; ')}`, {
      reason: 'unreadable',
      expected,
      seen: view.problems,
    });
  }
  const problems = labelledSchemaProblems(run, view.data);
  const failing = problems.filter((problem) => FAILING_RULE_SETS.includes(problem.ruleSet));
  const strictOnly = problems.filter((problem) => problem.ruleSet === 'strict');
  const firstFailing = failing[0]?.ruleSet as 'spec-kit' | 'hal-flag' | undefined;
  const detail = { reason: firstFailing ?? (strictOnly.length > 0 ? 'strict-only' : 'clean'), expected, seen: problems } as const;
  const notFailing = strictOnly.length > 0 ? `; not failing (the Spec Kit accepts these): ${strictOnly.map(line).join('; ')}` : '';
  if (failing.length > 0) return result(id, 'failed', `${failing.map(line).join('; ')}${notFailing}`, detail);
  const hal = smoke ? `; hal.summary ${run.telemetryHal ? 'present' : 'absent'} as SPEC_OPS_TELEMETRY_HAL=${run.telemetryHal ? 1 : 0} asks` : '';
  const rules = strictOnly.length > 0 ? "the Spec Kit's schema" : "the Spec Kit's schema and the kit's strict schema v1";
  return result(id, 'passed', `telemetry meets ${rules} for ${command}${hal}${notFailing}`, detail);
}
