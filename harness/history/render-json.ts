// The --report-json documents of history and bisect.
import type { GapId, GapState, GapVerdict } from '../gaps/index.ts';
import type { CommitInfo } from './git.ts';
import type { BisectResult, GapChange, HistoryResult, HistoryRow, VerdictSource } from './model.ts';

/** Where a row's verdicts came from; same-tree: from the earlier row `sameTreeAs`. */
export type RowSource = VerdictSource | 'same-tree';

export interface HistoryJson {
  repo: string;
  range: string;
  paths: string[];
  cache: string | null;
  probes: number;
  cacheHits: number;
  reused: number;
  commits: {
    sha: string;
    date: string;
    subject: string;
    parents: string[];
    tree: string;
    source: RowSource;
    sameTreeAs: string | null;
    problem: string | null;
    bundles: string[];
    gaps: { id: GapId; state: GapState; reason: string }[];
  }[];
  changes: GapChange[];
}

export function rowSourceOf(row: HistoryRow): RowSource {
  return row.sameTreeAs === null ? row.verdicts.source : 'same-tree';
}

export function buildHistoryJson(result: HistoryResult): HistoryJson {
  return {
    repo: result.repo,
    range: result.range,
    paths: result.paths,
    cache: result.cacheDir,
    probes: result.probes,
    cacheHits: result.cacheHits,
    reused: result.reused,
    commits: result.rows.map((row) => ({
      sha: row.commit.sha,
      date: row.commit.date,
      subject: row.commit.subject,
      parents: row.commit.parents,
      tree: row.verdicts.tree,
      source: rowSourceOf(row),
      sameTreeAs: row.sameTreeAs,
      problem: row.verdicts.problem,
      bundles: row.verdicts.bundles,
      gaps: row.verdicts.gaps.map(({ id, state, reason }) => ({ id, state, reason })),
    })),
    changes: result.changes,
  };
}

const commitJson = ({ sha, date, subject, parents }: CommitInfo) => ({ sha, date, subject, parents });

export function buildBisectJson(result: BisectResult): Record<string, unknown> {
  const stateAt = (commit: CommitInfo) => result.steps.find((step) => step.commit.sha === commit.sha)?.verdict.state ?? null;
  return {
    repo: result.repo,
    gap: result.gap,
    paths: result.paths,
    cache: result.cacheDir,
    outcome: result.outcome,
    good: { ...commitJson(result.good), state: stateAt(result.good) },
    bad: { ...commitJson(result.bad), state: stateAt(result.bad) },
    searched: result.searched,
    commit: result.commit ? commitJson(result.commit) : null,
    verdict: result.verdict satisfies GapVerdict | null,
    // The one candidate never examined is the last, which shares bad's tree.
    candidates: result.candidates.map((commit) => ({ ...commitJson(commit), state: stateAt(commit) ?? stateAt(result.bad) })),
    steps: result.steps.map((step) => ({
      role: step.role,
      sha: step.commit.sha,
      state: step.verdict.state,
      reason: step.verdict.reason,
      source: step.reused ? 'same-tree' : step.verdicts.source,
      bundles: step.verdicts.bundles,
    })),
    probes: result.probes,
    cacheHits: result.cacheHits,
    reused: result.reused,
  };
}
