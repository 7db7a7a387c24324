// The read-only git plumbing of history and bisect, on a small repository: which commits
// count (first-parent, merges, other files), what a guardrail tree is, revisions and ranges,
// the exported copy of a commit, and that none of it writes a byte in the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportCommit,
  firstParentCount,
  HistoryError,
  isAncestor,
  normalisePaths,
  openRepository,
  pathObjects,
  resolveCommit,
  resolveRange,
  touchingCommits,
} from '../../../harness/history/git.ts';
import { HistoryBuilder } from '../../support/history-repo.ts';
import { fingerprint } from '../../support/repo-fingerprint.ts';

const PATHS = ['scripts/spec_ops_004', 'Cargo.toml', 'codex-rs/Cargo.toml'];
const COMMON = 'scripts/spec_ops_004/common.sh';

let repo: HistoryBuilder;
let sha: Record<'base' | 'readme' | 'note' | 'side' | 'merge' | 'unnote' | 'link', string>;
let before: string[];
const scratch = mkdtempSync(join(tmpdir(), 'history-git-test-'));

beforeAll(() => {
  repo = new HistoryBuilder('history-git-');
  const base = repo.commit('Add the guardrails');
  const readme = repo.commit('README only', () => repo.append('README.md', 'more\n'));
  const note = repo.commit('common.sh: a note', () => repo.append(COMMON, '# a note\n'));
  repo.git('checkout', '-q', '-b', 'side');
  const side = repo.commit('side: a root Cargo.toml', () => writeFileSync(join(repo.dir, 'Cargo.toml'), '[workspace]\n'));
  repo.git('checkout', '-q', 'main');
  const merge = repo.merge('side', "Merge branch 'side'");
  const unnote = repo.commit('common.sh: no note', () =>
    writeFileSync(join(repo.dir, COMMON), readFileSync(join(repo.dir, COMMON), 'utf8').replace('# a note\n', '')),
  );
  const link = repo.commit('docs: a link to the README', () => {
    symlinkSync('../README.md', join(repo.dir, 'docs', 'README.link'));
  });
  sha = { base, readme, note, side, merge, unnote, link };
  before = fingerprint(repo.dir);
});

afterAll(() => {
  repo?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe('which commits count', () => {
  it('the first-parent commits that changed a path, oldest first; a merge that brought a change in, not the branch', async () => {
    const commits = await touchingCommits(repo.dir, await resolveRange(repo.dir, undefined), PATHS);
    expect(commits.map((commit) => commit.subject)).toEqual(['Add the guardrails', 'common.sh: a note', "Merge branch 'side'", 'common.sh: no note']);
    expect(commits[2]?.parents).toEqual([sha.note, sha.side]);
    expect(commits[0]).toMatchObject({ sha: sha.base, short: sha.base.slice(0, 7), date: '2026-01-02T10:00:00+00:00', parents: [] });
    expect(await firstParentCount(repo.dir, await resolveRange(repo.dir, undefined))).toBe(6);
  });

  it('reads --paths literally: a pattern matches nothing', async () => {
    const commits = await touchingCommits(repo.dir, await resolveRange(repo.dir, undefined), ['scripts/*']);
    expect(commits).toEqual([]);
  });

  it('A..B, A.. and a single revision', async () => {
    const subjects = async (range: string) => (await touchingCommits(repo.dir, await resolveRange(repo.dir, range), PATHS)).map((commit) => commit.subject);
    expect(await subjects(`${sha.note}..${sha.unnote}`)).toEqual(["Merge branch 'side'", 'common.sh: no note']);
    expect(await subjects(`${sha.merge}..`)).toEqual(['common.sh: no note']);
    expect(await subjects(sha.note)).toEqual(['Add the guardrails', 'common.sh: a note']);
  });

  it('refuses what names no commit, and says what to give', async () => {
    await expect(resolveRange(repo.dir, 'nope..HEAD')).rejects.toThrow(/--range "nope" names no commit in .*; give a commit id, a branch or a tag/);
    await expect(resolveRange(repo.dir, 'main...side')).rejects.toThrow(/use A\.\.B \(two dots\)/);
    await expect(resolveRange(repo.dir, 'a..b..c')).rejects.toThrow(/expected A\.\.B or a single revision/);
    await expect(resolveCommit(repo.dir, '--all', '--good')).rejects.toThrow(HistoryError);
    expect(await resolveCommit(repo.dir, 'side', '--bad')).toBe(sha.side);
    expect(await isAncestor(repo.dir, sha.base, sha.merge)).toBe(true);
    expect(await isAncestor(repo.dir, sha.merge, sha.base)).toBe(false);
  });
});

describe('the guardrail tree', () => {
  it('is the object ids of the paths (a folder as one tree id), equal when the content is', async () => {
    const listing = await pathObjects(repo.dir, sha.base, PATHS);
    expect(listing).toMatch(/^100644 blob [0-9a-f]{40}\tcodex-rs\/Cargo\.toml\n040000 tree [0-9a-f]{40}\tscripts\/spec_ops_004\n$/);
    expect(await pathObjects(repo.dir, sha.readme, PATHS)).toBe(listing);
    expect(await pathObjects(repo.dir, sha.note, PATHS)).not.toBe(listing);
    // The note is taken back, but the merge added a root Cargo.toml: not the base tree.
    expect(await pathObjects(repo.dir, sha.unnote, PATHS)).toBe(`100644 blob ${repo.git('rev-parse', `${sha.unnote}:Cargo.toml`)}\tCargo.toml\n${listing}`);
  });
});

describe('the repository', () => {
  it('must be the root of a git repository', async () => {
    await expect(openRepository(join(scratch, 'missing'))).rejects.toThrow(/is not a folder; point it at the root of a git checkout/);
    mkdirSync(join(scratch, 'plain'));
    await expect(openRepository(join(scratch, 'plain'))).rejects.toThrow(/is not a git repository.*point --repo at a git checkout/);
    await expect(openRepository(join(repo.dir, 'scripts'))).rejects.toThrow(
      /is a folder inside the git repository .*; commits are probed whole, so pass --repo /,
    );
    expect(await openRepository(repo.dir)).toBe(repo.dir);
  });

  it('a bare repository is read too', async () => {
    const bare = join(scratch, 'bare.git');
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, bare]);
    expect(await openRepository(bare)).toBe(bare);
    expect((await touchingCommits(bare, await resolveRange(bare, undefined), PATHS)).map((commit) => commit.sha)).toEqual([
      sha.base,
      sha.note,
      sha.merge,
      sha.unnote,
    ]);
  });

  it('--paths: relative names only', () => {
    expect(normalisePaths(['./scripts/spec_ops_004/', 'Cargo.toml', 'scripts/spec_ops_004'])).toEqual(['scripts/spec_ops_004', 'Cargo.toml']);
    for (const bad of ['/etc', '../x', '', 'a/../../b']) expect(() => normalisePaths([bad])).toThrow(/relative to the repository root/);
  });
});

describe('exporting a commit', () => {
  it('writes its files as committed: content, executable bits and links', async () => {
    const dest = join(scratch, 'export');
    mkdirSync(dest);
    await exportCommit(repo.dir, sha.link, dest);
    // The work tree is at that commit: the same bytes.
    expect(readFileSync(join(dest, COMMON))).toEqual(readFileSync(join(repo.dir, COMMON)));
    expect(lstatSync(join(dest, 'scripts/spec_ops_004/commands/spec_ops_validate.sh')).mode & 0o111).not.toBe(0);
    expect(readlinkSync(join(dest, 'docs', 'README.link'))).toBe('../README.md');
    expect(existsSync(join(dest, '.git'))).toBe(false);
  });

  it('fails with a message when the commit cannot be exported', async () => {
    const dest = join(scratch, 'export-bad');
    mkdirSync(dest);
    await expect(exportCommit(repo.dir, 'f'.repeat(40), dest)).rejects.toThrow(HistoryError);
  });

  it('all of the above left the repository byte for byte as it was', () => {
    expect(fingerprint(repo.dir)).toEqual(before);
  });
});
