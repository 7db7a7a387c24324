// Telemetry schema v1 of the SPEC-OPS-004 guardrails. This is the only place the
// harness defines it: the checks, `check-telemetry` and the evidence writer all
// judge telemetry through the functions below, so a schema change lands once.
import { open, stat } from 'node:fs/promises';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { CHECK_NAMES } from '../mock-hal/scenario-model.ts';
import { FLOWS, STAGE_OF_FLOW, type Flow } from './types.ts';

export const TELEMETRY_SCHEMA_VERSION = 1;
/** Real telemetry is a few KiB; anything this big is a runaway writer, not telemetry. */
export const MAX_TELEMETRY_BYTES = 5 * 1024 * 1024;

export const COMMANDS = [
  'spec-ops-plan',
  'spec-ops-tasks',
  'spec-ops-implement',
  'spec-ops-validate',
  'spec-ops-audit',
  'spec-ops-unlock',
] as const;
export type Command = (typeof COMMANDS)[number];

export const STAGES = [
  'spec-plan',
  'spec-tasks',
  'spec-implement',
  'spec-validate',
  'spec-audit',
  'spec-unlock',
] as const;
export type Stage = (typeof STAGES)[number];

/** Commands whose telemetry carries the HAL smoke (and so may carry hal.summary). */
export const HAL_COMMANDS: readonly Command[] = ['spec-ops-validate', 'spec-ops-audit'];

// --- building blocks -------------------------------------------------------

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;
const SESSION_ID = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)-(\d+)$/;

/** A regex alone would accept 2025-02-30T25:61:00Z; the scripts' `date -u` never writes that. */
function isIsoUtc(text: string): boolean {
  const m = ISO_UTC.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
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
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: 'expected each check name at most once (this one repeats)',
          });
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

// --- problem lines ---------------------------------------------------------

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function formatJsonPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/** A short rendering of a seen value, so one problem stays one line. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Too deeply nested to print (String() would recurse and overflow the stack too).
    text = Array.isArray(value) ? '[...]' : value !== null && typeof value === 'object' ? '{...}' : String(value);
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  if (Array.isArray(value)) return `an array ${text}`;
  if (value !== null && typeof value === 'object') return `an object ${text}`;
  return text;
}

const ARTICLE_TYPE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.message.startsWith('expected ')) return issue.message;
      return `expected ${ARTICLE_TYPE[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map(String).join('|')}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'expected a non-empty string';
      return `expected at least ${issue.minimum}`;
    default:
      // Our own refinements already phrase their message as "expected ...".
      return issue.message;
  }
}

function formatIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const where = formatJsonPath(issue.path);
  const seen = valueAt(root, issue.path);
  if (seen === undefined && issue.path.length > 0) return `${where}: missing, ${expectation(issue)}`;
  if (Array.isArray(seen) && issue.code === 'too_small' && issue.origin === 'array') {
    return `${where}: ${expectation(issue)}, got an empty array`;
  }
  return `${where}: ${expectation(issue)}, got ${describeValue(seen)}`;
}

// --- validation ------------------------------------------------------------

export interface ValidateOptions {
  /** The command the file must be for; a flow ("validate") or stage ("spec-validate") name also works. */
  expectedCommand?: string;
  /** SPEC_OPS_TELEMETRY_HAL of the run: true demands hal.summary on validate/audit, false forbids it. */
  telemetryHal?: boolean;
}

export interface ValidationResult {
  ok: boolean;
  /** One line each: JSON path, what was expected, what was seen. */
  problems: string[];
  /** The parsed telemetry whenever its structure is valid (even if a flag rule failed). */
  telemetry?: Telemetry;
}

function isCommand(value: unknown): value is Command {
  return typeof value === 'string' && (COMMANDS as readonly string[]).includes(value);
}

/** Accepts a command, a stage or a flow name and gives the command; null when it is none of them. */
export function normalizeCommand(name: string): Command | null {
  if (isCommand(name)) return name;
  for (const flow of FLOWS) {
    const info = STAGE_OF_FLOW[flow];
    if (name === flow || name === info.stage) return info.command as Command;
  }
  return null;
}

export function validateTelemetry(data: unknown, opts: ValidateOptions = {}): ValidationResult {
  const problems: string[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`(top level): expected a JSON object, got ${describeValue(data)}`);
    return { ok: false, problems };
  }
  const record = data as Record<string, unknown>;

  let expected: Command | null = null;
  if (opts.expectedCommand !== undefined) {
    expected = normalizeCommand(opts.expectedCommand);
    if (expected === null) {
      // A caller bug, but reported as a problem so the "never throws" contract holds.
      problems.push(
        `(options): expectedCommand ${JSON.stringify(opts.expectedCommand)} is not a guardrail command; use one of ${COMMANDS.join('|')}`,
      );
    }
  }

  const seenCommand = record['command'];
  if (expected !== null && isCommand(seenCommand) && seenCommand !== expected) {
    problems.push(`command: expected ${JSON.stringify(expected)}, got ${describeValue(seenCommand)}`);
  }

  // Judge the stage fields by the file's own command when it names one; fall back to
  // the expected command so a file with a broken `command` still gets its fields checked.
  const command: Command | null = isCommand(seenCommand) ? seenCommand : expected;
  let telemetry: Telemetry | undefined;
  if (command === null) {
    const result = unknownCommandSchema.safeParse(data);
    if (!result.success) problems.push(...result.error.issues.map((issue) => formatIssue(issue, data)));
  } else {
    const schema = SCHEMA_OF_COMMAND[command];
    const result = schema.safeParse(isCommand(seenCommand) ? data : { ...record, command });
    if (!isCommand(seenCommand)) {
      problems.push(
        seenCommand === undefined
          ? `command: missing, expected one of ${COMMANDS.join('|')}`
          : `command: expected one of ${COMMANDS.join('|')}, got ${describeValue(seenCommand)}`,
      );
    }
    if (result.success) {
      if (isCommand(seenCommand)) telemetry = result.data as Telemetry;
    } else {
      problems.push(...result.error.issues.map((issue) => formatIssue(issue, data)));
    }
    if (HAL_COMMANDS.includes(command) && opts.telemetryHal !== undefined) {
      const hal = record['hal'];
      const summary =
        hal !== null && typeof hal === 'object' ? (hal as Record<string, unknown>)['summary'] : undefined;
      if (opts.telemetryHal && summary === undefined) {
        problems.push(
          'hal.summary: missing, expected the hal.summary block because the run set SPEC_OPS_TELEMETRY_HAL=1',
        );
      } else if (!opts.telemetryHal && summary !== undefined) {
        problems.push(
          `hal.summary: expected no hal.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got ${describeValue(summary)}`,
        );
      }
    }
  }
  // Without parsed telemetry there is always at least one problem line above.
  return telemetry === undefined ? { ok: false, problems } : { ok: problems.length === 0, problems, telemetry };
}

// --- file names ------------------------------------------------------------

export interface StageOfFile {
  stage: Stage;
  command: Command;
  flow: Flow;
  sessionId: string;
}

// Colons may have been replaced by "-" when the file was copied into an evidence
// bundle (safeFileName), so both spellings of the time are accepted.
const TELEMETRY_FILE_NAME =
  /^(spec-(?:plan|tasks|implement|validate|audit|unlock))_(\d{4}-\d{2}-\d{2}T\d{2}[:-]\d{2}[:-]\d{2}(?:\.\d{1,9})?Z-\d+)\.json$/;

/** The stage a telemetry file name like `spec-validate_2025-09-29T16:34:21Z-229132461.json` belongs to, or null. */
export function stageOfFile(fileName: string): StageOfFile | null {
  const m = TELEMETRY_FILE_NAME.exec(basename(fileName));
  if (!m) return null;
  const stage = m[1] as Stage;
  const flow = FLOWS.find((f) => STAGE_OF_FLOW[f].stage === stage) as Flow;
  return { stage, command: STAGE_OF_FLOW[flow].command as Command, flow, sessionId: m[2] as string };
}

// --- reading files ---------------------------------------------------------

export interface ReadResult {
  ok: boolean;
  problems: string[];
  /** The parsed JSON when ok. */
  data?: unknown;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function tooBig(size: number): ReadResult {
  return {
    ok: false,
    problems: [
      `file is ${mib(size)}, over the ${mib(MAX_TELEMETRY_BYTES)} limit for telemetry; refusing to read it (a guardrail wrote far more than telemetry, check what it appended)`,
    ],
  };
}

function ioProblem(error: unknown): ReadResult {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    code === 'ENOENT'
      ? 'file not found; check the path, or whether the guardrail wrote its telemetry at all'
      : code === 'EACCES' || code === 'EPERM'
        ? 'file is not readable (permission denied); fix its permissions'
        : code === 'EISDIR'
          ? 'is a folder, not a file; point at a telemetry file (check-telemetry searches folders)'
          : `could not read the file (${code ?? (error instanceof Error ? error.message : String(error))})`;
  return { ok: false, problems: [message] };
}

/** Turns the bytes of a telemetry file into JSON, or into one problem line saying what is wrong. */
export function parseTelemetryBytes(bytes: Uint8Array): ReadResult {
  if (bytes.length === 0) {
    return { ok: false, problems: ['file is empty; the guardrail created it but wrote nothing (killed mid-write?)'] };
  }
  if (bytes.length > MAX_TELEMETRY_BYTES) return tooBig(bytes.length);
  if (bytes.includes(0)) {
    return { ok: false, problems: ['file contains NUL bytes: binary data, not JSON text'] };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problems: ['file is not valid UTF-8 text (binary data?); telemetry must be UTF-8 JSON'] };
  }
  // TextDecoder already drops a leading BOM; a file of only whitespace is as good as empty.
  if (text.trim() === '') {
    return { ok: false, problems: ['file holds only whitespace; the guardrail wrote no JSON'] };
  }
  try {
    return { ok: true, problems: [], data: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    // V8 reports the offset where parsing stopped; at the very end means the text was cut.
    const atEnd = position === null ? /end of JSON input/.test(message) : Number(position[1]) >= text.trimEnd().length;
    if (atEnd) {
      return {
        ok: false,
        problems: [`invalid JSON: the text ends early (truncated? the writer may have been killed mid-write): ${message}`],
      };
    }
    return { ok: false, problems: [`invalid JSON: ${message}`] };
  }
}

/** Reads and parses a telemetry file. Never throws: every failure becomes a problem line. */
export async function readTelemetryFile(path: string): Promise<ReadResult> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return ioProblem(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (info.size > MAX_TELEMETRY_BYTES) return tooBig(info.size);
    const handle = await open(path, 'r');
    try {
      // Read in chunks up to one byte past the limit, so a file that grew after stat() is still refused.
      const chunks: Buffer[] = [];
      let total = 0;
      while (total <= MAX_TELEMETRY_BYTES) {
        const chunk = Buffer.alloc(Math.min(READ_CHUNK, MAX_TELEMETRY_BYTES + 1 - total));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
        if (bytesRead === 0) break;
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
      }
      return parseTelemetryBytes(Buffer.concat(chunks, total));
    } finally {
      await handle.close();
    }
  } catch (error) {
    return ioProblem(error);
  }
}

const READ_CHUNK = 256 * 1024;

/** Synchronous twin of readTelemetryFile for callers that cannot await. Never throws. */
export function readTelemetryFileSync(path: string): ReadResult {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const info = fstatSync(fd);
    if (info.isDirectory()) return ioProblem(Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
    if (info.size > MAX_TELEMETRY_BYTES) return tooBig(info.size);
    const chunks: Buffer[] = [];
    let total = 0;
    while (total <= MAX_TELEMETRY_BYTES) {
      const chunk = Buffer.alloc(Math.min(READ_CHUNK, MAX_TELEMETRY_BYTES + 1 - total));
      const bytesRead = readSync(fd, chunk, 0, chunk.length, total);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
    }
    return parseTelemetryBytes(Buffer.concat(chunks, total));
  } catch (error) {
    return ioProblem(error);
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Nothing useful to do: the read result is already decided.
      }
    }
  }
}

/**
 * Reads, parses and validates one telemetry file, and checks that its name agrees
 * with its content (stage vs `command`, session id in the name vs `sessionId`).
 */
export async function checkTelemetryFile(path: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const read = await readTelemetryFile(path);
  if (!read.ok) return { ok: false, problems: read.problems };
  return checkParsedTelemetry(path, read.data, opts);
}

export function checkTelemetryFileSync(path: string, opts: ValidateOptions = {}): ValidationResult {
  const read = readTelemetryFileSync(path);
  if (!read.ok) return { ok: false, problems: read.problems };
  return checkParsedTelemetry(path, read.data, opts);
}

function checkParsedTelemetry(path: string, data: unknown, opts: ValidateOptions): ValidationResult {
  const named = stageOfFile(path);
  const effective: ValidateOptions = { ...opts };
  if (named !== null && effective.expectedCommand === undefined) effective.expectedCommand = named.command;
  const result = validateTelemetry(data, effective);
  const problems = [...result.problems];
  if (named !== null) {
    if (opts.expectedCommand !== undefined && normalizeCommand(opts.expectedCommand) !== named.command) {
      problems.push(
        `(file name): the name says stage ${named.stage} but ${opts.expectedCommand} telemetry was expected; the guardrail wrote under the wrong stage name`,
      );
    }
    const seen = (data as Record<string, unknown> | null)?.['sessionId'];
    // A copy in an evidence bundle has "-" for ":" in its name, so compare that way too.
    if (typeof seen === 'string' && seen !== named.sessionId && seen.replaceAll(':', '-') !== named.sessionId) {
      problems.push(
        `sessionId: expected ${JSON.stringify(named.sessionId)} (the session id in the file name), got ${JSON.stringify(seen)}`,
      );
    }
  }
  const ok = problems.length === 0;
  return result.telemetry === undefined ? { ok, problems } : { ok, problems, telemetry: result.telemetry };
}
