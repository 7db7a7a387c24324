// The evidence writer. A bundle is what a reviewer (or a CI artifact upload) gets
// after a run, so every file is written atomically, named so uploaders accept it,
// and an earlier bundle is never overwritten.
//
// Layout:
//   OUT/<SPEC-ID>/<pair-id>/pair.json
//   OUT/<SPEC-ID>/<pair-id>/<scenario>/<flow>/[phase-<n>-<name>/]
//       telemetry.json  journal.json  shim-log.jsonl  stdout.txt  stderr.txt  manifest.json
//       ...the guardrail's other files under safe names
import { randomBytes } from 'node:crypto';
import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { copyFileAtomic, writeFileAtomic } from '../../common/atomic-files.ts';
import { FLOWS, type Flow, type ShimCall } from '../run/types.ts';
import { BUNDLE_TELEMETRY_NAME, JOURNAL_NAME, MANIFEST_NAME, RESERVED_RUN_FILE_NAMES, SHIM_LOG_NAME, STDERR_NAME, STDOUT_NAME } from './bundle-names.ts';
import { type PairRunInput, writePairFile } from './pair-file.ts';
import { safeFileName, uniqueSafeFileName } from './safe-names.ts';

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
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
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

/** The spec id names a folder of the evidence: refused when it cannot be one. */
export function checkSpecId(specId: string): void {
  if (!FOLDER_NAME.test(specId)) {
    throw new EvidenceError(`spec id ${JSON.stringify(specId)} cannot be a folder name; use letters, digits, ".", "_" and "-" (like SPEC-KIT-018)`);
  }
}

export async function createBundle(outDir: string, specId: string, pairId?: string): Promise<EvidenceBundle> {
  checkSpecId(specId);
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
          throw new EvidenceError(`run folder ${runPath} already exists in this bundle; each (scenario, flow, phase) is recorded once`);
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
  /**
   * The run's repository copy. When given, each file under it gets its `repoPath`, and the
   * manifest keeps the copy's root(s) in `repoCopy`, so the files can later be put back
   * into a real repository (run --export-evidence) and the telemetry's paths rewritten.
   */
  repoDir?: string;
}

export interface ManifestFile {
  name: string;
  original: string;
  source: string;
  bytes: number;
  sha256: string;
  /** Where the guardrail wrote it, relative to the repository root (forward slashes); only under `repoDir`. */
  repoPath?: string;
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
  /** The repository copy's root as given and as resolved through symlinks (see RunEvidenceInput.repoDir). */
  repoCopy?: string[];
  [extra: string]: unknown;
}

function shimLine(line: string | ShimCall): string {
  return typeof line === 'string' ? line.replace(/\r?\n$/, '') : JSON.stringify(line);
}

/** Copies the run's files into `runDir` and writes the journal, shim log, output and manifest. */
export async function writeRunEvidence(runDir: string, input: RunEvidenceInput): Promise<RunManifest> {
  const used = new Set<string>(RESERVED_RUN_FILE_NAMES);
  const roots =
    input.repoDir === undefined ? [] : [...new Set([resolve(input.repoDir), await realpath(input.repoDir).catch(() => resolve(input.repoDir as string))])];
  const repoPathOf = (source: string): string | undefined => {
    for (const root of roots) {
      const rel = relative(root, source);
      if (rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return rel.split(sep).join('/');
    }
    return undefined;
  };
  const files: ManifestFile[] = [];
  const skipped: { source: string; reason: string }[] = [];
  const seen = new Set<string>();

  const copy = async (source: string, name: string): Promise<boolean> => {
    try {
      if (!isAbsolute(source)) throw new Error('path is not absolute; pass absolute paths');
      const info = await stat(source);
      if (!info.isFile()) throw new Error('not a regular file');
      const { bytes, sha256 } = await copyFileAtomic(source, join(runDir, name));
      const repoPath = repoPathOf(resolve(source));
      files.push({ name, original: basename(source), source, bytes, sha256, ...(repoPath !== undefined ? { repoPath } : {}) });
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

  await writeFileAtomic(join(runDir, JOURNAL_NAME), json(input.journal));
  await writeFileAtomic(join(runDir, SHIM_LOG_NAME), input.shimLines.map((line) => `${shimLine(line)}\n`).join(''));
  await writeFileAtomic(join(runDir, STDOUT_NAME), input.stdout);
  await writeFileAtomic(join(runDir, STDERR_NAME), input.stderr);

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
    ...(roots.length > 0 ? { repoCopy: roots } : {}),
  };
  for (const [key, value] of Object.entries(input.extra ?? {})) {
    if (key in manifest || ['phase', 'telemetryHal', 'repoCopy'].includes(key)) {
      throw new EvidenceError(`manifest field ${JSON.stringify(key)} is set by the evidence writer; rename the extra field`);
    }
    manifest[key] = value;
  }
  // Written last: a run folder with a manifest is complete.
  await writeFileAtomic(join(runDir, MANIFEST_NAME), json(manifest));
  return manifest;
}
