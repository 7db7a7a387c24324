// A commit whose guardrail scripts cannot run at all is probed and reported like any other,
// and does not stop the history: the commits after it still get their verdicts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryJson } from '../../../harness/history/index.ts';
import { runHarnessCli } from '../../support/harness-cli.ts';
import { HistoryBuilder } from '../../support/history-repo.ts';

const COMMON = 'scripts/spec_ops_004/common.sh';
const scratch = mkdtempSync(join(tmpdir(), 'history-broken-test-'));
let repo: HistoryBuilder;
let first: string;
let broken: string;
let fixed: string;
let original: string;

beforeAll(() => {
  repo = new HistoryBuilder('history-broken-');
  original = readFileSync(join(repo.dir, COMMON), 'utf8');
  first = repo.commit('Add the guardrails');
  // Every command script sources common.sh first, so none of them gets past it.
  broken = repo.commit('Break common.sh', () => writeFileSync(join(repo.dir, COMMON), 'echo "common.sh: not today" >&2\nexit 97\n'));
  fixed = repo.commit('Mend common.sh', () => writeFileSync(join(repo.dir, COMMON), original));
});

afterAll(() => {
  repo?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe('history over a commit whose scripts cannot run', () => {
  it('probes it, reports what its runs showed, and goes on to the commits after it', async () => {
    const report = join(scratch, 'history.json');
    const { code, stdout } = await runHarnessCli(['history', '--repo', repo.dir, '--no-cache', '--out', join(scratch, 'out'), '--report-json', report]);
    const json = JSON.parse(readFileSync(report, 'utf8')) as HistoryJson;
    // The mended commit has the first one's guardrail tree again, so it reuses that probe.
    expect(json.commits.map((commit) => [commit.sha, commit.source, commit.sameTreeAs, commit.problem])).toEqual([
      [first, 'probed', null, null],
      [broken, 'probed', null, null],
      [fixed, 'same-tree', first, null],
    ]);
    expect(json.probes).toBe(2);
    const states = (sha: string) => json.commits.find((commit) => commit.sha === sha)?.gaps.map((gap) => gap.state) ?? [];
    // The broken commit's runs wrote no telemetry: its gaps are not all closed, as the mended one's are.
    expect(states(broken).every((state) => state === 'closed')).toBe(false);
    expect(states(fixed).every((state) => state === 'closed')).toBe(true);
    expect(states(first)).toEqual(states(fixed));
    expect(json.changes.filter((change) => change.sha === broken).length).toBeGreaterThan(0);
    expect(json.changes.filter((change) => change.sha === fixed).length).toBeGreaterThan(0);
    // The newest commit decides the exit status: no gap there.
    expect(code).toBe(0);
    expect(stdout).toContain('Mend common.sh');
  }, 300_000);
});
