// `bisect`: the first commit on bad's first-parent line, after good, at which a gap is
// present. Only commits that touched the guardrail paths can change a verdict, so only they
// are searched, by halving: about log2(N) examinations for N of them, each tree probed once
// (and not at all when the cache has it). A commit where the gap is not testable is skipped,
// as `git bisect skip` does.
import { GAP_IDS, type GapId, type GapState } from '../gaps/index.ts';
import { type Examined, openExamineSession, stateOf } from './examine.ts';
import { type CommitInfo, commitInfo, HistoryError, isAncestor, resolveCommit, touchingCommits } from './git.ts';
import type { BisectOptions, BisectResult, BisectStep } from './model.ts';

export type SearchOutcome = { kind: 'found'; index: number } | { kind: 'ambiguous'; indices: number[] };

/**
 * Searches candidates 0..count-1, oldest first, for the first one whose state is present.
 * Before index 0 the state is closed (good); the last candidate's is present (bad shares its
 * tree). `stateAt` is asked about as few candidates as halving allows; a not-testable one is
 * skipped, and the one nearest the middle of what is left is asked instead. When skipped
 * candidates remain right before the first present one, the answer is ambiguous: any of them,
 * or that first present one.
 */
export async function searchFirstPresent(count: number, stateAt: (index: number) => Promise<GapState>): Promise<SearchOutcome> {
  let closed = -1;
  let present = count - 1;
  const skipped = new Set<number>();
  for (;;) {
    const middle = Math.floor((closed + present) / 2);
    let next: number | undefined;
    for (let index = closed + 1; index < present; index += 1) {
      if (skipped.has(index)) continue;
      if (next === undefined || Math.abs(index - middle) < Math.abs(next - middle)) next = index;
    }
    if (next === undefined) break;
    const state = await stateAt(next);
    if (state === 'present') present = next;
    else if (state === 'closed') closed = next;
    else skipped.add(next);
  }
  const between = [...skipped].filter((index) => index > closed && index < present).sort((a, b) => a - b);
  return between.length === 0 ? { kind: 'found', index: present } : { kind: 'ambiguous', indices: [...between, present] };
}

export async function bisectGap(options: BisectOptions): Promise<BisectResult> {
  if (!(GAP_IDS as readonly string[]).includes(options.gap)) {
    throw new HistoryError(`--gap ${JSON.stringify(options.gap)} is not a gap; use one of ${GAP_IDS.join(', ')}`);
  }
  const gap: GapId = options.gap;
  const { root, paths, cacheDir, examiner } = await openExamineSession(options, options.concurrency);
  const goodSha = await resolveCommit(root, options.good, '--good');
  const badSha = await resolveCommit(root, options.bad, '--bad');
  if (goodSha === badSha) {
    throw new HistoryError(
      `--good ${options.good} and --bad ${options.bad} are the same commit (${goodSha.slice(0, 12)}); give a good commit older than the bad one`,
    );
  }
  if (!(await isAncestor(root, goodSha, badSha))) {
    throw new HistoryError(
      `--good ${options.good} is not an ancestor of --bad ${options.bad}; bisect searches the commits between them, so give a good commit that bad descends from`,
    );
  }
  const [good, bad] = await Promise.all([commitInfo(root, goodSha), commitInfo(root, badSha)]);
  const candidates = await touchingCommits(root, { text: `${goodSha}..${badSha}`, from: goodSha, to: badSha }, paths);
  // The search takes good's verdicts for the commit the searched line starts from: true when
  // good is on bad's first-parent line, or when that commit has good's guardrail files anyway.
  const start = candidates[0]?.parents[0];
  if (candidates.length > 0 && (start === undefined || (await examiner.treeOf(start)) !== (await examiner.treeOf(goodSha)))) {
    throw new HistoryError(
      `--good ${options.good} is reached from --bad ${options.bad} only through a merged branch, and the first-parent line it would be searched on starts ` +
        `from other guardrail files (${start === undefined ? 'no commit' : start.slice(0, 12)}); give a good commit on that line (git log --first-parent --oneline ${options.bad} lists them)`,
    );
  }
  const steps: BisectStep[] = [];
  const examine = async (role: BisectStep['role'], commit: CommitInfo): Promise<BisectStep> => {
    const examined: Examined = await examiner.examine(commit);
    return { role, commit, verdict: stateOf(examined.verdicts, gap), verdicts: examined.verdicts, reused: examined.reused };
  };
  const look = async (role: BisectStep['role'], commit: CommitInfo): Promise<BisectStep> => {
    const step = await examine(role, commit);
    steps.push(step);
    return step;
  };
  // Both ends at once; listed good first whichever finishes first.
  const [atGood, atBad] = await Promise.all([examine('good', good), examine('bad', bad)]);
  steps.push(atGood, atBad);
  const result = (outcome: BisectResult['outcome'], found: BisectStep | null = null, ambiguous: CommitInfo[] = []): BisectResult => ({
    repo: root,
    gap,
    paths,
    cacheDir,
    outcome,
    good,
    bad,
    searched: candidates.length,
    commit: found?.commit ?? null,
    verdict: found?.verdict ?? null,
    candidates: ambiguous,
    steps,
    ...examiner.counts,
  });
  if (atGood.verdict.state === 'not-testable' || atBad.verdict.state === 'not-testable') return result('untestable');
  if (atGood.verdict.state === 'present') return result('good-has-gap');
  if (atBad.verdict.state === 'closed') return result('bad-lacks-gap');
  if (candidates.length === 0) {
    throw new HistoryError(
      `good and bad differ for ${gap}, yet no commit on bad's first-parent line after good touched ${paths.join(', ')}; give --paths every file the verdict depends on, and a good commit on bad's first-parent line`,
    );
  }
  const outcome = await searchFirstPresent(candidates.length, async (index) => (await look('step', candidates[index] as CommitInfo)).verdict.state);
  if (outcome.kind === 'ambiguous')
    return result(
      'ambiguous',
      null,
      outcome.indices.map((index) => candidates[index] as CommitInfo),
    );
  const first = candidates[outcome.index] as CommitInfo;
  // The last candidate shares bad's tree, so it may never have been asked about.
  const found = steps.find((step) => step.role === 'step' && step.commit.sha === first.sha) ?? (await look('step', first));
  return result('found', found);
}
