// The kit's strict rules for telemetry schema v1: the documented contract of the
// SPEC-OPS-004 guardrails (the table in guardrail-interfaces.md §3), stricter than
// what the Spec Kit itself enforces (spec-kit-reader.ts has that). `check-telemetry
// --strict` and the `telemetry-schema` run check use these; a schema change lands here once.
// Reading files, names and issue wording live beside it and are re-exported below.
import { z } from 'zod';
import { CHECK_NAMES } from '../../mock-hal/index.ts';
import { readTelemetryFile, readTelemetryFileSync } from './telemetry-files.ts';
import { describeValue, fromZodIssue, issueLine, type TelemetryIssue } from './telemetry-issues.ts';
import { COMMANDS, type Command, HAL_COMMANDS, isCommand, normalizeCommand, stageOfFile } from './telemetry-names.ts';

export * from './telemetry-files.ts';
export { describeValue, formatJsonPath, issueLine, type TelemetryIssue } from './telemetry-issues.ts';
export * from './telemetry-names.ts';

export const TELEMETRY_SCHEMA_VERSION = 1;

// --- building blocks -------------------------------------------------------

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;
const SESSION_ID = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)-(\d+)$/;

/** A regex alone would accept 2025-02-30T25:61:00Z; the scripts' `date -u` never writes that. */
function isIsoUtc(text: string): boolean {
  const m = ISO_UTC.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    // 60 would be a leap second; date(1) does not produce those.
    date.getUTCSeconds() === second
  );
}

function isSessionId(text: string): boolean {
  const m = SESSION_ID.exec(text);
  return m !== null && isIsoUtc(m[1] as string);
}

// Telemetry is written by bash on POSIX hosts, so only a leading "/" counts.
// The same wording serves a wrong type and a wrong format, so a missing field says what belongs there.
const ABSOLUTE_PATH = 'expected an absolute path (starting with "/")';
const absolutePath = z.string({ error: ABSOLUTE_PATH }).refine((p) => p.startsWith('/'), { message: ABSOLUTE_PATH });

const ISO_UTC_TEXT = 'expected an ISO-8601 UTC time like "2025-09-29T16:34:21Z"';
const isoUtc = z.string({ error: ISO_UTC_TEXT }).refine(isIsoUtc, { message: ISO_UTC_TEXT });

const SESSION_ID_TEXT = 'expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461"';
const sessionId = z.string({ error: SESSION_ID_TEXT }).refine(isSessionId, { message: SESSION_ID_TEXT });

const schemaVersion = z
  .int({ error: 'expected an integer' })
  .refine((v) => v === TELEMETRY_SCHEMA_VERSION, {
    message: `expected ${TELEMETRY_SCHEMA_VERSION} (the only telemetry schema version this harness understands; update the harness to read newer telemetry)`,
  })
  .default(TELEMETRY_SCHEMA_VERSION);

const artifact = z.looseObject({ path: absolutePath });
const artifacts = z.array(artifact);

export const HAL_STATUSES = ['passed', 'failed', 'skipped'] as const;

export const halSummarySchema = z.looseObject({
  status: z.enum(HAL_STATUSES),
  failed_checks: z
    .array(z.enum(CHECK_NAMES))
    .superRefine((checks, ctx) => {
      checks.forEach((check, index) => {
        if (checks.indexOf(check) !== index) {
          ctx.addIssue({ code: 'custom', path: [index], message: 'expected each check name at most once (this one repeats)' });
        }
      });
    })
    .optional(),
  artifacts: z.array(absolutePath).optional(),
});

const halBlock = z.looseObject({ summary: halSummarySchema.optional() }).optional();

const scenario = z.looseObject({
  name: z.string().min(1),
  status: z.enum(['passed', 'failed', 'skipped']),
});

// Every object is loose: fields and objects the contract does not name (a `policy`
// block of a later script version, say) are accepted, never a problem.
function envelope<C extends Command>(command: C, artifactsRequired: boolean) {
  return z.looseObject({
    schemaVersion,
    command: z.literal(command),
    specId: z.string().min(1),
    sessionId,
    timestamp: isoUtc,
    artifacts: artifactsRequired ? artifacts : artifacts.optional(),
  });
}

// Per-stage required fields, exactly the table in guardrail-interfaces.md §3.
export const planTelemetrySchema = envelope('spec-ops-plan', true).extend({
  baseline: z.looseObject({
    mode: z.enum(['skip', 'no-run', 'quick', 'full']),
    artifact: absolutePath,
    status: z.enum(['passed', 'skipped', 'failed']),
  }),
  hooks: z.looseObject({ 'session.start': z.enum(['ok', 'failed', 'skipped']) }),
});

export const tasksTelemetrySchema = envelope('spec-ops-tasks', true).extend({
  tool: z.looseObject({ status: z.enum(['ok', 'failed', 'skipped', 'ready']) }),
});

export const implementTelemetrySchema = envelope('spec-ops-implement', true).extend({
  lock_status: z.enum(['locked', 'failed']),
  hook_status: z.enum(['ok', 'failed']),
});

const smokeFields = {
  scenarios: z.array(scenario).min(1),
  // The doc only says "optional"; real scripts have not been seen writing it, so
  // any list is accepted rather than guessing its element shape.
  errors: z.array(z.unknown()).optional(),
  hal: halBlock,
};

export const validateTelemetrySchema = envelope('spec-ops-validate', false).extend(smokeFields);
export const auditTelemetrySchema = envelope('spec-ops-audit', true).extend(smokeFields);

export const unlockTelemetrySchema = envelope('spec-ops-unlock', true).extend({
  unlock_status: z.enum(['unlocked', 'failed']),
});

const SCHEMA_OF_COMMAND = {
  'spec-ops-plan': planTelemetrySchema,
  'spec-ops-tasks': tasksTelemetrySchema,
  'spec-ops-implement': implementTelemetrySchema,
  'spec-ops-validate': validateTelemetrySchema,
  'spec-ops-audit': auditTelemetrySchema,
  'spec-ops-unlock': unlockTelemetrySchema,
} as const;

export const telemetrySchema = z.discriminatedUnion('command', [
  planTelemetrySchema,
  tasksTelemetrySchema,
  implementTelemetrySchema,
  validateTelemetrySchema,
  auditTelemetrySchema,
  unlockTelemetrySchema,
]);

export type Telemetry = z.output<typeof telemetrySchema>;
export type HalSummary = z.output<typeof halSummarySchema>;

/** Used only to report envelope problems when `command` itself is not one we know. */
const unknownCommandSchema = z.looseObject({
  schemaVersion,
  command: z.enum(COMMANDS),
  specId: z.string().min(1),
  sessionId,
  timestamp: isoUtc,
  artifacts: artifacts.optional(),
});

// --- validation ------------------------------------------------------------

export interface ValidateOptions {
  /** The command the file must be for; a flow ("validate") or stage ("spec-validate") name also works. */
  expectedCommand?: string;
  /** SPEC_OPS_TELEMETRY_HAL of the run: true demands hal.summary on validate/audit, false forbids it. */
  telemetryHal?: boolean;
}

export interface ValidationResult {
  ok: boolean;
  /** One line each: JSON path, what was expected, what was seen (`issueLine` of `issues`). */
  problems: string[];
  /** The same problems, path and message apart. */
  issues: TelemetryIssue[];
  /** The parsed telemetry whenever its structure is valid (even if a flag rule failed). */
  telemetry?: Telemetry;
}

function result(issues: TelemetryIssue[], telemetry?: Telemetry): ValidationResult {
  const problems = issues.map(issueLine);
  // Without parsed telemetry there is always at least one issue.
  return telemetry === undefined ? { ok: false, problems, issues } : { ok: issues.length === 0, problems, issues, telemetry };
}

/**
 * The SPEC_OPS_TELEMETRY_HAL rule: validate/audit telemetry carries hal.summary exactly
 * when the run set the flag. A rule about the run, not the file: neither schema has it.
 */
export function halFlagIssue(data: unknown, command: string, telemetryHal: boolean): TelemetryIssue | null {
  const normalized = normalizeCommand(command);
  if (normalized === null || !HAL_COMMANDS.includes(normalized)) return null;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const hal = (data as Record<string, unknown>).hal;
  const summary = hal !== null && typeof hal === 'object' ? (hal as Record<string, unknown>).summary : undefined;
  if (telemetryHal && summary === undefined) {
    return { path: 'hal.summary', message: 'missing, expected the hal.summary block because the run set SPEC_OPS_TELEMETRY_HAL=1' };
  }
  if (!telemetryHal && summary !== undefined) {
    return {
      path: 'hal.summary',
      message: `expected no hal.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got ${describeValue(summary)}`,
    };
  }
  return null;
}

export function validateTelemetry(data: unknown, opts: ValidateOptions = {}): ValidationResult {
  const issues: TelemetryIssue[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return result([{ path: '(top level)', message: `expected a JSON object, got ${describeValue(data)}` }]);
  }
  const record = data as Record<string, unknown>;

  let expected: Command | null = null;
  if (opts.expectedCommand !== undefined) {
    expected = normalizeCommand(opts.expectedCommand);
    if (expected === null) {
      // A caller bug, but reported as a problem so the "never throws" contract holds.
      issues.push({
        path: '(options)',
        message: `expectedCommand ${JSON.stringify(opts.expectedCommand)} is not a guardrail command; use one of ${COMMANDS.join('|')}`,
      });
    }
  }

  const seenCommand = record.command;
  if (expected !== null && isCommand(seenCommand) && seenCommand !== expected) {
    issues.push({ path: 'command', message: `expected ${JSON.stringify(expected)}, got ${describeValue(seenCommand)}` });
  }

  // Judge the stage fields by the file's own command when it names one; fall back to
  // the expected command so a file with a broken `command` still gets its fields checked.
  const command: Command | null = isCommand(seenCommand) ? seenCommand : expected;
  let telemetry: Telemetry | undefined;
  if (command === null) {
    const parsed = unknownCommandSchema.safeParse(data);
    if (!parsed.success) issues.push(...parsed.error.issues.map((issue) => fromZodIssue(issue, data)));
  } else {
    const parsed = SCHEMA_OF_COMMAND[command].safeParse(isCommand(seenCommand) ? data : { ...record, command });
    if (!isCommand(seenCommand)) {
      issues.push({
        path: 'command',
        message:
          seenCommand === undefined
            ? `missing, expected one of ${COMMANDS.join('|')}`
            : `expected one of ${COMMANDS.join('|')}, got ${describeValue(seenCommand)}`,
      });
    }
    if (parsed.success) {
      if (isCommand(seenCommand)) telemetry = parsed.data as Telemetry;
    } else {
      issues.push(...parsed.error.issues.map((issue) => fromZodIssue(issue, data)));
    }
    if (opts.telemetryHal !== undefined) {
      const flag = halFlagIssue(data, command, opts.telemetryHal);
      if (flag) issues.push(flag);
    }
  }
  return result(issues, telemetry);
}

/** The strict rules about a file's name: it agrees with the content (stage, session id). */
export function fileNameIssues(path: string, data: unknown, expectedCommand?: string): TelemetryIssue[] {
  const named = stageOfFile(path);
  if (named === null) return [];
  const issues: TelemetryIssue[] = [];
  if (expectedCommand !== undefined && normalizeCommand(expectedCommand) !== named.command) {
    issues.push({
      path: '(file name)',
      message: `the name says stage ${named.stage} but ${expectedCommand} telemetry was expected; the guardrail wrote under the wrong stage name`,
    });
  }
  const seen = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).sessionId : undefined;
  // A copy in an evidence bundle has "-" for ":" in its name, so compare that way too.
  if (typeof seen === 'string' && seen !== named.sessionId && seen.replaceAll(':', '-') !== named.sessionId) {
    issues.push({
      path: 'sessionId',
      message: `expected ${JSON.stringify(named.sessionId)} (the session id in the file name), got ${JSON.stringify(seen)}`,
    });
  }
  return issues;
}

/**
 * Reads, parses and validates one telemetry file by the strict rules, and checks that
 * its name agrees with its content (stage vs `command`, session id in the name vs `sessionId`).
 */
export async function checkTelemetryFile(path: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const read = await readTelemetryFile(path);
  if (!read.ok) return { ok: false, problems: read.problems, issues: [] };
  return checkParsedTelemetry(path, read.data, opts);
}

export function checkTelemetryFileSync(path: string, opts: ValidateOptions = {}): ValidationResult {
  const read = readTelemetryFileSync(path);
  if (!read.ok) return { ok: false, problems: read.problems, issues: [] };
  return checkParsedTelemetry(path, read.data, opts);
}

/** The strict judgement of already parsed telemetry read from `path`. */
export function checkParsedTelemetry(path: string, data: unknown, opts: ValidateOptions = {}): ValidationResult {
  const named = stageOfFile(path);
  const effective: ValidateOptions = { ...opts };
  if (named !== null && effective.expectedCommand === undefined) effective.expectedCommand = named.command;
  const validated = validateTelemetry(data, effective);
  const issues = [...validated.issues, ...fileNameIssues(path, data, opts.expectedCommand)];
  const ok = issues.length === 0;
  const problems = issues.map(issueLine);
  return validated.telemetry === undefined ? { ok: false, problems, issues } : { ok, problems, issues, telemetry: validated.telemetry };
}
