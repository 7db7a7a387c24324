// Bounded, never-throwing reads of one bundle file. A bundle comes from another
// machine, an interrupted run or an older harness, so every way a file can be
// unusable becomes a problem that names the file, says what is wrong and what to do.
//
// Reads are synchronous on purpose: gaps and knobs judge runs in plain functions, and
// every file is capped, so one read cannot stall the process for long.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_TELEMETRY_BYTES } from '../../telemetry/telemetry-files.ts';

export type BundleProblemKind = 'missing' | 'unreadable' | 'too-large' | 'not-json' | 'wrong-shape' | 'outside-bundle';

export interface BundleProblem {
  /** The file or folder concerned. */
  path: string;
  kind: BundleProblemKind;
  /** What is wrong, in words. */
  problem: string;
  /** What to do about it. */
  fix: string;
}

/** "<path>: <problem>; <fix>", one line. */
export function problemLine(problem: BundleProblem): string {
  return `${problem.path}: ${problem.problem}; ${problem.fix}`;
}

const MIB = 1024 * 1024;

/** Largest file of each kind the reader takes in; a bigger one is a runaway writer, not evidence. */
export interface BundleLimits {
  report: number;
  pair: number;
  manifest: number;
  telemetry: number;
  journal: number;
  shimLog: number;
  /** stdout.txt, stderr.txt and other text: read up to this, the rest is cut, not refused. */
  text: number;
  /** Files listed by a bundle walk; the listing stops there. */
  listedFiles: number;
}

export const DEFAULT_BUNDLE_LIMITS: Readonly<BundleLimits> = {
  report: 32 * MIB,
  pair: 4 * MIB,
  manifest: 4 * MIB,
  telemetry: MAX_TELEMETRY_BYTES,
  // The mock keeps at most its journal size of entries, each with a redacted body.
  journal: 32 * MIB,
  shimLog: 8 * MIB,
  text: 1 * MIB,
  listedFiles: 5_000,
};

export function limitsWith(overrides: Partial<BundleLimits> | undefined): BundleLimits {
  return { ...DEFAULT_BUNDLE_LIMITS, ...overrides };
}

export interface TextRead {
  path: string;
  /** Size on disk; null when the file could not be opened. */
  bytes: number | null;
  /** The text, or its first `limit` bytes when `truncated`; null when nothing could be read. */
  text: string | null;
  truncated: boolean;
  problem: BundleProblem | null;
}

export interface JsonRead extends TextRead {
  /** True when `value` holds the parsed document (the file was read whole and is JSON). */
  parsed: boolean;
  value: unknown;
}

function mib(bytes: number): string {
  return bytes < MIB ? `${bytes} bytes` : `${(bytes / MIB).toFixed(1)} MiB`;
}

function ioProblem(path: string, error: unknown, what: string): BundleProblem {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return { path, kind: 'missing', problem: `${what} not found`, fix: 'check the bundle is complete (re-download the artifact, or re-run the harness)' };
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return { path, kind: 'unreadable', problem: `${what} is not readable (permission denied)`, fix: 'fix its permissions' };
  }
  return {
    path,
    kind: 'unreadable',
    problem: `${what} could not be read (${code ?? (error instanceof Error ? error.message : String(error))})`,
    fix: 'check the file is a regular file on a working disk',
  };
}

/**
 * Reads at most `limit` bytes of a file. A larger file keeps its head as text and gets
 * a `too-large` problem when `refuseOver` is set; otherwise it is just marked truncated.
 */
export function readTextFile(path: string, limit: number, what = 'file', refuseOver = false): TextRead {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const info = fstatSync(fd);
    if (!info.isFile()) {
      return {
        path,
        bytes: null,
        text: null,
        truncated: false,
        problem: { path, kind: 'unreadable', problem: `${what} is not a regular file`, fix: 'remove what is there; the harness writes a file by that name' },
      };
    }
    // One byte past the limit tells a file that grew after fstat from one that fits.
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    let total = 0;
    while (total < buffer.length) {
      const n = readSync(fd, buffer, total, buffer.length - total, total);
      if (n === 0) break;
      total += n;
    }
    const truncated = total > limit;
    const text = buffer.subarray(0, Math.min(total, limit)).toString('utf8');
    const bytes = Math.max(info.size, total);
    const problem: BundleProblem | null =
      truncated && refuseOver
        ? {
            path,
            kind: 'too-large',
            problem: `${what} is ${mib(bytes)}, over the ${mib(limit)} the reader takes in`,
            fix: 'the writer ran away (look at what it appended); the file is still there to inspect by hand',
          }
        : null;
    return { path, bytes, text, truncated, problem };
  } catch (error) {
    return { path, bytes: null, text: null, truncated: false, problem: ioProblem(path, error, what) };
  } finally {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // The read is already decided; a failing close changes nothing for the caller.
      }
    }
  }
}

/** Reads and parses a JSON file of at most `limit` bytes. Never throws. */
export function readJsonFile(path: string, limit: number, what = 'file'): JsonRead {
  const read = readTextFile(path, limit, what, true);
  if (read.problem !== null || read.text === null) return { ...read, parsed: false, value: undefined };
  try {
    // A leading BOM is legal in a file but not in JSON.parse.
    return { ...read, parsed: true, value: JSON.parse(read.text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ...read,
      parsed: false,
      value: undefined,
      problem: {
        path,
        kind: 'not-json',
        problem: read.text.trim() === '' ? `${what} is empty` : `${what} is not valid JSON (${message})`,
        fix: 'the writer was probably killed mid-write; re-run the harness for a complete bundle',
      },
    };
  }
}

export function wrongShape(path: string, problem: string, fix: string): BundleProblem {
  return { path, kind: 'wrong-shape', problem, fix };
}

// --- value helpers: read fields of untrusted JSON without casts ------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** True for a name that stays in its folder: no separators, not "." or "..". */
export function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !/[\\/]/.test(name);
}
