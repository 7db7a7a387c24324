// The one definition of report.json: the zod schemas below are what the harness writes
// (json.ts parses through them, so no field is dropped and the key order is the schema's),
// what merge.ts accepts from a shard, and, through z.infer, the TypeScript types the rest
// of the harness uses (harness/run/types.ts re-exports them).
//
// Key order of report.json, fixed by the order of the shapes below:
//   report  ok, specId, pairId, bundleDir, notes, environment?, runs
//   run     scenario, phase?, flow, exitCode, durationMs, evidenceDir, matrixIndex?, status?, expectedStatus?,
//           expectedFrom?, expectedFailedChecks?, checks
//   check   id, status, ok, message, detail
//   detail  reason, expected, seen
// Optional keys are left out when absent, never written as null.
//
// The objects are strict: a key this version does not know is refused rather than
// silently dropped, so a merge of shards from another version fails loudly.
import { z } from 'zod';
import { CHECK_NAMES } from '../../common/hal-contract/routes.ts';
import { CHECK_IDS, FLOWS } from '../run/types.ts';

export const CHECK_STATUSES = ['passed', 'failed', 'not-applicable'] as const;

/** `ok` restates `status` for tools that only want a boolean; the two must agree. */
export const OK_OF_STATUS = { passed: true, failed: false, 'not-applicable': null } as const;

/**
 * Why a check decided as it did, for tools. `reason` is one of the check's own codes
 * (each check file exports its union, e.g. ExitCodeReason); `expected` and `seen` are
 * values (numbers, codes, lists, field maps), never sentences: the sentence is `message`.
 * null stands for "nothing to compare", as on most not-applicable results.
 */
export const CheckDetailSchema = z.strictObject({
  reason: z.string().min(1),
  // z.unknown() keys are required in zod 4: a detail without them is refused.
  expected: z.unknown(),
  seen: z.unknown(),
});

export const CheckResultSchema = z
  .strictObject({
    id: z.enum(CHECK_IDS),
    status: z.enum(CHECK_STATUSES),
    /** true when passed, false when failed, null when the check does not apply. */
    ok: z.boolean().nullable(),
    /** Says what was expected and what was seen, for people. */
    message: z.string(),
    detail: CheckDetailSchema,
  })
  .refine((check) => check.ok === OK_OF_STATUS[check.status], {
    path: ['ok'],
    message: 'ok must be true for a passed check, false for a failed one and null for a not-applicable one',
  });

/** A variable the user set for the scripts (--env KEY=VALUE or a line of --env-file). */
export const EnvSettingSchema = z.strictObject({
  name: z.string(),
  value: z.string(),
  /** Where it came from: "--env", or "FILE:LINE" for --env-file. */
  source: z.string(),
});

/** What report.json and the console say about the user's variables. */
export const UserEnvironmentReportSchema = z.strictObject({
  /** Every variable the user set, in the order applied (last wins); values of secrets are [REDACTED]. */
  set: z.array(EnvSettingSchema),
  /** Harness variables the user's replaced, with the runs where the harness had set them. */
  overridden: z.array(z.strictObject({ name: z.string(), runs: z.array(z.string()) })),
});

export const RunReportSchema = z.strictObject({
  scenario: z.string(),
  /** Phase name for a timeline scenario; absent for a steady one. */
  phase: z.string().optional(),
  flow: z.enum(FLOWS),
  exitCode: z.int().nullable(),
  durationMs: z.number(),
  evidenceDir: z.string(),
  /** Position in the whole (unsharded) run matrix, so merged shards keep pair order. */
  matrixIndex: z.int().min(0).optional(),
  /** Status the telemetry reported, and the one a correct guardrail reports. */
  status: z.string().nullable().optional(),
  expectedStatus: z.enum(['passed', 'failed']).optional(),
  /**
   * Where the expectation came from: the scenario's `expect`, or, for a smoke run whose
   * answers were decided per request or came from a real API behind a proxy, what its
   * journal shows the mock answered (harness/checks/journal-expectation.ts).
   */
  expectedFrom: z.enum(['scenario', 'journal']).optional(),
  /** validate/audit: the checks a correct guardrail lists in failed_checks. */
  expectedFailedChecks: z.array(z.enum(CHECK_NAMES)).optional(),
  checks: z.array(CheckResultSchema),
});

export const HarnessReportSchema = z.strictObject({
  ok: z.boolean(),
  specId: z.string(),
  pairId: z.string(),
  bundleDir: z.string(),
  notes: z.array(z.string()),
  /** Present when the user set variables for the scripts (--env, --env-file). */
  environment: UserEnvironmentReportSchema.optional(),
  runs: z.array(RunReportSchema),
});

export type CheckStatus = (typeof CHECK_STATUSES)[number];
export type CheckDetail = z.infer<typeof CheckDetailSchema>;
export type CheckResult = z.infer<typeof CheckResultSchema>;
export type EnvSetting = z.infer<typeof EnvSettingSchema>;
export type UserEnvironmentReport = z.infer<typeof UserEnvironmentReportSchema>;
export type RunReport = z.infer<typeof RunReportSchema>;
export type HarnessReport = z.infer<typeof HarnessReportSchema>;

/** `$.runs[0].checks[2].detail`: a zod issue path in the JSONPath form jq users know. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number' ? `${out}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(String(key)) ? `${out}.${String(key)}` : `${out}[${JSON.stringify(String(key))}]`,
    '$',
  );
}
