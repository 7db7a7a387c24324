// What check-telemetry needs to know about a telemetry file besides its content:
// which stage it belongs to, which repository its relative artifact paths resolve
// from, and, for a copy in a harness evidence bundle, what the bundle's manifest says.
//
// The repo root, in order:
//   1. `--repo DIR`, when given;
//   2. for a bundle copy: the repository the run wrote into, read from the original
//      telemetry path in manifest.json (the part before docs/SPEC-OPS-004-integrated-coder-hooks/);
//   3. the nearest folder above the file that holds docs/SPEC-OPS-004-integrated-coder-hooks
//      (the guardrails write into <repo>/docs/SPEC-OPS-004-integrated-coder-hooks/evidence/...);
//   4. the current folder (the Spec Kit runs from the repository root).
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { BUNDLE_TELEMETRY_NAME } from '../evidence/bundle-names.ts';
import { readRunManifest } from '../evidence/bundle-reader.ts';
import type { Flow } from '../run/types.ts';

/** The folder the guardrails keep their evidence under, relative to the repository root. */
export const GUARDRAIL_DOCS_DIR = join('docs', 'SPEC-OPS-004-integrated-coder-hooks');

export type RepoRootSource = 'flag' | 'bundle' | 'found' | 'cwd';

export interface RepoRoot {
  dir: string;
  source: RepoRootSource;
  /** How it was chosen, in words. */
  why: string;
}

/** What a bundle's manifest.json says about the telemetry.json beside it. */
export interface BundleInfo {
  flow?: Flow;
  telemetryHal?: boolean;
  /** Original absolute path of each file the run wrote → its copy in the bundle. */
  copies: Map<string, string>;
  /** Root of the (temporary) repository the run wrote into, when the manifest tells it. */
  originalRepoRoot?: string;
}

/** The repository root in a path that runs through docs/SPEC-OPS-004-integrated-coder-hooks, read from the text alone. */
export function repoRootInPath(path: string): string | null {
  const marker = `${sep}${GUARDRAIL_DOCS_DIR}${sep}`;
  const at = resolve(path).lastIndexOf(marker);
  return at < 0 ? null : resolve(path).slice(0, at) || sep;
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The nearest folder at or above `file`'s folder that holds docs/SPEC-OPS-004-integrated-coder-hooks. */
export async function findRepoRoot(file: string, cache = new Map<string, string | null>()): Promise<string | null> {
  const visited: string[] = [];
  let dir = dirname(resolve(file));
  let found: string | null = null;
  for (;;) {
    const known = cache.get(dir);
    if (known !== undefined) {
      found = known;
      break;
    }
    visited.push(dir);
    if (await isDir(join(dir, GUARDRAIL_DOCS_DIR))) {
      found = dir;
      break;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const seen of visited) cache.set(seen, found);
  return found;
}

/** The manifest of a bundle copy (telemetry.json), or null when the file is not one. Never throws. */
export async function bundleInfo(telemetryPath: string): Promise<BundleInfo | null> {
  if (basename(telemetryPath) !== BUNDLE_TELEMETRY_NAME) return null;
  const runDir = dirname(telemetryPath);
  // No usable manifest (not a bundle, or an interrupted run): judge the file on its own.
  const { manifest } = readRunManifest(runDir);
  if (manifest === null) return null;
  const info: BundleInfo = { copies: new Map() };
  if (manifest.flow !== null) info.flow = manifest.flow;
  if (manifest.telemetryHal !== undefined) info.telemetryHal = manifest.telemetryHal;
  // Newer manifests name the repository copy's root(s) (as given and through symlinks)
  // and each file's place in it; older ones only the file's source path.
  const roots = manifest.repoCopy ?? [];
  if (roots[0] !== undefined) info.originalRepoRoot = resolve(roots[0]);
  // The reader keeps only entries whose name is a plain file name in the run folder.
  for (const { name, source, repoPath } of manifest.files) {
    const copy = join(runDir, name);
    info.copies.set(resolve(source), copy);
    if (repoPath !== undefined) for (const root of roots) info.copies.set(resolve(root, repoPath), copy);
    if (name === BUNDLE_TELEMETRY_NAME && info.originalRepoRoot === undefined) {
      const root = repoRootInPath(source);
      if (root !== null) info.originalRepoRoot = root;
    }
  }
  return info;
}

/** Where relative artifact paths of `file` resolve from, and why (see the top of this file). */
export async function repoRootFor(file: string, opts: { flag?: string; bundle?: BundleInfo | null; cache?: Map<string, string | null> }): Promise<RepoRoot> {
  if (opts.flag !== undefined) return { dir: resolve(opts.flag), source: 'flag', why: 'given with --repo' };
  if (opts.bundle?.originalRepoRoot !== undefined) {
    return { dir: opts.bundle.originalRepoRoot, source: 'bundle', why: "the run's repository, as the bundle manifest records it" };
  }
  const found = await findRepoRoot(file, opts.cache);
  return found !== null
    ? { dir: found, source: 'found', why: `the folder above the file that holds ${GUARDRAIL_DOCS_DIR}` }
    : { dir: process.cwd(), source: 'cwd', why: `the current folder, as no folder above the file holds ${GUARDRAIL_DOCS_DIR}; pass --repo DIR` };
}
