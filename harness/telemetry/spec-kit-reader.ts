// The Spec Kit's own telemetry reader, as guardrail-interfaces.md §3 ("How the Spec
// Kit consumes telemetry") describes it: the rules a user's /spec-auto pipeline really
// runs, looser than the kit's strict schema (telemetry-schema.ts). Three steps:
//   1. schema validation: errors listed, any error makes the file invalid;
//   2. evidence validation (every stage but validate): listed artifacts exist on disk;
//   3. the outcome: advance or halt, with the Spec Kit's reason.
// Everything is returned as codes plus messages, so no caller parses wording.
// Reading: a file that fails step 1 or 2 halts (the Spec Kit cannot use it).
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type Flow, STAGE_OF_FLOW } from '../run/types.ts';
import { describeValue, expectedGot, formatJsonPath, issueLine, type TelemetryIssue } from './telemetry-issues.ts';

export type SpecKitIssueCode =
  /** The top level is not a JSON object. */
  | 'not-an-object'
  /** `command` is not the stage's command. */
  | 'wrong-command'
  /** A required field is absent. */
  | 'missing'
  /** A field holds the wrong JSON type. */
  | 'wrong-type'
  /** An array that needs at least one item is empty. */
  | 'empty-array'
  /** A status outside passed|failed|skipped (scenarios, hal.summary). */
  | 'not-allowed'
  /** A blank string in hal.summary.failed_checks or hal.summary.artifacts. */
  | 'blank-string'
  /** Evidence: an artifact that is neither a path string nor an object with a path string. */
  | 'artifact-not-a-path'
  /** Evidence: a listed artifact does not exist on disk. */
  | 'artifact-missing'
  /** Evidence: not one listed artifact exists (or none is listed). */
  | 'no-evidence';

export interface SpecKitIssue extends TelemetryIssue {
  code: SpecKitIssueCode;
  /** Evidence issues: the path as listed and where it was looked for. */
  artifact?: string;
  resolved?: string;
}

export const SCENARIO_STATUSES = ['passed', 'failed', 'skipped'] as const;
/** At most this many missing artifacts are listed one by one; the rest are counted. */
export const MAX_LISTED_MISSING = 20;

type Json = Record<string, unknown>;
type Path = (string | number)[];

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const has = (object: Json, key: string): boolean => Object.hasOwn(object, key) && object[key] !== undefined;

// --- 1. schema validation ---------------------------------------------------

class Issues {
  readonly list: SpecKitIssue[] = [];
  add(code: SpecKitIssueCode, path: Path, message: string): void {
    this.list.push({ code, path: formatJsonPath(path), message });
  }
  /** A field of `parent` that must be there with the right type. */
  typed(parent: Json, path: Path, ok: (value: unknown) => boolean, expected: string): unknown {
    const key = path[path.length - 1] as string;
    const value = parent[key];
    if (!ok(value)) this.add(has(parent, key) ? 'wrong-type' : 'missing', path, expectedGot(expected, value, has(parent, key)));
    return value;
  }
  string(parent: Json, path: Path): void {
    this.typed(parent, path, (value) => typeof value === 'string', 'a string');
  }
  object(parent: Json, path: Path, expected = 'an object'): Json | null {
    const value = this.typed(parent, path, isObject, expected);
    return isObject(value) ? value : null;
  }
  status(parent: Json, path: Path): void {
    const key = path[path.length - 1] as string;
    const value = parent[key];
    if ((SCENARIO_STATUSES as readonly unknown[]).includes(value)) return;
    const code = !has(parent, key) ? 'missing' : typeof value === 'string' ? 'not-allowed' : 'wrong-type';
    this.add(code, path, expectedGot(`one of ${SCENARIO_STATUSES.join('|')}`, value, has(parent, key)));
  }
  /** An optional list of non-blank strings (hal.summary.failed_checks, hal.summary.artifacts). */
  optionalNames(parent: Json, path: Path): void {
    const key = path[path.length - 1] as string;
    if (!has(parent, key)) return;
    const list = parent[key];
    if (!Array.isArray(list)) {
      this.add('wrong-type', path, expectedGot('an array of non-blank strings', list, true));
      return;
    }
    list.forEach((item, index) => {
      if (typeof item !== 'string') this.add('wrong-type', [...path, index], expectedGot('a non-blank string', item, true));
      else if (item.trim() === '') this.add('blank-string', [...path, index], expectedGot('a non-blank string', item, true));
    });
  }
}

function checkScenarios(issues: Issues, data: Json): void {
  const scenarios = data.scenarios;
  if (!Array.isArray(scenarios)) {
    issues.add(
      has(data, 'scenarios') ? 'wrong-type' : 'missing',
      ['scenarios'],
      expectedGot('a non-empty array of {name, status}', scenarios, has(data, 'scenarios')),
    );
    return;
  }
  if (scenarios.length === 0) {
    issues.add('empty-array', ['scenarios'], 'expected at least 1 scenario, got an empty array');
    return;
  }
  scenarios.forEach((scenario: unknown, index) => {
    if (!isObject(scenario)) {
      issues.add('wrong-type', ['scenarios', index], expectedGot('an object with a string name and a status', scenario, true));
      return;
    }
    issues.string(scenario, ['scenarios', index, 'name']);
    issues.status(scenario, ['scenarios', index, 'status']);
  });
}

function checkHal(issues: Issues, data: Json): void {
  if (!has(data, 'hal')) return;
  const hal = issues.object(data, ['hal'], 'an object holding summary');
  if (!hal) return;
  const summary = issues.object(hal, ['hal', 'summary']);
  if (!summary) return;
  issues.status(summary, ['hal', 'summary', 'status']);
  issues.optionalNames(summary, ['hal', 'summary', 'failed_checks']);
  issues.optionalNames(summary, ['hal', 'summary', 'artifacts']);
}

/** Step 1: the Spec Kit's schema validation of one stage's telemetry. Empty means valid. */
export function specKitSchemaIssues(data: unknown, flow: Flow): SpecKitIssue[] {
  const issues = new Issues();
  if (!isObject(data)) {
    issues.add('not-an-object', [], `expected a JSON object, got ${describeValue(data)}`);
    return issues.list;
  }
  const command = STAGE_OF_FLOW[flow].command;
  if (data.command !== command) {
    issues.add(has(data, 'command') ? 'wrong-command' : 'missing', ['command'], expectedGot(JSON.stringify(command), data.command, has(data, 'command')));
  }
  for (const key of ['specId', 'sessionId', 'timestamp']) issues.string(data, [key]);
  if (flow === 'validate' || flow === 'audit') {
    if (has(data, 'artifacts')) issues.typed(data, ['artifacts'], Array.isArray, 'an array');
    checkScenarios(issues, data);
    checkHal(issues, data);
    return issues.list;
  }
  const artifacts = issues.typed(data, ['artifacts'], Array.isArray, 'a non-empty array of artifacts');
  if (Array.isArray(artifacts) && artifacts.length === 0) issues.add('empty-array', ['artifacts'], 'expected at least 1 artifact, got an empty array');
  switch (flow) {
    case 'plan': {
      const baseline = issues.object(data, ['baseline']);
      if (baseline) for (const key of ['mode', 'artifact', 'status']) issues.string(baseline, ['baseline', key]);
      const hooks = issues.object(data, ['hooks']);
      if (hooks) issues.string(hooks, ['hooks', 'session.start']);
      break;
    }
    case 'tasks': {
      const tool = issues.object(data, ['tool']);
      if (tool) issues.string(tool, ['tool', 'status']);
      break;
    }
    case 'implement':
      issues.string(data, ['lock_status']);
      issues.string(data, ['hook_status']);
      break;
    case 'unlock':
      issues.string(data, ['unlock_status']);
      break;
  }
  return issues.list;
}

// --- 2. evidence validation ---------------------------------------------------

export interface EvidenceOptions {
  /** Where relative artifact paths resolve from: the root of the repository the telemetry was written in. */
  repoRoot: string;
  /** How repoRoot was chosen, for the messages (e.g. "given with --repo"). */
  repoRootWhy?: string;
  /**
   * Original absolute path → an existing copy of that file. A harness evidence bundle
   * holds copies of what the run wrote, while the run's repository copy is gone.
   */
  copies?: ReadonlyMap<string, string>;
}

export interface FoundArtifact {
  /** As listed in the telemetry. */
  artifact: string;
  /** Where it was found: the resolved path, or the copy standing in for it. */
  at: string;
  viaCopy: boolean;
}

export interface EvidenceResult {
  /** false for validate: the Spec Kit checks no evidence there. */
  applies: boolean;
  issues: SpecKitIssue[];
  found: FoundArtifact[];
}

function artifactPath(entry: unknown): { path: string; at: Path } | null {
  if (typeof entry === 'string') return entry.trim() === '' ? null : { path: entry, at: [] };
  if (isObject(entry) && typeof entry.path === 'string' && entry.path.trim() !== '') return { path: entry.path, at: ['path'] };
  return null;
}

/** Step 2: every listed artifact exists on disk (relative paths from the repo root); at least one does. */
export function specKitEvidence(data: unknown, flow: Flow, opts: EvidenceOptions): EvidenceResult {
  if (flow === 'validate') return { applies: false, issues: [], found: [] };
  const issues: SpecKitIssue[] = [];
  const found: FoundArtifact[] = [];
  const listed = isObject(data) && Array.isArray(data.artifacts) ? (data.artifacts as unknown[]) : [];
  let missing = 0;
  listed.forEach((entry, index) => {
    const artifact = artifactPath(entry);
    if (artifact === null) {
      issues.push({
        code: 'artifact-not-a-path',
        path: formatJsonPath(['artifacts', index]),
        message: expectedGot('a path string or an object with a non-blank string path', entry, true),
      });
      return;
    }
    const resolved = isAbsolute(artifact.path) ? artifact.path : resolve(opts.repoRoot, artifact.path);
    if (existsSync(resolved)) {
      found.push({ artifact: artifact.path, at: resolved, viaCopy: false });
      return;
    }
    const copy = opts.copies?.get(resolved);
    if (copy !== undefined && existsSync(copy)) {
      found.push({ artifact: artifact.path, at: copy, viaCopy: true });
      return;
    }
    missing++;
    if (missing > MAX_LISTED_MISSING) return;
    const why = opts.repoRootWhy !== undefined ? `, ${opts.repoRootWhy}` : '';
    const where = resolved === artifact.path ? '' : ` (relative paths resolve from the repo root ${opts.repoRoot}${why}: looked for ${resolved})`;
    issues.push({
      code: 'artifact-missing',
      path: formatJsonPath(['artifacts', index, ...artifact.at]),
      message: `${JSON.stringify(artifact.path)} does not exist${where}`,
      artifact: artifact.path,
      resolved,
    });
  });
  if (missing > MAX_LISTED_MISSING) {
    issues.push({ code: 'artifact-missing', path: 'artifacts', message: `and ${missing - MAX_LISTED_MISSING} more listed artifacts do not exist` });
  }
  if (found.length === 0) {
    issues.push({
      code: 'no-evidence',
      path: 'artifacts',
      message:
        listed.length === 0
          ? 'no artifact is listed; the Spec Kit wants at least one that exists'
          : `none of the ${listed.length} listed artifact${listed.length === 1 ? '' : 's'} exists; the Spec Kit wants at least one`,
    });
  }
  return { applies: true, issues, found };
}

// --- 3. the outcome ---------------------------------------------------------

export type Decision = 'advance' | 'halt';

export type OutcomeCode =
  | 'invalid-telemetry'
  | 'missing-evidence'
  | 'baseline-status'
  | 'session-start-hook'
  | 'tool-status'
  | 'lock-status'
  | 'hook-status'
  | 'unlock-status'
  | 'scenarios';

export interface OutcomeReason {
  code: OutcomeCode;
  /** Whether this condition lets the stage advance. */
  holds: boolean;
  message: string;
}

export interface SpecKitOutcome {
  decision: Decision;
  /** Every condition the Spec Kit weighed for this stage. */
  reasons: OutcomeReason[];
  /** The deciding reasons in one line: the failing ones on halt, all of them on advance. */
  reason: string;
  /** hal.summary, which the Spec Kit only adds to its report: it never changes the decision. */
  halNote?: string;
}

const quote = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : describeValue(value));

function rule(code: OutcomeCode, holds: boolean, field: string, value: unknown, wanted: string): OutcomeReason {
  return { code, holds, message: holds ? `${field} is ${quote(value)}` : `${field} is ${quote(value)}, and the Spec Kit advances only on ${wanted}` };
}

function stageReasons(data: Json, flow: Flow): OutcomeReason[] {
  switch (flow) {
    case 'plan': {
      const status = (data.baseline as Json).status;
      const hook = (data.hooks as Json)['session.start'];
      return [
        rule('baseline-status', status === 'passed' || status === 'skipped', 'baseline.status', status, 'passed or skipped'),
        rule('session-start-hook', hook === 'ok', 'hooks["session.start"]', hook, 'ok'),
      ];
    }
    case 'tasks': {
      const status = (data.tool as Json).status;
      return [rule('tool-status', status === 'ok', 'tool.status', status, 'ok')];
    }
    case 'implement':
      return [
        rule('lock-status', data.lock_status === 'locked', 'lock_status', data.lock_status, 'locked'),
        rule('hook-status', data.hook_status === 'ok', 'hook_status', data.hook_status, 'ok'),
      ];
    case 'unlock':
      return [rule('unlock-status', data.unlock_status === 'unlocked', 'unlock_status', data.unlock_status, 'unlocked')];
    case 'validate':
    case 'audit': {
      const scenarios = data.scenarios as { name: string; status: string }[];
      const failed = scenarios.filter((scenario) => scenario.status === 'failed');
      const listing = (list: typeof scenarios) => list.map((scenario) => `${JSON.stringify(scenario.name)} ${scenario.status}`).join(', ');
      return [
        failed.length === 0
          ? { code: 'scenarios', holds: true, message: `every scenario passed or skipped (${listing(scenarios)})` }
          : {
              code: 'scenarios',
              holds: false,
              message: `${failed.length === 1 ? 'scenario' : 'scenarios'} ${listing(failed)}, and the Spec Kit advances only when every scenario passed or skipped`,
            },
      ];
    }
  }
}

function halNote(data: Json, flow: Flow): string | undefined {
  if (flow !== 'validate' && flow !== 'audit') return undefined;
  const summary = isObject(data.hal) ? (data.hal as Json).summary : undefined;
  if (!isObject(summary)) return undefined;
  return `hal.summary.status is ${quote(summary.status)}, which the Spec Kit only adds to its report`;
}

function count(issues: readonly SpecKitIssue[], noun: string): string {
  const shown = issues.slice(0, 3).map(issueLine).join('; ');
  const more = issues.length > 3 ? `; and ${issues.length - 3} more` : '';
  return `${issues.length} ${noun}${issues.length === 1 ? '' : 's'}: ${shown}${more}`;
}

/** Step 3: advance or halt. Schema or evidence errors halt before the stage's own rule is read. */
export function specKitOutcome(data: unknown, flow: Flow, schema: readonly SpecKitIssue[], evidence: EvidenceResult): SpecKitOutcome {
  const reasons: OutcomeReason[] = [];
  if (schema.length > 0) {
    reasons.push({ code: 'invalid-telemetry', holds: false, message: `the telemetry fails the Spec Kit's schema validation (${count(schema, 'error')})` });
  }
  if (evidence.issues.length > 0) {
    reasons.push({
      code: 'missing-evidence',
      holds: false,
      message: `the telemetry fails the Spec Kit's evidence validation (${count(evidence.issues, 'error')})`,
    });
  }
  if (schema.length === 0) reasons.push(...stageReasons(data as Json, flow));
  const failing = reasons.filter((reason) => !reason.holds);
  const decision: Decision = failing.length === 0 ? 'advance' : 'halt';
  const note = schema.length === 0 ? halNote(data as Json, flow) : undefined;
  return {
    decision,
    reasons,
    reason: (decision === 'halt' ? failing : reasons).map((reason) => reason.message).join('; '),
    ...(note !== undefined ? { halNote: note } : {}),
  };
}

// --- the whole reader -------------------------------------------------------

export interface SpecKitReading {
  flow: Flow;
  /** Step 1 errors; empty when the Spec Kit accepts the schema. */
  schema: SpecKitIssue[];
  /** Step 2. */
  evidence: EvidenceResult;
  /** The Spec Kit accepts the file: no schema and no evidence error. */
  valid: boolean;
  outcome: SpecKitOutcome;
}

/** Reads telemetry of one stage (a flow name) exactly as the Spec Kit does. Never throws. */
export function readAsSpecKit(data: unknown, flow: Flow, opts: EvidenceOptions): SpecKitReading {
  const schema = specKitSchemaIssues(data, flow);
  const evidence = specKitEvidence(data, flow, opts);
  return { flow, schema, evidence, valid: schema.length === 0 && evidence.issues.length === 0, outcome: specKitOutcome(data, flow, schema, evidence) };
}
