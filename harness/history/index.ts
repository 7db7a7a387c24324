// Gaps across a repository's history. The parts live in harness/history/: git.ts (read-only
// git plumbing: revisions, the commits that touched the paths, their trees, git archive),
// tree-cache.ts (verdicts kept per guardrail tree), examine.ts (one commit's verdicts: from
// this run, the cache, or a probe), history.ts and bisect.ts (the two commands' work),
// model.ts (their shapes), and the output: render-console.ts, render-json.ts, render-html.ts.

export { bisectGap, searchFirstPresent } from './bisect.ts';
export { type CommitInfo, HistoryError } from './git.ts';
export { gapChanges, runHistory } from './history.ts';
export {
  type BisectOptions,
  type BisectOutcome,
  type BisectResult,
  type BisectStep,
  type CommitProbeOptions,
  DEFAULT_HISTORY_PATHS,
  type GapChange,
  type HistoryOptions,
  type HistoryResult,
  type HistoryRow,
  type ProbeCounts,
  type TreeVerdicts,
  type VerdictSource,
} from './model.ts';
export { examinedLine, renderBisect, renderHistory } from './render-console.ts';
export { renderHistoryHtml, writeHistoryHtml } from './render-html.ts';
export { buildBisectJson, buildHistoryJson, type HistoryJson } from './render-json.ts';
export { defaultCacheDir } from './tree-cache.ts';
