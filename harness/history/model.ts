// The shapes of `history` and `bisect`: their options, a commit's verdicts and where they
// came from, a history's rows and changes, a bisection's steps and outcome.
import type { GapId, GapState, GapVerdict } from '../gaps/index.ts';
import type { ProbeOptions } from '../gaps/model.ts';
import { DEFAULT_MANIFEST } from '../run/runner.ts';
import type { EnvSetting } from '../run/types.ts';
import type { CommitInfo } from './git.ts';

/**
 * What a verdict depends on, by default: the scripts; the root Cargo.toml, which a cargo call
 * without --manifest-path finds (manifest-path, and the root-manifest probe of status-by-body);
 * and the workspace manifest the scripts name. The Rust sources are left out: the hermetic
 * transport runs the kit's own call_tool, so they never change a verdict.
 */
export const DEFAULT_HISTORY_PATHS: readonly string[] = ['scripts/spec_ops_004', 'Cargo.toml', DEFAULT_MANIFEST];

export interface ProbeCounts {
  /** detectGaps calls: real probes. */
  probes: number;
  /** Trees whose verdicts were read from the cache folder. */
  cacheHits: number;
  /** Commits whose tree was already examined in this run. */
  reused: number;
}

/**
 * probed: detectGaps ran on this commit; cache: an earlier run probed the same tree;
 * no-scripts: the commit has none of the probe flows' scripts, so every gap is not testable;
 * error: the commit could not be probed (why is in `problem`), so every gap is not testable.
 */
export type VerdictSource = 'probed' | 'cache' | 'no-scripts' | 'error';

export interface TreeVerdicts {
  /** A hash of the object ids of the paths: the guardrail tree. */
  tree: string;
  source: VerdictSource;
  /** The commit that was examined; for a cache entry, the one probed when it was written. */
  sha: string;
  probedAt: string | null;
  gaps: GapVerdict[];
  /** The evidence bundles of the probe (none for no-scripts and error). */
  bundles: string[];
  problem: string | null;
}

export interface ExamineOptions {
  specId?: string;
  out?: string;
  env?: readonly EnvSetting[];
  /** Parallel runs inside one probe. */
  runConcurrency?: number;
  timeoutSeconds?: number;
  /** Called once per tree, when it has been probed, read from the cache or found to have no scripts, with how long that took. */
  onExamined?: (commit: CommitInfo, verdicts: TreeVerdicts, ms: number) => void;
}

/** What history and bisect both take. */
export interface CommitProbeOptions extends Omit<ProbeOptions, 'repo' | 'pairId' | 'concurrency'> {
  /** The root of a git repository; only read. */
  repo: string;
  /** Files and folders whose content decides the verdicts (default DEFAULT_HISTORY_PATHS). */
  paths?: readonly string[];
  /** The cache folder (default defaultCacheDir()); null keeps none. */
  cacheDir?: string | null;
  onExamined?: ExamineOptions['onExamined'];
}

export interface HistoryOptions extends CommitProbeOptions {
  /** A..B, A.. or a single revision (default: HEAD's whole history). */
  range?: string;
  /** Commits probed at once (default 1); their runs share the cores. */
  concurrency?: number;
}

export interface HistoryRow {
  commit: CommitInfo;
  verdicts: TreeVerdicts;
  /** The earlier row of this table with the same guardrail tree, whose verdicts these are. */
  sameTreeAs: string | null;
}

/** A gap whose state at `sha` differs from the row before. */
export interface GapChange {
  gap: GapId;
  sha: string;
  from: GapState;
  to: GapState;
}

export interface HistoryResult extends ProbeCounts {
  repo: string;
  range: string;
  paths: string[];
  cacheDir: string | null;
  /** Commits on the range's first-parent line, whether they touched the paths or not. */
  firstParentCommits: number;
  /** Oldest first: the commits of the first-parent line that touched the paths. */
  rows: HistoryRow[];
  /** By gap (in GAP_IDS order), then oldest first. */
  changes: GapChange[];
  /** The newest row has no gap present. */
  ok: boolean;
}

export interface BisectOptions extends CommitProbeOptions {
  gap: GapId;
  good: string;
  bad: string;
  /** Parallel runs inside each probe (default: the number of cores). */
  concurrency?: number;
}

/**
 * found: `commit` is the first commit with the gap present after the last one with it closed;
 * good-has-gap, bad-lacks-gap: the endpoints do not say closed, then present;
 * ambiguous: not-testable commits stand next to the change, so it is one of `candidates`;
 * untestable: good or bad itself cannot be tested for the gap.
 */
export type BisectOutcome = 'found' | 'good-has-gap' | 'bad-lacks-gap' | 'ambiguous' | 'untestable';

export interface BisectStep {
  role: 'good' | 'bad' | 'step';
  commit: CommitInfo;
  verdict: GapVerdict;
  verdicts: TreeVerdicts;
  /** The tree had been examined already in this bisection. */
  reused: boolean;
}

export interface BisectResult extends ProbeCounts {
  repo: string;
  gap: GapId;
  paths: string[];
  cacheDir: string | null;
  outcome: BisectOutcome;
  good: CommitInfo;
  bad: CommitInfo;
  /** How many commits after good on bad's first-parent line touched the paths: what was searched. */
  searched: number;
  /** found: the commit; ambiguous: null. */
  commit: CommitInfo | null;
  verdict: GapVerdict | null;
  /** ambiguous: what it could be, oldest first (the skipped commits, then the first one seen with the gap present). */
  candidates: CommitInfo[];
  /** Every commit examined, in order. */
  steps: BisectStep[];
}
