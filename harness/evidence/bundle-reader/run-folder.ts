// Reads one run folder (what writeRunEvidence leaves) into typed data. Fields the
// evidence writer added over time (repoCopy, repoPath, telemetryHal, the manifest's
// extras) may be absent in an older bundle; they come back absent, never invented.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../../../mock-hal/index.ts';
import { FLOWS, type Flow, type ShimCall } from '../../run/types.ts';
import { BUNDLE_TELEMETRY_NAME, JOURNAL_NAME, MANIFEST_NAME, SHIM_LOG_NAME, STDERR_NAME, STDOUT_NAME } from '../bundle-names.ts';
import type { ManifestFile, RunManifest } from '../evidence.ts';
import {
  type BundleLimits,
  type BundleProblem,
  isPlainName,
  isRecord,
  type JsonRead,
  limitsWith,
  num,
  readJsonFile,
  readTextFile,
  str,
  strOrNull,
  type TextRead,
  wrongShape,
} from './files.ts';

/**
 * A manifest as read back (RunManifest's fields): the flow is null when the file names
 * none the harness knows, and durationMs NaN when it gives none.
 */
export interface BundleManifest {
  scenario: string;
  phase?: string;
  flow: Flow | null;
  exitCode: number | null;
  durationMs: number;
  telemetryHal?: boolean;
  telemetry: RunManifest['telemetry'];
  files: ManifestFile[];
  skipped: RunManifest['skipped'];
  repoCopy?: string[];
  /** The runner's extras (timedOut, reportedStatus, expect, ...), unchecked. */
  [extra: string]: unknown;
}

export interface RunFolder {
  dir: string;
  /** Null when manifest.json is missing or unusable (an interrupted run writes none: it comes last). */
  manifest: BundleManifest | null;
  /** Name of the telemetry copy in the folder; null when the run wrote none. */
  telemetryName: string | null;
  /** The telemetry copy as read; null when the run wrote none. */
  telemetry: JsonRead | null;
  /** The mock's request journal; null when journal.json is missing or not a list. */
  journal: JournalEntry[] | null;
  shimCalls: ShimCall[];
  stdout: TextRead;
  stderr: TextRead;
  /** Everything that was missing or malformed, in reading order. */
  problems: BundleProblem[];
}

export interface ReadOptions {
  limits?: Partial<BundleLimits>;
}

const RERUN = 're-run the harness for a complete bundle';

function toManifestFile(value: unknown): ManifestFile | null {
  if (!isRecord(value) || typeof value.name !== 'string' || !isPlainName(value.name) || typeof value.source !== 'string') return null;
  return {
    name: value.name,
    original: str(value.original, value.name),
    source: value.source,
    bytes: num(value.bytes) ?? 0,
    sha256: str(value.sha256),
    ...(typeof value.repoPath === 'string' ? { repoPath: value.repoPath } : {}),
  };
}

/** Checks and narrows a parsed manifest.json; fields it cannot use become problems. */
export function toManifest(value: unknown, path: string, problems: BundleProblem[]): BundleManifest | null {
  if (!isRecord(value)) {
    problems.push(wrongShape(path, 'manifest is not a JSON object', RERUN));
    return null;
  }
  const flow = typeof value.flow === 'string' && (FLOWS as readonly string[]).includes(value.flow) ? (value.flow as Flow) : null;
  if (flow === null)
    problems.push(
      wrongShape(path, `manifest names no known flow (got ${JSON.stringify(value.flow) ?? 'nothing'})`, `use one of ${FLOWS.join(', ')}, or ${RERUN}`),
    );
  const rawFiles = Array.isArray(value.files) ? value.files : [];
  const files = rawFiles.map(toManifestFile).filter((file): file is ManifestFile => file !== null);
  if (files.length < rawFiles.length) {
    problems.push(
      wrongShape(
        path,
        `${rawFiles.length - files.length} of ${rawFiles.length} "files" entries lack a plain file name or a source`,
        'those files are left out; do not edit manifests by hand',
      ),
    );
  }
  let telemetry: string | null;
  if (value.telemetry === null) telemetry = null;
  else if (typeof value.telemetry === 'string' && isPlainName(value.telemetry)) telemetry = value.telemetry;
  else {
    if (value.telemetry !== undefined)
      problems.push(
        wrongShape(
          path,
          `"telemetry" is not a file name in the run folder (got ${JSON.stringify(value.telemetry)})`,
          `looking for ${BUNDLE_TELEMETRY_NAME} instead`,
        ),
      );
    // Before the field existed the copy always had the one name.
    telemetry = BUNDLE_TELEMETRY_NAME;
  }
  const skipped = (Array.isArray(value.skipped) ? value.skipped : [])
    .filter(isRecord)
    .map((entry) => ({ source: str(entry.source), reason: str(entry.reason) }));
  const repoCopy = Array.isArray(value.repoCopy) ? value.repoCopy.filter((root): root is string => typeof root === 'string' && root !== '') : undefined;
  // Fields the kit does not know are kept for newer tools; the known ones only when well-typed.
  const { telemetryHal, phase, repoCopy: _rawRepoCopy, ...unknownFields } = value;
  return {
    ...unknownFields,
    scenario: str(value.scenario, '?'),
    ...(typeof phase === 'string' ? { phase } : {}),
    flow,
    exitCode: num(value.exitCode),
    durationMs: num(value.durationMs) ?? Number.NaN,
    ...(typeof telemetryHal === 'boolean' ? { telemetryHal } : {}),
    telemetry,
    files,
    skipped,
    ...(repoCopy !== undefined ? { repoCopy } : {}),
  };
}

const FAULTS = new Set(['hang', 'reset', 'client-gone']);

function stringRecord(value: unknown): Record<string, string> {
  return isRecord(value) ? Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : {};
}

/**
 * One journal entry with every field of the current type. What an older mock did not
 * record reads as unknown: time "", durationMs NaN, scenario/phase "".
 */
export function toJournalEntry(value: Record<string, unknown>, index: number): JournalEntry {
  const entry: JournalEntry = {
    ...value,
    id: num(value.id) ?? index + 1,
    time: str(value.time),
    method: str(value.method, '?'),
    path: str(value.path, '?'),
    query: stringRecord(value.query),
    headers: stringRecord(value.headers),
    body: str(value.body),
    bodyIsJson: typeof value.bodyIsJson === 'boolean' ? value.bodyIsJson : null,
    check: strOrNull(value.check),
    scenario: str(value.scenario),
    phase: str(value.phase),
    status: num(value.status),
    durationMs: num(value.durationMs) ?? Number.NaN,
  };
  const graphql = value.graphql;
  if (isRecord(graphql) && typeof graphql.parseable === 'boolean') {
    entry.graphql = {
      parseable: graphql.parseable,
      operation: strOrNull(graphql.operation),
      query: strOrNull(graphql.query),
      ...(typeof graphql.error === 'string' ? { error: graphql.error } : {}),
    };
  } else delete entry.graphql;
  // Judges test `fault !== undefined`, so an unknown fault must not survive the spread.
  if (typeof value.fault === 'string' && FAULTS.has(value.fault)) entry.fault = value.fault as JournalEntry['fault'];
  else delete entry.fault;
  return entry;
}

function readJournal(path: string, limit: number, problems: BundleProblem[]): JournalEntry[] | null {
  const read = readJsonFile(path, limit, JOURNAL_NAME);
  if (read.problem !== null) {
    problems.push(read.problem);
    return null;
  }
  if (!Array.isArray(read.value)) {
    problems.push(wrongShape(path, 'journal is not a JSON list of requests', RERUN));
    return null;
  }
  const entries = read.value.filter(isRecord);
  if (entries.length < read.value.length) {
    problems.push(wrongShape(path, `${read.value.length - entries.length} journal entries are not objects`, 'they are left out of the timeline'));
  }
  return entries.map(toJournalEntry);
}

function isShimCall(value: unknown): value is ShimCall {
  return isRecord(value) && (value.shim === 'cargo' || value.shim === 'npx') && Array.isArray(value.argv) && value.argv.every((arg) => typeof arg === 'string');
}

function readShimLog(path: string, limit: number, problems: BundleProblem[]): ShimCall[] {
  const read = readTextFile(path, limit, SHIM_LOG_NAME, true);
  if (read.problem !== null || read.text === null) {
    if (read.problem !== null) problems.push(read.problem);
    return [];
  }
  const calls: ShimCall[] = [];
  let bad = 0;
  for (const line of read.text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isShimCall(value)) calls.push(value);
      else bad++;
    } catch {
      bad++;
    }
  }
  if (bad > 0)
    problems.push(
      wrongShape(
        path,
        `${bad} line${bad === 1 ? ' is' : 's are'} not a shim call (JSON with "shim" and "argv")`,
        'they are left out; the other calls are kept',
      ),
    );
  return calls;
}

/** Reads just a run folder's manifest.json. Never throws; `problems` says why it is null. */
export function readRunManifest(dir: string, options: ReadOptions = {}): { manifest: BundleManifest | null; problems: BundleProblem[] } {
  const problems: BundleProblem[] = [];
  const path = join(dir, MANIFEST_NAME);
  const read = readJsonFile(path, limitsWith(options.limits).manifest, MANIFEST_NAME);
  if (read.problem !== null) {
    problems.push(
      read.problem.kind === 'missing'
        ? {
            ...read.problem,
            problem: `${MANIFEST_NAME} not found: the run did not finish writing its evidence (the manifest is written last)`,
            fix: `the other files may be incomplete; ${RERUN}`,
          }
        : read.problem,
    );
    return { manifest: null, problems };
  }
  return { manifest: toManifest(read.value, path, problems), problems };
}

/** Reads a run folder. Never throws: whatever is missing or malformed is listed in `problems`. */
export function readRunFolder(dir: string, options: ReadOptions = {}): RunFolder {
  const limits = limitsWith(options.limits);
  const problems: BundleProblem[] = [];
  const { manifest, problems: manifestProblems } = readRunManifest(dir, options);
  problems.push(...manifestProblems);

  // Without a manifest, a telemetry.json in the folder is still the run's copy.
  const telemetryName = manifest !== null ? manifest.telemetry : existsSync(join(dir, BUNDLE_TELEMETRY_NAME)) ? BUNDLE_TELEMETRY_NAME : null;
  let telemetry: JsonRead | null = null;
  if (telemetryName !== null) {
    telemetry = readJsonFile(join(dir, telemetryName), limits.telemetry, 'telemetry copy');
    if (telemetry.problem !== null) problems.push(telemetry.problem);
  }

  const journal = readJournal(join(dir, JOURNAL_NAME), limits.journal, problems);
  const shimCalls = readShimLog(join(dir, SHIM_LOG_NAME), limits.shimLog, problems);
  const stdout = readTextFile(join(dir, STDOUT_NAME), limits.text, STDOUT_NAME);
  const stderr = readTextFile(join(dir, STDERR_NAME), limits.text, STDERR_NAME);
  for (const output of [stdout, stderr]) if (output.problem !== null) problems.push(output.problem);
  return { dir, manifest, telemetryName, telemetry, journal, shimCalls, stdout, stderr, problems };
}

/** The text of a file the run copied into its folder (by its manifest name), cut at the text limit. */
export function readRunFileText(dir: string, name: string, options: ReadOptions = {}): TextRead {
  const path = join(dir, name);
  if (!isPlainName(name)) {
    return {
      path,
      bytes: null,
      text: null,
      truncated: false,
      problem: { path, kind: 'outside-bundle', problem: `${JSON.stringify(name)} is not a file name in the run folder`, fix: 'name a file the manifest lists' },
    };
  }
  return readTextFile(path, limitsWith(options.limits).text, name);
}
