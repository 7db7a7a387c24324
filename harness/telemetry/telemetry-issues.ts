// How a telemetry problem is worded: a JSON path, what was expected, what was seen.
// Both rule sets (the kit's strict schema and the Spec Kit's reader) build their
// issues with these helpers, so their lines read alike and can be compared by path.
import type { z } from 'zod';

/** One problem with a telemetry file, kept apart so callers never parse the wording. */
export interface TelemetryIssue {
  /** JSON path as printed, e.g. `scenarios[0].status`, `hooks["session.start"]`, `(top level)`. */
  path: string;
  /** What was expected and what was seen, e.g. `expected a string, got 42`. */
  message: string;
}

/** The one-line form used everywhere: `<path>: <message>`. */
export function issueLine(issue: TelemetryIssue): string {
  return `${issue.path}: ${issue.message}`;
}

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

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
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

/** "missing, expected X" when nothing is there, otherwise "expected X, got <value>". */
export function expectedGot(expected: string, seen: unknown, present: boolean): string {
  return present ? `expected ${expected}, got ${describeValue(seen)}` : `missing, expected ${expected}`;
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
      return issue.values.length === 1 ? `expected ${JSON.stringify(issue.values[0])}` : `expected one of ${issue.values.map(String).join('|')}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'expected a non-empty string';
      return `expected at least ${issue.minimum}`;
    default:
      // Our own refinements already phrase their message as "expected ...".
      return issue.message;
  }
}

/** A zod issue as a telemetry issue, quoting the value the file holds at its path. */
export function fromZodIssue(issue: z.core.$ZodIssue, root: unknown): TelemetryIssue {
  const path = formatJsonPath(issue.path);
  const seen = valueAt(root, issue.path);
  if (seen === undefined && issue.path.length > 0) return { path, message: `missing, ${expectation(issue)}` };
  if (Array.isArray(seen) && seen.length === 0 && issue.code === 'too_small' && issue.origin === 'array') {
    return { path, message: `${expectation(issue)}, got an empty array` };
  }
  return { path, message: `${expectation(issue)}, got ${describeValue(seen)}` };
}
