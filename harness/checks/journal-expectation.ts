// What the mock's journal says about each smoke check, and the expectation of a smoke run
// read from it. A scenario's `expect` is written before the run; when the answers are
// decided per request (flaky, sequence, jittered delay) or come from a real API behind a
// proxy, it cannot know what this run saw, so the run is judged by what the mock answered.
// The runner (the run's expectation) and the checks that compare telemetry with the
// journal (journal-consistency, artifacts) read the journal through this one rule.
import { checkFailure, journalAnswer } from '../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES, type CheckName, type Expectation, hasChoice, type JournalEntry, type Phase } from '../../mock-hal/index.ts';
import { type Flow, SMOKE_FLOWS } from '../run/types.ts';

/** Where a run's expectation came from: the scenario's `expect`, or the answers its journal holds. */
export type ExpectationSource = 'scenario' | 'journal';

/**
 * Why a correct guardrail must count this smoke answer as a failed check, or null when it
 * passes. The mock's own judgment (`failure`, made on what it sent, body included) when the
 * entry has one; an older mock's entry is judged by its status and fault alone.
 */
export function entryFailure(check: CheckName, entry: Pick<JournalEntry, 'status' | 'fault' | 'failure'>): string | null {
  return entry.failure !== undefined ? entry.failure : checkFailure(check, journalAnswer(entry));
}

/** Per smoke check, what the mock saw: the last request decides, as it is the answer the guardrail acted on. */
export interface JournalOutcome {
  requests: number;
  /** The last request's HTTP status, null when it got no answer or never came. */
  status: number | null;
  /** The fault the mock injected into the last request, if any. */
  fault: string | null;
  /** Why the last answer fails the check (entryFailure); null when it passes or never came. */
  failure: string | null;
  /** A request came and its last answer passes. */
  ok: boolean;
}

/** Journal order is the order the answers completed, so the last entry of a check is its latest answer. */
export function journalOutcomes(journal: readonly JournalEntry[]): Record<CheckName, JournalOutcome> {
  const outcomes = {} as Record<CheckName, JournalOutcome>;
  for (const check of CHECK_NAMES) {
    const entries = journal.filter((entry) => entry.check === check);
    const last = entries.at(-1);
    const failure = last ? entryFailure(check, last) : null;
    outcomes[check] = {
      requests: entries.length,
      status: last && !last.fault ? last.status : null,
      fault: last?.fault ?? null,
      failure,
      ok: last !== undefined && failure === null,
    };
  }
  return outcomes;
}

/** True when the phase's answers can differ from one request to the next, so its `expect` is only the worst case. */
export function phaseHasChoice(phase: Pick<Phase, 'endpoints'>): boolean {
  return Object.values(phase.endpoints).some((behaviour) => behaviour !== undefined && hasChoice(behaviour));
}

/** Whether a run is judged by its journal: a smoke run whose phase decides per request, or any smoke run through a proxy. */
export function judgedByJournal(flow: Flow, phase: Pick<Phase, 'endpoints'>, proxied: boolean): boolean {
  return SMOKE_FLOWS.includes(flow) && (proxied || phaseHasChoice(phase));
}

export interface RunExpectation {
  expect: Expectation;
  from: ExpectationSource;
  /** Judging by the journal was wanted, but it holds no smoke request (a skipped smoke, say): the scenario's expect stands. */
  noSmokeRequest: boolean;
}

/**
 * The expectation of a smoke run from its journal: a check fails when its last answer
 * fails by the contract rule, or when the guardrail never requested it (it got no passing
 * answer); the run fails when any check does. A journal with no smoke request at all keeps
 * `fallback`, the scenario's expectation.
 */
export function expectationFromJournal(journal: readonly JournalEntry[], fallback: Expectation): RunExpectation {
  const outcomes = journalOutcomes(journal);
  if (CHECK_NAMES.every((check) => outcomes[check].requests === 0)) return { expect: fallback, from: 'scenario', noSmokeRequest: true };
  const failedChecks = CHECK_NAMES.filter((check) => !outcomes[check].ok);
  return { expect: { status: failedChecks.length > 0 ? 'failed' : 'passed', failedChecks }, from: 'journal', noSmokeRequest: false };
}

/** A run's expectation: the scenario's, unless judgedByJournal says the journal decides. */
export function runExpectation(input: {
  flow: Flow;
  phase: Pick<Phase, 'endpoints' | 'expect'>;
  proxied: boolean;
  journal: readonly JournalEntry[];
}): RunExpectation {
  if (!judgedByJournal(input.flow, input.phase, input.proxied)) return { expect: input.phase.expect, from: 'scenario', noSmokeRequest: false };
  return expectationFromJournal(input.journal, input.phase.expect);
}
