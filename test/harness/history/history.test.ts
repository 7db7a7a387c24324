// history and bisect on a real ten-commit history of the reference guardrails (see
// test/support/history-repo.ts): graphql-escaping comes in, is reverted, validate and audit go
// away and come back, the gap comes in again with a merge and is fixed again. Every probe of
// this file runs once, in beforeAll: three for `history` (one per distinct guardrail tree),
// three for a bisection with a cache of its own, and none for everything after, which reads
// the cache. The tests then read what those runs left.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';
import { GAP_IDS, type GapId, type GapState } from '../../../harness/gaps/index.ts';
import type { HistoryJson } from '../../../harness/history/index.ts';
import { buildGapHistory, type GapHistory, HistoryBuilder } from '../../support/history-repo.ts';
import { fingerprint } from '../../support/repo-fingerprint.ts';

const scratch = mkdtempSync(join(tmpdir(), 'history-runs-'));
const at = (name: string) => join(scratch, name);

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The --report-json document. */
  json: Record<string, unknown>;
  ms: number;
}

async function cli(name: string, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const started = Date.now();
  const report = at(`${name}.json`);
  const code = await harnessMain([...args, '--out', at(`out-${name}`), '--report-json', report], {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  });
  const json = existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>) : {};
  return { code, stdout: out.join(''), stderr: err.join(''), json, ms: Date.now() - started };
}

/** The evidence bundles detectGaps made under an --out: one "<pair>-<commit>-gaps" folder per probe. */
function probeBundles(name: string): string[] {
  const dir = at(`out-${name}/SPEC-KIT-018`);
  return existsSync(dir) ? readdirSync(dir).filter((entry) => entry.endsWith('-gaps')) : [];
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();

let history: GapHistory;
let small: HistoryBuilder;
let smallSha: { c1: string; c2: string; c3: string };
const before: { files: string[]; refs: string; smallFiles: string[] } = { files: [], refs: '', smallFiles: [] };
const after: typeof before = { files: [], refs: '', smallFiles: [] };
const runs: Record<string, CliRun> = {};
const SECRET = 'kvd_history_secret_value';

beforeAll(async () => {
  history = buildGapHistory();
  small = new HistoryBuilder('history-small-');
  const c1 = small.commit('Add the guardrails');
  const c2 = small.commit('Remove the guardrail scripts', () => small.git('rm', '-q', '-r', 'scripts/spec_ops_004'));
  const c3 = small.commit('Restore the scripts, graphql_ping args by hand', () => {
    small.git('checkout', c1, '--', 'scripts/spec_ops_004');
    small.patch('graphql-unescaped');
  });
  smallSha = { c1, c2, c3 };
  const repo = history.builder.dir;
  const { A, X, R, M } = history.sha;
  Object.assign(before, { files: fingerprint(repo), refs: git(repo, 'for-each-ref'), smallFiles: fingerprint(small.dir) });
  const cache = at('cache');
  runs.first = await cli('first', ['history', '--repo', repo, '--cache', cache, '--html', '--concurrency', '2']);
  runs.second = await cli('second', ['history', '--repo', repo, '--cache', cache]);
  // A cache of its own, so its probes are counted from nothing; the --env reaches every probe.
  runs.bisectMerge = await cli('bisect-merge', [
    'bisect',
    ...['--repo', repo, '--gap', 'graphql-escaping', '--good', A, '--bad', M, '--cache', at('bisect-cache')],
    ...['--env', 'GUARDRAIL_HISTORY_MARK=on', '--env', `HAL_SECRET_OTHER=${SECRET}`],
  ]);
  runs.bisectFirst = await cli('bisect-first', ['bisect', '--repo', repo, '--gap', 'graphql-escaping', '--good', A, '--bad', X, '--cache', cache]);
  runs.goodHasGap = await cli('good-has-gap', ['bisect', '--repo', repo, '--gap', 'graphql-escaping', '--good', X, '--bad', M, '--cache', cache]);
  runs.badLacksGap = await cli('bad-lacks-gap', ['bisect', '--repo', repo, '--gap', 'graphql-escaping', '--good', A, '--bad', R, '--cache', cache]);
  runs.smallHistory = await cli('small-history', ['history', '--repo', small.dir, '--cache', cache]);
  runs.ambiguous = await cli('ambiguous', ['bisect', '--repo', small.dir, '--gap', 'graphql-escaping', '--good', c1, '--bad', c3, '--cache', cache]);
  Object.assign(after, { files: fingerprint(repo), refs: git(repo, 'for-each-ref'), smallFiles: fingerprint(small.dir) });
  console.log(
    `history: first run ${(runs.first.ms / 1000).toFixed(1)} s, second ${(runs.second.ms / 1000).toFixed(1)} s; ` +
      `bisect with its own cache ${(runs.bisectMerge.ms / 1000).toFixed(1)} s\n${runs.first.stdout}`,
  );
}, 900_000);

afterAll(() => {
  history?.builder.remove();
  small?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

/** graphql-escaping's state, the others' (baseline-exit, judged on plan alone, stays closed throughout). */
const states = (graphql: GapState, others: GapState = 'closed') =>
  GAP_IDS.map((id) => ({ id, state: id === 'graphql-escaping' ? graphql : id === 'baseline-exit' ? 'closed' : others }));

describe('history on a ten-commit history', () => {
  it('lists the first-parent commits that touched the guardrail paths, oldest first, with each gap per commit', () => {
    const { A, X, R, H, I, M, N } = history.sha;
    const json = runs.first?.json as unknown as HistoryJson;
    // A progress line per probed tree, on stderr.
    expect(runs.first?.stderr.split('\n').filter((line) => line.startsWith('probed '))).toHaveLength(3);
    expect(runs.first?.code).toBe(0);
    expect(json.commits.map((commit) => [commit.sha, commit.gaps.map(({ id, state }) => ({ id, state }))])).toEqual([
      [A, states('closed')],
      [X, states('present')],
      [R, states('closed')],
      // validate and audit are gone: only baseline-exit (plan) can be judged.
      [H, states('not-testable', 'not-testable')],
      [I, states('closed')],
      [M, states('present')],
      [N, states('closed')],
    ]);
    expect(json.commits.map((commit) => commit.date.slice(0, 10))).toEqual([
      '2026-01-02',
      '2026-01-04',
      '2026-01-05',
      '2026-01-06',
      '2026-01-07',
      '2026-01-10',
      '2026-01-11',
    ]);
    expect(json.commits[5]?.parents).toEqual([I, history.sha.S2]);
  });

  it('shows exactly where each gap changed, against the row before', () => {
    const { X, R, H, I, M, N } = history.sha;
    const json = runs.first?.json as unknown as HistoryJson;
    const untestableThenBack = (gap: GapId) => [
      { gap, sha: H, from: 'closed', to: 'not-testable' },
      { gap, sha: I, from: 'not-testable', to: 'closed' },
    ];
    expect(json.changes).toEqual([
      ...untestableThenBack('hal-failure-propagation'),
      ...untestableThenBack('artifact-on-failure'),
      ...untestableThenBack('manifest-path'),
      { gap: 'graphql-escaping', sha: X, from: 'closed', to: 'present' },
      { gap: 'graphql-escaping', sha: R, from: 'present', to: 'closed' },
      ...untestableThenBack('graphql-escaping'),
      { gap: 'graphql-escaping', sha: M, from: 'closed', to: 'present' },
      { gap: 'graphql-escaping', sha: N, from: 'present', to: 'closed' },
      ...untestableThenBack('status-by-body'),
      ...untestableThenBack('hal-summary-flag'),
      ...untestableThenBack('secret-leak'),
    ]);
    expect(runs.first?.stdout).toMatch(/^ {2}graphql-escaping\n {4}\w{7} {2}closed → present +Build the graphql_ping args by hand$/m);
    expect(runs.first?.stdout).toMatch(/^ {2}no change: baseline-exit$/m);
  });

  it('probes only the distinct guardrail trees: three trees among ten commits, three probes', () => {
    const { A, X, H } = history.sha;
    const json = runs.first?.json as unknown as HistoryJson;
    expect(git(history.builder.dir, 'rev-list', '--all', '--count')).toBe('10');
    expect(new Set(json.commits.map((commit) => commit.tree)).size).toBe(3);
    expect([json.probes, json.cacheHits, json.reused]).toEqual([3, 0, 4]);
    // What detectGaps left on disk agrees: one bundle set per probed commit, A, X and H.
    const probed = probeBundles('first').map((name) => name.replace(/^.*-(\w+)-gaps$/, '$1'));
    expect(probed.sort()).toEqual([A, X, H].map((sha) => sha.slice(0, 7)).sort());
    expect(json.commits.map((commit) => [commit.source, commit.sameTreeAs])).toEqual([
      ['probed', null],
      ['probed', null],
      ['same-tree', A],
      ['probed', null],
      ['same-tree', A],
      ['same-tree', X],
      ['same-tree', A],
    ]);
  });

  it('never lists or probes a commit that did not touch the paths, nor the commits of a merged branch', () => {
    const { B, S1, S2 } = history.sha;
    const json = runs.first?.json as unknown as HistoryJson;
    for (const sha of [B, S1, S2]) {
      expect(json.commits.map((commit) => commit.sha)).not.toContain(sha);
      expect(probeBundles('first').some((name) => name.includes(`-${sha.slice(0, 7)}-`))).toBe(false);
    }
    expect(runs.first?.stdout).toMatch(
      /^7 of 8 commits on the first-parent line of HEAD touched scripts\/spec_ops_004, Cargo\.toml, codex-rs\/Cargo\.toml: 3 distinct guardrail trees\.$/m,
    );
  });

  it('probes nothing the second time: every tree comes from the cache, and the verdicts are the same', () => {
    const first = runs.first?.json as unknown as HistoryJson;
    const second = runs.second?.json as unknown as HistoryJson;
    expect([second.probes, second.cacheHits, second.reused]).toEqual([0, 3, 4]);
    expect(runs.second?.stderr.split('\n').filter((line) => line.startsWith('cache '))).toHaveLength(3);
    expect(probeBundles('second')).toEqual([]);
    expect(second.commits.map(({ sha, gaps }) => ({ sha, gaps }))).toEqual(first.commits.map(({ sha, gaps }) => ({ sha, gaps })));
    expect(second.changes).toEqual(first.changes);
    expect(second.commits.map((commit) => commit.source)).toEqual(['cache', 'cache', 'same-tree', 'cache', 'same-tree', 'same-tree', 'same-tree']);
    expect(runs.second?.code).toBe(0);
  });

  it('writes a self-contained page: the grid, linked to each commit’s evidence', () => {
    const page = /^HTML: (.+)$/m.exec(runs.first?.stdout ?? '')?.[1] as string;
    const html = readFileSync(resolve(page), 'utf8');
    expect(html).toContain(`content="default-src 'none'`);
    expect(html).not.toMatch(/https?:\/\//);
    const json = runs.first?.json as unknown as HistoryJson;
    for (const commit of json.commits) {
      const row = new RegExp(`<tr id="c-${commit.sha}">(.*?)</tr>`).exec(html)?.[1] as string;
      expect([...row.matchAll(/<td class="state ([a-z-]+)/g)].map((match) => match[1])).toEqual(commit.gaps.map((gap) => gap.state));
      const links = [...row.matchAll(/href="([^"]+)"/g)].map((match) => resolve(page, '..', decodeURIComponent(match[1] as string)));
      expect(links.length).toBeGreaterThan(0);
      for (const target of links) expect(existsSync(target) && target.endsWith('/index.html')).toBe(true);
    }
  });

  it('leaves the repository byte for byte as it was: no new file, ref or worktree, a clean status', () => {
    expect(after.files).toEqual(before.files);
    expect(after.refs).toBe(before.refs);
    expect(after.smallFiles).toEqual(before.smallFiles);
    expect(existsSync(join(history.builder.dir, '.git', 'worktrees'))).toBe(false);
    expect(git(history.builder.dir, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});

describe('bisect on the same history', () => {
  it('names the merge that brought graphql-escaping back, skipping the commit where it is not testable, in three probes', () => {
    const { A, R, H, I, M, S2 } = history.sha;
    const run = runs.bisectMerge as CliRun;
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ outcome: 'found', gap: 'graphql-escaping', searched: 5, commit: { sha: M }, probes: 3, cacheHits: 0, reused: 3 });
    const steps = run.json.steps as { role: string; sha: string; state: string; source: string }[];
    expect(steps.map((step) => [step.role, step.sha, step.state, step.source])).toEqual([
      ['good', A, 'closed', 'probed'],
      ['bad', M, 'present', 'probed'],
      ['step', R, 'closed', 'same-tree'],
      ['step', H, 'not-testable', 'probed'],
      ['step', I, 'closed', 'same-tree'],
      ['step', M, 'present', 'same-tree'],
    ]);
    // Of five commits, three were asked about (one of them skipped): ceil(log2(5)).
    expect(steps.filter((step) => step.role === 'step' && step.sha !== M)).toHaveLength(Math.ceil(Math.log2(5)));
    expect(
      probeBundles('bisect-merge')
        .map((name) => name.replace(/^.*-(\w+)-gaps$/, '$1'))
        .sort(),
    ).toEqual([A, M, H].map((sha) => sha.slice(0, 7)).sort());
    expect(run.stdout).toContain(`First commit with graphql-escaping present: ${M} 2026-01-10 Merge branch 'feature'`);
    expect(run.stdout).toContain(`It is a merge: the gap came in from its other parent (${S2})`);
    expect(run.stdout).toMatch(/^ {2}step {2}\w{7} {2}2026-01-06 {2}not-testable {2}probed \(skipped\) /m);
  });

  it('prints the check and run evidence that showed the gap', () => {
    const run = runs.bisectMerge as CliRun;
    const verdict = run.json.verdict as { state: string; evidence: { check: string | null; flow: string; evidenceDir: string }[] };
    expect(verdict.state).toBe('present');
    expect(verdict.evidence.some((item) => item.check === 'graphql-escaping' && item.flow === 'validate')).toBe(true);
    expect(run.stdout).toMatch(/^ {4}healthy\/validate {2}graphql-escaping: expected the graphql_ping request to reach the mock/m);
    for (const item of verdict.evidence) expect(existsSync(item.evidenceDir)).toBe(true);
  });

  it('gives every probe the --env settings, and keeps only a salted hash of a secret one in its cache', () => {
    const run = runs.bisectMerge as CliRun;
    for (const bundle of probeBundles('bisect-merge')) {
      const notes = (JSON.parse(readFileSync(at(`out-bisect-merge/SPEC-KIT-018/${bundle}/report.json`), 'utf8')) as { notes: string[] }).notes;
      expect(notes).toContain('--env: the scripts got GUARDRAIL_HISTORY_MARK=on (--env), HAL_SECRET_OTHER=[REDACTED] (--env); later settings of a name win');
    }
    const entries = readdirSync(at('bisect-cache')).filter((name) => name.endsWith('.json'));
    expect(entries).toHaveLength(3);
    for (const name of readdirSync(at('bisect-cache'))) expect(readFileSync(at(`bisect-cache/${name}`), 'utf8')).not.toContain(SECRET);
    const context = (JSON.parse(readFileSync(at(`bisect-cache/${entries[0]}`), 'utf8')) as { context: { env: Record<string, string> } }).context;
    expect(context.env).toEqual({ GUARDRAIL_HISTORY_MARK: 'on', HAL_SECRET_OTHER: expect.stringMatching(/^hmac-sha256:[0-9a-f]{64}$/) });
    expect(`${run.stdout}${run.stderr}${JSON.stringify(run.json)}`).not.toContain(SECRET);
  });

  it('names the commit where the gap first came in, from the cache alone', () => {
    const run = runs.bisectFirst as CliRun;
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ outcome: 'found', commit: { sha: history.sha.X }, probes: 0, cacheHits: 2 });
  });

  it('exits 1 when good already has the gap, or bad does not', () => {
    expect(runs.goodHasGap?.code).toBe(1);
    expect(runs.goodHasGap?.json).toMatchObject({ outcome: 'good-has-gap', commit: null, probes: 0 });
    expect(runs.goodHasGap?.stdout).toContain(
      `--good ${history.sha.X.slice(0, 7)} already has graphql-escaping present; give a good commit where it is closed.`,
    );
    expect(runs.badLacksGap?.code).toBe(1);
    expect(runs.badLacksGap?.json).toMatchObject({ outcome: 'bad-lacks-gap', commit: null, probes: 0 });
    expect(runs.badLacksGap?.stdout).toContain(`--bad ${history.sha.R.slice(0, 7)} does not have graphql-escaping present (it is closed)`);
  });
});

describe('commits without the guardrail scripts', () => {
  it('history reports such a commit as not testable, without probing it, and goes on', () => {
    const run = runs.smallHistory as CliRun;
    const json = run.json as unknown as HistoryJson;
    expect(json.commits.map((commit) => [commit.sha, commit.source])).toEqual([
      [smallSha.c1, 'cache'],
      [smallSha.c2, 'no-scripts'],
      [smallSha.c3, 'cache'],
    ]);
    expect(json.commits[1]?.gaps.every((gap) => gap.state === 'not-testable')).toBe(true);
    expect(json.commits[1]?.problem).toMatch(/^commit \w{7} has none of scripts\/spec_ops_004\/commands\/spec_ops_validate\.sh, .*: nothing to probe$/);
    expect(json.probes).toBe(0);
    expect(run.stdout).toMatch(/^Not probed:\n {2}\w{7} {2}commit \w{7} has none of /m);
    // The newest commit has graphql-escaping present.
    expect(run.code).toBe(1);
  });

  it('bisect skips it; with nothing testable between the last closed and the first present, it names both and exits 2', () => {
    const run = runs.ambiguous as CliRun;
    expect(run.code).toBe(2);
    expect(run.json).toMatchObject({ outcome: 'ambiguous', commit: null, probes: 0, cacheHits: 2 });
    expect((run.json.candidates as { sha: string; state: string }[]).map((candidate) => [candidate.sha, candidate.state])).toEqual([
      [smallSha.c2, 'not-testable'],
      [smallSha.c3, 'present'],
    ]);
    expect(run.stdout).toContain('Commits where graphql-escaping is not testable stand next to the change, so it came in at one of these (oldest first):');
  });
});
