// `history`: the gap verdicts of every commit on a range's first-parent line that touched the
// guardrail paths, oldest first, and where each gap's state changed. Commits with the same
// guardrail tree share one examination; distinct trees are probed up to `concurrency` at once.
import { availableParallelism } from 'node:os';
import { GAP_IDS } from '../gaps/index.ts';
import { pool } from '../run/scratch.ts';
import { openExamineSession, stateOf } from './examine.ts';
import { type CommitInfo, firstParentCount, HistoryError, resolveRange, touchingCommits } from './git.ts';
import type { GapChange, HistoryOptions, HistoryResult, HistoryRow } from './model.ts';

/** Each gap's state against the row before it; the first row starts the history and changes nothing. */
export function gapChanges(rows: readonly HistoryRow[]): GapChange[] {
  const changes: GapChange[] = [];
  for (const gap of GAP_IDS) {
    rows.forEach((row, index) => {
      const before = rows[index - 1];
      if (before === undefined) return;
      const from = stateOf(before.verdicts, gap).state;
      const to = stateOf(row.verdicts, gap).state;
      if (from !== to) changes.push({ gap, sha: row.commit.sha, from, to });
    });
  }
  return changes;
}

/** Runs that share the cores: a probe's runs get an equal part of them. */
function runsPerProbe(commitsAtOnce: number): number | undefined {
  return commitsAtOnce <= 1 ? undefined : Math.max(1, Math.floor(availableParallelism() / commitsAtOnce));
}

export async function runHistory(options: HistoryOptions): Promise<HistoryResult> {
  const concurrency = options.concurrency ?? 1;
  const { root, paths, cacheDir, examiner } = await openExamineSession(options, runsPerProbe(concurrency));
  const range = await resolveRange(root, options.range);
  const commits = await touchingCommits(root, range, paths);
  if (commits.length === 0) {
    throw new HistoryError(
      `no commit on the first-parent line of ${range.text} touched ${paths.join(', ')}; check --range, and give --paths where the guardrail scripts live`,
    );
  }
  const trees = await pool(commits, 8, (commit) => examiner.treeOf(commit.sha));
  // The oldest commit of each tree is examined; the later ones reuse its verdicts.
  const firstOfTree = new Map<string, CommitInfo>();
  commits.forEach((commit, index) => {
    const tree = trees[index] as string;
    if (!firstOfTree.has(tree)) firstOfTree.set(tree, commit);
  });
  const leaders = [...firstOfTree.values()];
  const examined = await pool(leaders, concurrency, (commit) => examiner.examine(commit));
  const rows: HistoryRow[] = [];
  for (const [index, commit] of commits.entries()) {
    const first = firstOfTree.get(trees[index] as string) as CommitInfo;
    // A later commit of a tree goes through the examiner too, which counts it as reused.
    const verdicts = first === commit ? examined[leaders.indexOf(commit)]?.verdicts : (await examiner.examine(commit)).verdicts;
    rows.push({ commit, verdicts: verdicts as HistoryRow['verdicts'], sameTreeAs: first === commit ? null : first.sha });
  }
  const newest = rows.at(-1) as HistoryRow;
  return {
    repo: root,
    range: range.text,
    paths,
    cacheDir,
    firstParentCommits: await firstParentCount(root, range),
    rows,
    changes: gapChanges(rows),
    ok: newest.verdicts.gaps.every((gap) => gap.state !== 'present'),
    ...examiner.counts,
  };
}
