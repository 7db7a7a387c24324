// The evidence writer. A bundle is what a reviewer (or a CI artifact upload) gets
// after a run, so every file is written atomically, named so uploaders accept it,
// and an earlier bundle is never overwritten.
//
// Layout:
//   OUT/<SPEC-ID>/<pair-id>/pair.json
//   OUT/<SPEC-ID>/<pair-id>/<scenario>/<flow>/[phase-<n>-<name>/]
//       telemetry.json  journal.json  shim-log.jsonl  stdout.txt  stderr.txt  manifest.json
//       ...the guardrail's other files under safe names
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FLOWS, type Flow, type ShimCall } from './types.ts';

/** Name of the run's telemetry copy inside a bundle; check-telemetry looks for it. */
export const BUNDLE_TELEMETRY_NAME = 'telemetry.json';
export const MANIFEST_NAME = 'manifest.json';
export const PAIR_FILE_NAME = 'pair.json';

/** Names the writer itself uses in a run folder; copied files never take them. */
export const RESERVED_RUN_FILE_NAMES = [
  BUNDLE_TELEMETRY_NAME,
  'journal.json',
  'shim-log.jsonl',
  'stdout.txt',
  'stderr.txt',
  MANIFEST_NAME,
] as const;

// --- names -----------------------------------------------------------------

// Characters GitHub's upload-artifact (and Windows file systems) reject, plus path
// separators and every other control character, which would break the layout.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[:"<>|*?\\/\u0000-\u001f\u007f]/g;
/** Leaves room for the "-NN" a collision adds within the usual 255-byte name limit. */
const MAX_NAME_BYTES = 200;

/** A file name CI artifact uploaders accept; the same input always gives the same output. */
export function safeFileName(name: string): string {
  let safe = name.replace(UNSAFE_CHARS, '-');
  // Leading/trailing dots and spaces: hidden files, and names Windows silently trims.
  safe = safe.replace(/^[. ]+/, (m) => '-'.repeat(m.length)).replace(/[. ]+$/, (m) => '-'.repeat(m.length));
  if (safe === '') safe = 'unnamed';
  if (Buffer.byteLength(safe) > MAX_NAME_BYTES) {
    const ext = extOf(safe);
    const budget = MAX_NAME_BYTES - Buffer.byteLength(ext);
    let stem = '';
    let bytes = 0;
    // Cut by whole code points so the name stays valid UTF-8.
    for (const char of safe.slice(0, safe.length - ext.length)) {
      const size = Buffer.byteLength(char);
      if (bytes + size > budget) break;
      stem += char;
      bytes += size;
    }
    safe = stem + ext;
  }
  return safe;
}

function extOf(name: string): string {
  const ext = extname(name);
  // Keep only short, plain extensions; "a.b c d" has no extension worth preserving.
  return /^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : '';
}

/**
 * safeFileName, made unique against `used` (compared case-insensitively, since
 * artifact stores and macOS/Windows disks are): `a.json`, `a-2.json`, `a-3.json`.
 * The chosen name is added to `used`.
 */
export function uniqueSafeFileName(name: string, used: Set<string>): string {
  const safe = safeFileName(name);
  const taken = new Set([...used].map((n) => n.toLowerCase()));
  let candidate = safe;
  if (taken.has(candidate.toLowerCase())) {
    const ext = extOf(safe);
    const stem = safe.slice(0, safe.length - ext.length);
    for (let n = 2; ; n++) {
      candidate = `${stem}-${n}${ext}`;
      if (!taken.has(candidate.toLowerCase())) break;
    }
  }
  used.add(candidate);
  return candidate;
}

// --- atomic writes ---------------------------------------------------------

function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms cannot open a folder, which is harmless.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

/** Writes via a temp file in the same folder + fsync + rename: the final name never holds a partial file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempNameFor(path);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dirname(path));
}

export interface CopiedFile {
  bytes: number;
  sha256: string;
}

/** Copies a file atomically (same guarantees as writeFileAtomic) and hashes it on the way. */
export async function copyFileAtomic(source: string, dest: string): Promise<CopiedFile> {
  const temp = tempNameFor(dest);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      for await (const chunk of createReadStream(source)) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        await handle.write(buffer);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dirname(dest));
  return { bytes, sha256: hash.digest('hex') };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

// --- bundles ---------------------------------------------------------------

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

/** `<UTC yyyymmddThhmmssZ>-<6 random hex>`: sorts by time, and two runs in one second still differ. */
export function newPairId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface PhaseRef {
  /** 1-based position of the phase in the timeline. */
  number: number;
  name: string;
}

/** `phase-<n>-<name>`, or just `phase-<n>` when the name is the default one. */
export function phaseDirName(phase: PhaseRef): string {
  if (!Number.isInteger(phase.number) || phase.number < 1) {
    throw new EvidenceError(`phase number must be a whole number >= 1, got ${phase.number}`);
  }
  const base = `phase-${phase.number}`;
  return phase.name === base || phase.name === '' ? base : safeFileName(`${base}-${phase.name}`);
}

export interface EvidenceBundle {
  readonly dir: string;
  readonly specId: string;
  readonly pairId: string;
  /** Creates and returns the run folder; refuses one that already exists in this bundle. */
  runDir(scenario: string, flow: Flow, phase?: PhaseRef): Promise<string>;
  /** Writes pair.json; the bundle takes no more runs afterwards. */
  finalize(runs: readonly PairRunInput[]): Promise<string>;
}

export async function createBundle(outDir: string, specId: string, pairId?: string): Promise<EvidenceBundle> {
  if (!FOLDER_NAME.test(specId)) {
    throw new EvidenceError(
      `spec id ${JSON.stringify(specId)} cannot be a folder name; use letters, digits, ".", "_" and "-" (like SPEC-KIT-018)`,
    );
  }
  const id = pairId ?? newPairId();
  if (!FOLDER_NAME.test(id)) {
    throw new EvidenceError(
      `pair id ${JSON.stringify(id)} cannot be a folder name; use letters, digits, ".", "_" and "-", or leave it out for a generated one`,
    );
  }
  const specDir = resolve(outDir, specId);
  const dir = join(specDir, id);
  await mkdir(specDir, { recursive: true });
  try {
    // Non-recursive mkdir fails if the folder exists, so two writers cannot share a bundle.
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new EvidenceError(
        `evidence bundle ${dir} already exists and is never overwritten; pick another pair id or output folder, or move the old bundle away`,
      );
    }
    throw error;
  }

  let finalized = false;
  return {
    dir,
    specId,
    pairId: id,
    async runDir(scenario: string, flow: Flow, phase?: PhaseRef): Promise<string> {
      if (finalized) throw new EvidenceError(`bundle ${dir} is finalized; create a new bundle for more runs`);
      if (!FLOWS.includes(flow)) throw new EvidenceError(`unknown flow ${JSON.stringify(flow)}; use one of ${FLOWS.join(', ')}`);
      const parts = [safeFileName(scenario), flow];
      if (phase !== undefined) parts.push(phaseDirName(phase));
      const runPath = join(dir, ...parts);
      await mkdir(dirname(runPath), { recursive: true });
      try {
        await mkdir(runPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new EvidenceError(
            `run folder ${runPath} already exists in this bundle; each (scenario, flow, phase) is recorded once`,
          );
        }
        throw error;
      }
      return runPath;
    },
    async finalize(runs: readonly PairRunInput[]): Promise<string> {
      if (finalized) throw new EvidenceError(`bundle ${dir} is already finalized`);
      const path = await writePairFile(dir, runs);
      finalized = true;
      return path;
    },
  };
}

// --- run evidence ----------------------------------------------------------

export interface RunEvidenceInput {
  scenario: string;
  phase?: string;
  flow: Flow;
  exitCode: number | null;
  durationMs: number;
  /** Absolute path of the telemetry the guardrail wrote; copied as telemetry.json. */
  telemetryPath?: string | null;
  /** Other files the guardrail produced (log, baseline report, HAL captures), absolute. */
  files?: readonly string[];
  journal: readonly unknown[];
  /** Shim log lines: JSON text or ShimCall objects. */
  shimLines: readonly (string | ShimCall)[];
  stdout: string;
  stderr: string;
  /** SPEC_OPS_TELEMETRY_HAL of the run; check-telemetry reads it back from the manifest. */
  telemetryHal?: boolean;
  /** More manifest fields; they may not reuse a field the writer sets. */
  extra?: Record<string, unknown>;
}

export interface ManifestFile {
  name: string;
  original: string;
  source: string;
  bytes: number;
  sha256: string;
}

export interface RunManifest {
  scenario: string;
  phase?: string;
  flow: Flow;
  exitCode: number | null;
  durationMs: number;
  telemetryHal?: boolean;
  /** Bundle name of the telemetry copy, or null when the run wrote none. */
  telemetry: string | null;
  files: ManifestFile[];
  /** Sources that could not be copied, and why. */
  skipped: { source: string; reason: string }[];
  [extra: string]: unknown;
}

function shimLine(line: string | ShimCall): string {
  return typeof line === 'string' ? line.replace(/\r?\n$/, '') : JSON.stringify(line);
}

/** Copies the run's files into `runDir` and writes the journal, shim log, output and manifest. */
export async function writeRunEvidence(runDir: string, input: RunEvidenceInput): Promise<RunManifest> {
  const used = new Set<string>(RESERVED_RUN_FILE_NAMES);
  const files: ManifestFile[] = [];
  const skipped: { source: string; reason: string }[] = [];
  const seen = new Set<string>();

  const copy = async (source: string, name: string): Promise<boolean> => {
    try {
      if (!isAbsolute(source)) throw new Error('path is not absolute; pass absolute paths');
      const info = await stat(source);
      if (!info.isFile()) throw new Error('not a regular file');
      const { bytes, sha256 } = await copyFileAtomic(source, join(runDir, name));
      files.push({ name, original: basename(source), source, bytes, sha256 });
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      skipped.push({
        source,
        reason: code === 'ENOENT' ? 'file not found' : error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  };

  let telemetry: string | null = null;
  if (input.telemetryPath) {
    const source = resolve(input.telemetryPath);
    seen.add(source);
    // Copied byte for byte: paths inside stay as the guardrail wrote them.
    if (await copy(input.telemetryPath, BUNDLE_TELEMETRY_NAME)) telemetry = BUNDLE_TELEMETRY_NAME;
  }
  for (const file of input.files ?? []) {
    const key = resolve(file);
    if (seen.has(key)) continue;
    seen.add(key);
    await copy(file, uniqueSafeFileName(basename(file), used));
  }

  await writeFileAtomic(join(runDir, 'journal.json'), json(input.journal));
  await writeFileAtomic(
    join(runDir, 'shim-log.jsonl'),
    input.shimLines.map((line) => `${shimLine(line)}\n`).join(''),
  );
  await writeFileAtomic(join(runDir, 'stdout.txt'), input.stdout);
  await writeFileAtomic(join(runDir, 'stderr.txt'), input.stderr);

  const manifest: RunManifest = {
    scenario: input.scenario,
    ...(input.phase !== undefined ? { phase: input.phase } : {}),
    flow: input.flow,
    exitCode: input.exitCode,
    durationMs: input.durationMs,
    ...(input.telemetryHal !== undefined ? { telemetryHal: input.telemetryHal } : {}),
    telemetry,
    files,
    skipped,
  };
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    if (key in manifest || ['phase', 'telemetryHal'].includes(key)) {
      throw new EvidenceError(`manifest field ${JSON.stringify(key)} is set by the evidence writer; rename the extra field`);
    }
    manifest[key] = value;
  }
  // Written last: a run folder with a manifest is complete.
  await writeFileAtomic(join(runDir, MANIFEST_NAME), json(manifest));
  return manifest;
}

// --- pair.json -------------------------------------------------------------

export interface PairRunInput {
  scenario: string;
  phase?: string;
  flow: Flow;
  /** Status the telemetry reported (hal.summary.status or the scenario status); null when there was none. */
  status: string | null;
  /** Status a correct guardrail reports for this scenario/phase. */
  expectedStatus: 'passed' | 'failed';
  exitCode: number | null;
  /** Absolute, or already relative to the bundle. */
  evidenceDir: string;
}

export interface PairFlow {
  runs: {
    scenario: string;
    phase?: string;
    status: string | null;
    expectedStatus: 'passed' | 'failed';
    exitCode: number | null;
    evidenceDir: string;
  }[];
  /** Reported statuses in run order, e.g. "passed→failed→passed"; "none" where telemetry gave none. */
  transition: string;
  expectedTransition: string;
  matched: boolean;
}

export interface PairFile {
  specId: string;
  pairId: string;
  flows: Partial<Record<Flow, PairFlow>>;
}

export const TRANSITION_ARROW = '→';

export function transitionString(statuses: readonly (string | null)[]): string {
  return statuses.map((s) => s ?? 'none').join(TRANSITION_ARROW);
}

export function buildPairFile(bundleDir: string, runs: readonly PairRunInput[]): PairFile {
  const root = resolve(bundleDir);
  const flows: Partial<Record<Flow, PairFlow>> = {};
  // FLOWS order, not input order, so pair.json reads the same way every time.
  for (const flow of FLOWS) {
    const mine = runs.filter((run) => run.flow === flow);
    if (mine.length === 0) continue;
    const transition = transitionString(mine.map((run) => run.status));
    const expectedTransition = transitionString(mine.map((run) => run.expectedStatus));
    flows[flow] = {
      runs: mine.map((run) => {
        const rel = isAbsolute(run.evidenceDir) ? relative(root, run.evidenceDir) : run.evidenceDir;
        return {
          scenario: run.scenario,
          ...(run.phase !== undefined ? { phase: run.phase } : {}),
          status: run.status,
          expectedStatus: run.expectedStatus,
          exitCode: run.exitCode,
          // Forward slashes whatever the host, so the file means the same after upload.
          evidenceDir: rel.split(sep).join('/'),
        };
      }),
      transition,
      expectedTransition,
      matched: transition === expectedTransition,
    };
  }
  return { specId: basename(dirname(root)), pairId: basename(root), flows };
}

/** Writes `<bundleDir>/pair.json` and returns its path. */
export async function writePairFile(bundleDir: string, runs: readonly PairRunInput[]): Promise<string> {
  const path = join(bundleDir, PAIR_FILE_NAME);
  await writeFileAtomic(path, json(buildPairFile(bundleDir, runs)));
  return path;
}
