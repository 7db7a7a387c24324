// guardrail-harness bisect as a user runs it, where no probe is needed: what it refuses
// (exit 2, with what to do), ends where the gap cannot be tested, and its help. The
// real-history bisections are in test/harness/history/history.test.ts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GAP_IDS } from '../../../harness/gaps/index.ts';
import { runHarnessCli } from '../../support/harness-cli.ts';
import { HistoryBuilder } from '../../support/history-repo.ts';
import { fingerprint } from '../../support/repo-fingerprint.ts';

const scratch = mkdtempSync(join(tmpdir(), 'bisect-command-test-'));
let repo: HistoryBuilder;
let sha: { noScripts: string; readme: string; notes: string };

beforeAll(() => {
  repo = new HistoryBuilder('bisect-command-');
  const noScripts = repo.commit('The workspace, no guardrail scripts yet', () => rmSync(join(repo.dir, 'scripts'), { recursive: true }));
  const readme = repo.commit('README only', () => repo.append('README.md', 'more\n'));
  repo.git('checkout', '-q', '-b', 'side');
  repo.commit('side: a root manifest', () => writeFileSync(join(repo.dir, 'Cargo.toml'), '[workspace]\n'));
  repo.git('checkout', '-q', 'main');
  const notes = repo.commit('Cargo notes', () => repo.append('codex-rs/Cargo.toml', '# notes\n'));
  repo.merge('side', "Merge branch 'side'");
  sha = { noScripts, readme, notes };
});

afterAll(() => {
  repo?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

const bisect = (...args: string[]) => runHarnessCli(['bisect', ...args]);

describe('guardrail-harness bisect', () => {
  it('exits 2 when the gap cannot be tested at good, saying so, without a probe', async () => {
    const before = fingerprint(repo.dir);
    const report = join(scratch, 'untestable.json');
    const result = await bisect(
      ...['--repo', repo.dir, '--gap', 'secret-leak', '--good', sha.noScripts, '--bad', sha.notes],
      ...['--no-cache', '--out', join(scratch, 'out'), '--report-json', report],
    );
    expect(result.code).toBe(2);
    const json = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({ outcome: 'untestable', commit: null, probes: 0, searched: 1 });
    expect(result.stdout).toMatch(
      /^secret-leak is not testable at --good \w{7}: commit \w{7} has none of scripts\/spec_ops_004\/commands\/spec_ops_validate\.sh/m,
    );
    expect(result.stdout).toContain('Give a --good commit where the gap can be tested.');
    expect(fingerprint(repo.dir)).toEqual(before);
  });

  it.each([
    [[], /bisect needs --repo DIR, the root of a git checkout/],
    [['--repo', 'REPO'], /bisect needs --gap ID, one of baseline-exit, hal-failure-propagation/],
    [['--repo', 'REPO', '--gap', 'graphql'], /--gap: unknown gap "graphql"; use one of baseline-exit, .*, secret-leak\nRun guardrail-harness bisect --help/],
    [['--repo', 'REPO', '--gap', 'secret-leak', '--bad', 'HEAD'], /bisect needs --good REV, a commit id, branch or tag/],
    [['--repo', 'REPO', '--gap', 'secret-leak', '--good', 'HEAD~1'], /bisect needs --bad REV/],
    [['--repo', tmpdir(), '--gap', 'secret-leak', '--good', 'a', '--bad', 'b'], /is not a git repository/],
    [['--repo', 'REPO', '--gap', 'secret-leak', '--good', 'nope', '--bad', 'HEAD'], /--good "nope" names no commit in .*; give a commit id, a branch or a tag/],
    [['--repo', 'REPO', '--gap', 'secret-leak', '--good', 'HEAD~1', '--bad', 'v9'], /--bad "v9" names no commit/],
    [
      ['--repo', 'REPO', '--gap', 'secret-leak', '--good', 'main', '--bad', 'HEAD'],
      /--good main and --bad HEAD are the same commit \(\w{12}\); give a good commit older than the bad one/,
    ],
    [
      ['--repo', 'REPO', '--gap', 'secret-leak', '--good', 'HEAD', '--bad', 'HEAD~2'],
      /--good HEAD is not an ancestor of --bad HEAD~2; bisect searches the commits between them, so give a good commit that bad descends from/,
    ],
    [
      ['--repo', 'REPO', '--gap', 'secret-leak', '--good', 'side', '--bad', 'main'],
      /--good side is reached from --bad main only through a merged branch, and the first-parent line it would be searched on starts from other guardrail files \(\w{12}\); give a good commit on that line \(git log --first-parent --oneline main lists them\)/,
    ],
  ])('%j exits 2 with a message that says what to do', async (args, message) => {
    const result = await bisect(...args.map((arg) => (arg === 'REPO' ? repo.dir : arg)), '--no-cache', '--out', join(scratch, 'refused'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('documents itself, its exit statuses included, and the top-level help lists it', async () => {
    const help = await bisect('--help');
    expect(help.code).toBe(0);
    for (const text of [
      '--gap ID',
      '--good REV',
      '--bad REV',
      '--paths LIST',
      '--cache DIR',
      GAP_IDS.join(', '),
      'Exit status: 0 found; 1 --good already has the gap present',
    ]) {
      expect(help.stdout).toContain(text);
    }
    expect((await runHarnessCli(['--help'])).stdout).toMatch(
      /guardrail-harness bisect --repo DIR --gap ID --good REV --bad REV\n +the first commit at which a gap is present/,
    );
  });
});
