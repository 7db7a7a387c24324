// The output of history and bisect on made-up results: the console table and the changes,
// the JSON documents, and the HTML page (escaped, offline, linked relatively).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GAP_IDS, type GapId, type GapState, type GapVerdict } from '../../../harness/gaps/index.ts';
import {
  type BisectResult,
  buildBisectJson,
  buildHistoryJson,
  type CommitInfo,
  gapChanges,
  type HistoryResult,
  type HistoryRow,
  renderBisect,
  renderHistory,
  renderHistoryHtml,
  type TreeVerdicts,
} from '../../../harness/history/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'history-render-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const commit = (n: number, subject: string, parents: string[] = []): CommitInfo => ({
  sha: String(n).repeat(40).slice(0, 40),
  short: String(n).repeat(7),
  date: `2026-02-0${n}T09:00:00+01:00`,
  subject,
  parents,
});

function verdicts(tree: string, graphql: GapState, extra: Partial<TreeVerdicts> = {}): TreeVerdicts {
  const gaps = GAP_IDS.map(
    (id): GapVerdict => ({
      id,
      state: id === 'graphql-escaping' ? graphql : 'closed',
      reason: id === 'graphql-escaping' ? `the body "broke" <here>` : 'fine',
      evidence:
        id === 'graphql-escaping' && graphql === 'present'
          ? [
              {
                probe: 'hal-on',
                scenario: 'healthy',
                flow: 'validate',
                check: 'graphql-escaping',
                message: 'graphql_ping never arrived',
                evidenceDir: '/e/healthy/validate',
              },
            ]
          : [],
    }),
  );
  return { tree, source: 'probed', sha: '', probedAt: null, gaps, bundles: [], problem: null, ...extra };
}

const bundleWithPage = join(scratch, 'SPEC-KIT-018', '20260101T000000Z-aaaaaa-1111111-gaps');
const bundleWithout = join(scratch, 'SPEC-KIT-018', '20260101T000000Z-aaaaaa-1111111-gaps-hal-off');
mkdirSync(bundleWithPage, { recursive: true });
mkdirSync(bundleWithout, { recursive: true });
writeFileSync(join(bundleWithPage, 'index.html'), '<!doctype html>');

const c1 = commit(1, 'Add the guardrails');
const c2 = commit(2, 'Hand-built args <script>alert(1)</script>');
const c3 = commit(3, 'Revert it');
const rows: HistoryRow[] = [
  { commit: c1, verdicts: verdicts('t0', 'closed', { bundles: [bundleWithPage, bundleWithout, join(scratch, 'gone-gaps')] }), sameTreeAs: null },
  { commit: c2, verdicts: verdicts('t1', 'present', { source: 'cache' }), sameTreeAs: null },
  { commit: c3, verdicts: verdicts('t0', 'closed'), sameTreeAs: c1.sha },
];
const result: HistoryResult = {
  repo: '/repo',
  range: 'HEAD',
  paths: ['scripts/spec_ops_004'],
  cacheDir: '/cache',
  firstParentCommits: 5,
  rows,
  changes: gapChanges(rows),
  ok: true,
  probes: 1,
  cacheHits: 1,
  reused: 1,
};

describe('history output', () => {
  it('changes are per gap, against the row before, the first row changing nothing', () => {
    expect(result.changes).toEqual([
      { gap: 'graphql-escaping', sha: c2.sha, from: 'closed', to: 'present' },
      { gap: 'graphql-escaping', sha: c3.sha, from: 'present', to: 'closed' },
    ]);
  });

  it('prints a row per commit and a column per gap, then the changes and the counts', () => {
    const text = renderHistory(result);
    const lines = text.split('\n');
    expect(lines[0]?.split(/\s{2,}/)).toEqual(['COMMIT', 'DATE', 'SUBJECT', 'VERDICTS', ...GAP_IDS]);
    expect(lines[2]?.split(/\s{2,}/)).toEqual(['1111111', '2026-02-01', 'Add the guardrails', 'probed', ...GAP_IDS.map(() => 'closed')]);
    expect(lines[3]?.split(/\s{2,}/).slice(0, 4)).toEqual(['2222222', '2026-02-02', 'Hand-built args <script>alert(1)</scrip…', 'cache']);
    expect(lines[4]?.split(/\s{2,}/).slice(0, 4)).toEqual(['3333333', '2026-02-03', 'Revert it', 'as 1111111']);
    expect(text).toContain('  graphql-escaping\n    2222222  closed → present            Hand-built');
    expect(text).toContain(`  no change: ${GAP_IDS.filter((id) => id !== 'graphql-escaping').join(', ')}\n`);
    expect(text).toContain('3 of 5 commits on the first-parent line of HEAD touched scripts/spec_ops_004: 2 distinct guardrail trees.');
    expect(text).toContain('Probes: 1; 1 tree from the cache, 1 commit reusing a tree examined in this run (cache /cache)');
  });

  it('--report-json: commits with their gaps, and the changes', () => {
    const json = buildHistoryJson(result);
    expect(json.commits.map((entry) => [entry.sha, entry.source, entry.sameTreeAs])).toEqual([
      [c1.sha, 'probed', null],
      [c2.sha, 'cache', null],
      [c3.sha, 'same-tree', c1.sha],
    ]);
    expect(json.commits[1]?.gaps.find((gap) => gap.id === 'graphql-escaping')).toEqual({
      id: 'graphql-escaping',
      state: 'present',
      reason: 'the body "broke" <here>',
    });
    expect(json.changes).toBe(result.changes);
    expect(Object.keys(json)).toEqual(['repo', 'range', 'paths', 'cache', 'probes', 'cacheHits', 'reused', 'commits', 'changes']);
  });

  it('the page escapes what commits and verdicts say, needs no network, and links the bundles that are there', () => {
    const page = join(scratch, 'SPEC-KIT-018', 'x-history.html');
    const html = renderHistoryHtml(result, page, '2026-02-04T00:00:00Z');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('Hand-built args &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('title="the body &quot;broke&quot; &lt;here&gt;"');
    expect(html).toContain(`content="default-src 'none'`);
    expect(html).not.toMatch(/<script/);
    expect(html).toContain('<a href="20260101T000000Z-aaaaaa-1111111-gaps/index.html">gaps</a>');
    expect(html).toContain('<a href="20260101T000000Z-aaaaaa-1111111-gaps-hal-off">gaps-hal-off</a>');
    expect(html).not.toContain('gone-gaps');
    expect(html).toMatch(/<td class="state present changed" title="[^"]*">present<\/td>/);
    expect(html).toContain(`<a href="#c-${c3.sha}"><code>3333333</code></a>`);
  });
});

describe('bisect output', () => {
  const step = (role: 'good' | 'bad' | 'step', at: CommitInfo, tree: TreeVerdicts, reused = false) => ({
    role,
    commit: at,
    verdict: tree.gaps.find((gap) => gap.id === 'graphql-escaping') as GapVerdict,
    verdicts: tree,
    reused,
  });
  const merge = commit(4, "Merge branch 'feature'", [c3.sha, commit(5, 'side').sha]);
  const found: BisectResult = {
    repo: '/repo',
    gap: 'graphql-escaping' as GapId,
    paths: ['scripts/spec_ops_004'],
    cacheDir: null,
    outcome: 'found',
    good: c1,
    bad: merge,
    searched: 3,
    commit: merge,
    verdict: rows[1]?.verdicts.gaps[4] as GapVerdict,
    candidates: [],
    steps: [step('good', c1, verdicts('t0', 'closed')), step('bad', merge, verdicts('t1', 'present')), step('step', c3, verdicts('t2', 'not-testable'))],
    probes: 3,
    cacheHits: 0,
    reused: 0,
  };

  it('names the commit, says when it is a merge, and shows the evidence', () => {
    const text = renderBisect(found);
    expect(text).toContain(`First commit with graphql-escaping present: ${merge.sha} 2026-02-04 Merge branch 'feature'`);
    expect(text).toContain(`It is a merge: the gap came in from its other parent (${commit(5, 'side').sha})`);
    expect(text).toContain('    healthy/validate  graphql-escaping: graphql_ping never arrived');
    expect(text).toMatch(/^ {2}step {2}3333333 {2}2026-02-03 {2}not-testable {2}probed \(skipped\) +Revert it$/m);
    expect(text).toContain('Probes: 3; 0 trees from the cache, 0 commits reusing a tree examined in this run (no cache)');
  });

  it('--report-json: the outcome, the commit, the verdict and every step', () => {
    const json = buildBisectJson(found);
    expect(json).toMatchObject({ outcome: 'found', gap: 'graphql-escaping', commit: { sha: merge.sha, parents: merge.parents }, probes: 3, cache: null });
    expect((json.steps as { role: string; state: string; source: string }[]).map((entry) => [entry.role, entry.state, entry.source])).toEqual([
      ['good', 'closed', 'probed'],
      ['bad', 'present', 'probed'],
      ['step', 'not-testable', 'probed'],
    ]);
  });

  it('an ambiguous result lists what it could be, with why each skipped commit was not testable', () => {
    const ambiguous: BisectResult = { ...found, outcome: 'ambiguous', commit: null, verdict: null, candidates: [c3, merge] };
    const text = renderBisect(ambiguous);
    expect(text).toContain(
      'so it came in at one of these (oldest first):\n  3333333  2026-02-03  not-testable  Revert it: the body "broke" <here>\n  4444444  2026-02-04  present       Merge branch \'feature\'\n',
    );
    expect((buildBisectJson(ambiguous).candidates as { state: string }[]).map((entry) => entry.state)).toEqual(['not-testable', 'present']);
  });
});
