// Each run's private copy of the guardrail repository: what the snapshot takes from
// the user's checkout (git's view of it, or every file outside git), that it is a
// clean one-commit repository, and what changedFiles reports afterwards.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedFiles, cloneSnapshot, HARNESS_GIT_ENV, snapshotRepository } from '../../../harness/run/repo-copy.ts';

const base = mkdtempSync(join(tmpdir(), 'repo-copy-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: { ...process.env, ...HARNESS_GIT_ENV }, encoding: 'utf8' });
function write(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}
/** Every file below `root` (but .git), relative, sorted. */
function filesIn(root: string): string[] {
  return git(root, 'ls-files', '--cached', '--others', '-z').split('\0').filter(Boolean).sort();
}

describe('snapshotRepository of a git checkout', () => {
  const source = join(base, 'checkout');
  const snapshot = join(base, 'snapshot');

  beforeAll(async () => {
    write(source, {
      '.gitignore': 'ignored.log\nbuild/\n',
      'scripts/run.sh': '#!/bin/bash\n',
      'tracked.txt': 'committed\n',
      'gone.txt': 'deleted after the commit\n',
      'docs/spec.md': 'committed\n',
    });
    git(source, 'init', '-q');
    git(source, 'add', '-A');
    git(source, 'commit', '-q', '-m', 'user commit');
    // The work tree as the user sees it now: an edit, a new file, ignored files, a deleted file.
    write(source, { 'tracked.txt': 'edited, not committed\n', 'new/untracked.txt': 'new\n', 'ignored.log': 'noise\n', 'build/out.bin': 'x' });
    unlinkSync(join(source, 'gone.txt'));
    await snapshotRepository(source, snapshot);
  });

  it('takes tracked and untracked files as they are in the work tree, without ignored or deleted ones', () => {
    expect(filesIn(snapshot)).toEqual(['.gitignore', 'docs/spec.md', 'new/untracked.txt', 'scripts/run.sh', 'tracked.txt']);
    expect(readFileSync(join(snapshot, 'tracked.txt'), 'utf8')).toBe('edited, not committed\n');
  });

  it('is its own repository: one harness commit, a clean tree, the user’s history left behind', () => {
    expect(git(snapshot, 'log', '--format=%an <%ae> %s')).toBe('guardrail-harness <guardrail-harness@localhost> guardrail-harness snapshot\n');
    expect(git(snapshot, 'status', '--porcelain')).toBe('');
    expect(git(source, 'log', '--format=%s')).toBe('user commit\n');
  });

  it('keeps file modes (a script stays executable only if it was)', () => {
    const { mode } = lstatSync(join(snapshot, 'scripts/run.sh'));
    expect(mode & 0o111).toBe(lstatSync(join(source, 'scripts/run.sh')).mode & 0o111);
  });

  // cp() without verbatimSymlinks would make the link absolute, into the user's checkout.
  it('a tracked relative symlink stays relative, pointing inside the copy', async () => {
    const repo = join(base, 'with-link');
    write(repo, { 'target.txt': 'x' });
    symlinkSync('target.txt', join(repo, 'link.txt'));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'link');
    const copy = join(base, 'with-link-copy');
    await snapshotRepository(repo, copy);
    expect(readlinkSync(join(copy, 'link.txt'))).toBe('target.txt');
  });
});

describe('snapshotRepository of a folder that is not a git root', () => {
  it('takes every file but .git and node_modules, whatever its .gitignore says', async () => {
    const plain = join(base, 'plain');
    write(plain, { 'a.txt': 'a', '.hidden': 'h', 'sub/b.txt': 'b', 'node_modules/pkg/index.js': '', 'sub/node_modules/x.js': '', '.gitignore': 'a.txt\n' });
    const copy = join(base, 'plain-copy');
    await snapshotRepository(plain, copy);
    expect(filesIn(copy)).toEqual(['.gitignore', '.hidden', 'a.txt', 'sub/b.txt']);
    expect(git(copy, 'ls-files')).toBe('.gitignore\n.hidden\na.txt\nsub/b.txt\n');
  });

  // A file the folder's own .gitignore matches is committed too, or every run would
  // report it as produced by the run.
  it('a fresh clone of such a snapshot has no changed files', async () => {
    const plain = join(base, 'plain-ignored');
    write(plain, { 'a.txt': 'a', '.gitignore': 'a.txt\n' });
    const copy = join(base, 'plain-ignored-copy');
    await snapshotRepository(plain, copy);
    const run = join(base, 'plain-ignored-run');
    await cloneSnapshot(copy, run);
    expect(await changedFiles(run)).toEqual([]);
  });

  it('a subfolder of a checkout is copied whole, files the checkout ignores included', async () => {
    const outer = join(base, 'outer');
    write(outer, { '.gitignore': '*.log\n', 'inner/keep.txt': 'k', 'inner/debug.log': 'd' });
    git(outer, 'init', '-q');
    const copy = join(base, 'inner-copy');
    await snapshotRepository(join(outer, 'inner'), copy);
    expect(filesIn(copy)).toEqual(['debug.log', 'keep.txt']);
  });

  it('an empty folder still gives a repository with its one commit', async () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const copy = join(base, 'empty-copy');
    await snapshotRepository(empty, copy);
    expect(git(copy, 'rev-list', '--count', 'HEAD')).toBe('1\n');
  });
});

describe('cloneSnapshot and changedFiles', () => {
  it('a clone starts clean; changedFiles then lists new, edited, deleted and ignored files as absolute paths', async () => {
    const source = join(base, 'for-clone');
    write(source, { '.gitignore': '*.tmp\n', 'keep.txt': 'k', 'edit.txt': 'e', 'drop.txt': 'd' });
    const snapshot = join(base, 'clone-snapshot');
    await snapshotRepository(source, snapshot);
    const run = join(base, 'run-1');
    await cloneSnapshot(snapshot, run);
    expect(await changedFiles(run)).toEqual([]);

    write(run, { 'edit.txt': 'changed', 'docs/evidence/deep/new file.json': '{}', 'scratch.tmp': 't' });
    unlinkSync(join(run, 'drop.txt'));
    expect((await changedFiles(run)).sort()).toEqual(
      ['docs/evidence/deep/new file.json', 'drop.txt', 'edit.txt', 'scratch.tmp'].map((file) => join(run, file)).sort(),
    );
    // The snapshot itself is untouched by the run.
    expect(await changedFiles(snapshot)).toEqual([]);
  });

  it('a clone keeps symlinks as written', async () => {
    const snapshot = join(base, 'link-snapshot');
    mkdirSync(snapshot);
    symlinkSync('elsewhere/target', join(snapshot, 'link'));
    const run = join(base, 'link-run');
    await cloneSnapshot(snapshot, run);
    expect(readlinkSync(join(run, 'link'))).toBe('elsewhere/target');
  });

  it('changedFiles outside a git repository fails', async () => {
    const notRepo = mkdtempSync(join(tmpdir(), 'not-a-repo-'));
    try {
      await expect(changedFiles(notRepo)).rejects.toThrow(/not a git repository/);
    } finally {
      rmSync(notRepo, { recursive: true, force: true });
    }
  });
});
