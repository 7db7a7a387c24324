// guardrail-harness history as a user runs it, where no whole probe is needed: what it
// refuses (exit 2, with what to do), its help, commits without the guardrail scripts (reported,
// never probed), and a stop mid-probe. The real-history runs are in test/harness/history/.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryJson } from '../../../harness/history/index.ts';
import { runHarnessCli } from '../../support/harness-cli.ts';
import { HistoryBuilder } from '../../support/history-repo.ts';
import { NODE, ROOT } from '../../support/mcp.ts';
import { processesMentioning } from '../../support/process-table.ts';
import { fingerprint } from '../../support/repo-fingerprint.ts';

const scratch = mkdtempSync(join(tmpdir(), 'history-command-test-'));
let repo: HistoryBuilder;
let commits: string[];

beforeAll(() => {
  repo = new HistoryBuilder('history-command-');
  // No command scripts in any commit: only notes under the guardrail folder.
  commits = [
    repo.commit('Add the workspace', () => rmSync(join(repo.dir, 'scripts'), { recursive: true })),
    repo.commit('Plan the guardrails', () => {
      mkdirSync(join(repo.dir, 'scripts/spec_ops_004'), { recursive: true });
      writeFileSync(join(repo.dir, 'scripts/spec_ops_004/NOTES.md'), 'to do\n');
    }),
    repo.commit('README only', () => repo.append('README.md', 'more\n')),
    repo.commit('More notes', () => repo.append('scripts/spec_ops_004/NOTES.md', 'and more\n')),
  ];
});

afterAll(() => {
  repo?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const history = (...args: string[]) => runHarnessCli(['history', ...args]);

describe('guardrail-harness history', () => {
  it('reports commits without the scripts as not testable, probes none of them, and exits by the newest commit', async () => {
    const before = fingerprint(repo.dir);
    const report = join(scratch, 'no-scripts.json');
    const result = await history('--repo', repo.dir, '--no-cache', '--out', join(scratch, 'out'), '--report-json', report);
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(report, 'utf8')) as HistoryJson;
    expect(json.commits.map((commit) => [commit.sha, commit.source])).toEqual([
      [commits[0], 'no-scripts'],
      [commits[1], 'no-scripts'],
      [commits[3], 'no-scripts'],
    ]);
    expect(json.commits.every((commit) => commit.gaps.every((gap) => gap.state === 'not-testable'))).toBe(true);
    expect([json.probes, json.cacheHits, json.cache]).toEqual([0, 0, null]);
    expect(result.stdout).toMatch(
      /^Not probed:\n( {2}\w{7} {2}commit \w{7} has none of scripts\/spec_ops_004\/commands\/spec_ops_validate\.sh, .*: nothing to probe\n){3}/m,
    );
    expect(result.stdout).toContain('3 of 4 commits on the first-parent line of HEAD touched');
    expect(result.stderr.split('\n').filter((line) => line.startsWith('no scripts '))).toHaveLength(3);
    expect(fingerprint(repo.dir)).toEqual(before);
  });

  it.each([
    [
      [],
      /^guardrail-harness: history needs --repo DIR, the root of a git checkout of your guardrail repository\nRun guardrail-harness history --help for usage\.\n$/,
    ],
    [['--repo', '/nonexistent/repo'], /--repo \/nonexistent\/repo is not a folder; point it at the root of a git checkout/],
    [['--repo', tmpdir()], /is not a git repository.*; history and bisect read commits, so point --repo at a git checkout/],
    [['--repo', 'SUBFOLDER'], /is a folder inside the git repository .*; commits are probed whole, so pass --repo /],
    [['--repo', 'REPO', '--range', 'nope..HEAD'], /--range "nope" names no commit in .*; give a commit id, a branch or a tag/],
    [['--repo', 'REPO', '--range', 'HEAD~1...HEAD'], /--range "HEAD~1\.\.\.HEAD": use A\.\.B \(two dots\)/],
    [
      ['--repo', 'REPO', '--range', 'HEAD..HEAD'],
      /no commit on the first-parent line of HEAD\.\.HEAD touched scripts\/spec_ops_004, Cargo\.toml, codex-rs\/Cargo\.toml; check --range/,
    ],
    [
      ['--repo', 'REPO', '--paths', 'guardrails/'],
      /no commit on the first-parent line of HEAD touched guardrails; check --range, and give --paths where the guardrail scripts live/,
    ],
    [['--repo', 'REPO', '--paths', '../elsewhere'], /--paths "\.\.\/elsewhere": give a file or folder relative to the repository root/],
    [['--repo', 'REPO', '--cache', 'x', '--no-cache'], /give --cache DIR or --no-cache, not both/],
    [['--repo', 'REPO', '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64/],
    [['--repo', 'REPO', '--env', 'BAD NAME=1'], /"BAD NAME" is not a shell variable name/],
    [['--repo', 'REPO', '--spec', '../up'], /spec id "\.\.\/up" cannot be a folder name/],
  ])('%j exits 2 with a message that says what to do', async (args, message) => {
    const given = args.map((arg) => (arg === 'REPO' ? repo.dir : arg === 'SUBFOLDER' ? join(repo.dir, 'docs') : arg));
    const result = await history(...given, '--no-cache', '--out', join(scratch, 'refused'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('documents itself, and the top-level help lists it', async () => {
    const help = await history('--help');
    expect(help.code).toBe(0);
    for (const flag of ['--repo DIR', '--range A..B', '--paths LIST', '--cache DIR', '--no-cache', '--html', '--report-json FILE', '--concurrency N']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toMatch(/--env KEY=VALUE +set a variable for the scripts, after the harness's own/);
    expect(help.stdout).toContain('(default scripts/spec_ops_004,Cargo.toml,codex-rs/Cargo.toml)');
    const top = await runHarnessCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/guardrail-harness history --repo DIR \[options\]\n +the gaps of every commit that touched the guardrail scripts/);
  });
});

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });
}

describe('stopping history mid-probe', () => {
  it("SIGINT removes the commit's copy and the runs' folders, leaves no guardrail running, and the repository as it was", async () => {
    const guarded = new HistoryBuilder('history-stop-');
    guarded.commit('Add the guardrails');
    const before = fingerprint(guarded.dir);
    const marker = mkdtempSync(join(tmpdir(), 'history-stop-tmp-'));
    const child = spawn(NODE, [join(ROOT, 'harness/cli/main.ts'), 'history', '--repo', guarded.dir, '--no-cache', '--out', join(marker, 'out')], {
      cwd: marker,
      env: { ...process.env, TMPDIR: marker },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    try {
      // In flight: the commit is exported, and a guardrail script runs in a copy of it.
      await expect
        .poll(() => processesMentioning(marker).filter((row) => /spec_ops_\w+\.sh/.test(row.args)).length, { timeout: 60_000, interval: 100 })
        .toBeGreaterThan(0);
      expect(readdirSync(marker).some((name) => name.startsWith('guardrail-history-'))).toBe(true);
      child.kill('SIGINT');
      expect(await exited(child), output).toBe(130);
      await expect.poll(() => processesMentioning(marker), { timeout: 10_000, interval: 50 }).toEqual([]);
      expect(readdirSync(marker).filter((name) => name.startsWith('guardrail-'))).toEqual([]);
      expect(fingerprint(guarded.dir)).toEqual(before);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(marker, { recursive: true, force: true });
      guarded.remove();
    }
  });
});
