// Each run gets its own copy of the guardrail repository, committed into a fresh
// git repository so that plan sees a clean tree and nothing touches the user's checkout.
import { execFile } from 'node:child_process';
import { cp, lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'guardrail-harness',
  GIT_AUTHOR_EMAIL: 'guardrail-harness@localhost',
  GIT_COMMITTER_NAME: 'guardrail-harness',
  GIT_COMMITTER_EMAIL: 'guardrail-harness@localhost',
  // The user's global hooks or signing settings must not run inside our copies.
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export const HARNESS_GIT_ENV: Record<string, string> = GIT_IDENTITY;

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: { ...process.env, ...GIT_IDENTITY }, maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** Files of a git work tree: tracked plus untracked-but-not-ignored, as the user sees them. */
async function gitFiles(root: string): Promise<string[] | null> {
  try {
    const top = (await git(root, 'rev-parse', '--show-toplevel')).trim();
    if (resolve(top) !== resolve(root)) return null;
    const listed = await git(root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard');
    return listed.split('\0').filter((file) => file !== '');
  } catch {
    return null;
  }
}

async function walk(root: string, dir = root): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(root, path)));
    else files.push(relative(root, path));
  }
  return files;
}

/**
 * Copies the repository's working files (what git tracks or would track; every
 * file for a folder that is not a git root) into `dest` and commits them.
 */
export async function snapshotRepository(source: string, dest: string): Promise<void> {
  const root = resolve(source);
  const files = (await gitFiles(root)) ?? (await walk(root));
  await mkdir(dest, { recursive: true });
  for (const file of files) {
    const from = join(root, file);
    // A tracked file deleted in the work tree is simply absent from the snapshot.
    const info = await lstat(from).catch(() => null);
    if (info === null || !(info.isFile() || info.isSymbolicLink())) continue;
    await mkdir(dirname(join(dest, file)), { recursive: true });
    // A link is copied as the link git tracks: a relative one keeps pointing inside the
    // copy, never (made absolute) back into the user's checkout.
    await cp(from, join(dest, file), { preserveTimestamps: true, verbatimSymlinks: true });
  }
  await git(dest, 'init', '-q');
  // -f: every copied file is committed, even one the repository's own .gitignore matches
  // (tracked-but-ignored, or any file of a folder that is not a git root); otherwise each
  // run's changedFiles would report it as produced by the run.
  await git(dest, 'add', '-A', '-f');
  await git(dest, 'commit', '-q', '--no-verify', '--allow-empty', '-m', 'guardrail-harness snapshot');
}

/** A run's private copy of a snapshot (the snapshot's .git comes along). */
export async function cloneSnapshot(snapshot: string, dest: string): Promise<void> {
  await cp(snapshot, dest, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
}

/** Files that appeared or changed in a run's copy, found by git so nothing is missed. */
export async function changedFiles(repo: string): Promise<string[]> {
  const out = await git(repo, 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored');
  return out
    .split('\0')
    .filter((line) => line.length > 3)
    .map((line) => join(repo, line.slice(3)));
}
