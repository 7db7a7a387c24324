// transition: across the runs of one flow, in scenario order, the reported statuses move
// as the expectations do (healthy passed → degraded failed, and back in a window).
import { type CheckResultOf, result } from './result.ts';

export type TransitionReason =
  /** Fewer than two runs of the flow: nothing moves. */
  | 'single-run'
  /** A shard holds part of each pair; merge judges the transition over all shards. */
  | 'partial-shard'
  | 'as-expected'
  | 'unexpected-sequence';

export interface TransitionInput {
  flow: string;
  label: string;
  observed: string | null;
  expected: 'passed' | 'failed';
}

/** `expected` and `seen` hold the run labels and their statuses in order (null: the run reported none). */
export function checkTransition(runs: readonly TransitionInput[]): CheckResultOf<TransitionReason> {
  const id = 'transition';
  const labels = runs.map((run) => run.label);
  const expected = { runs: labels, statuses: runs.map((run) => run.expected) };
  const seen = { runs: labels, statuses: runs.map((run) => run.observed) };
  if (runs.length < 2) {
    return result(id, 'not-applicable', 'a transition needs at least two runs of the flow (for example healthy and degraded)', {
      reason: 'single-run',
      expected,
      seen,
    });
  }
  const seenText = runs.map((run) => run.observed ?? 'none').join('→');
  const wanted = expected.statuses.join('→');
  return seenText === wanted
    ? result(id, 'passed', `${labels.join(', ')}: ${seenText}, as expected`, { reason: 'as-expected', expected, seen })
    : result(id, 'failed', `${labels.join(', ')}: expected ${wanted}, saw ${seenText}`, { reason: 'unexpected-sequence', expected, seen });
}

/** The placeholder a shard's runs carry until merge judges the transition. */
export function notApplicableTransition(message: string): CheckResultOf<TransitionReason> {
  return result('transition', 'not-applicable', message, { reason: 'partial-shard', expected: null, seen: null });
}
