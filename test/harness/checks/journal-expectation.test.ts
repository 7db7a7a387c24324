// The expectation of a smoke run read from its journal, on journals built by hand: which
// answer decides a check, what a check never requested counts as, when the scenario's
// expect stands, and which runs are judged this way at all.
import { describe, expect, it } from 'vitest';
import {
  entryFailure,
  expectationFromJournal,
  journalOutcomes,
  judgedByJournal,
  phaseHasChoice,
  runExpectation,
} from '../../../harness/checks/journal-expectation.ts';
import type { Expectation, JournalEntry } from '../../../mock-hal/index.ts';
import { resolveScenario } from '../../../mock-hal/index.ts';
import { journalEntry } from '../../support/run-record.ts';

const WORST: Expectation = { status: 'failed', failedChecks: ['health', 'list_movies', 'indexer_test', 'graphql_ping'] };
const allPassing = (): JournalEntry[] => [
  journalEntry('health', 200, { failure: null }),
  journalEntry('list_movies', 200, { failure: null }),
  journalEntry('indexer_test', 200, { failure: null }),
  journalEntry('graphql_ping', 200, { failure: null }),
];

describe('entryFailure', () => {
  it("takes the mock's own judgment when the entry has one, body included", () => {
    expect(entryFailure('health', journalEntry('health', 200, { failure: 'body is not JSON' }))).toBe('body is not JSON');
    expect(entryFailure('graphql_ping', journalEntry('graphql_ping', 503, { failure: null }))).toBeNull();
  });

  it("judges an older mock's entry by its status and fault alone", () => {
    expect(entryFailure('health', journalEntry('health', 200))).toBeNull();
    expect(entryFailure('health', journalEntry('health', 503))).toBe('HTTP 503');
    expect(entryFailure('health', journalEntry('health', null))).toBe('connection failed');
  });
});

describe('journalOutcomes', () => {
  it('lets the last request of a check decide, and says why it fails', () => {
    const outcomes = journalOutcomes([
      journalEntry('graphql_ping', 503, { failure: 'HTTP 503' }),
      journalEntry('graphql_ping', 200, { failure: null }),
      journalEntry('health', 200, { failure: null }),
      journalEntry('health', 200, { failure: 'body is not JSON' }),
    ]);
    expect(outcomes.graphql_ping).toEqual({ requests: 2, status: 200, fault: null, failure: null, ok: true });
    expect(outcomes.health).toEqual({ requests: 2, status: 200, fault: null, failure: 'body is not JSON', ok: false });
    expect(outcomes.list_movies).toEqual({ requests: 0, status: null, fault: null, failure: null, ok: false });
  });

  it('gives a fault no status', () => {
    expect(journalOutcomes([journalEntry('list_movies', null, { failure: 'connection failed' })]).list_movies).toMatchObject({
      status: null,
      fault: 'reset',
      ok: false,
    });
  });
});

describe('expectationFromJournal', () => {
  it("expects exactly the checks whose last answer failed, whatever the scenario's worst case", () => {
    const journal = allPassing();
    journal.push(journalEntry('graphql_ping', 503, { failure: 'HTTP 503' }));
    expect(expectationFromJournal(journal, WORST)).toEqual({
      expect: { status: 'failed', failedChecks: ['graphql_ping'] },
      from: 'journal',
      noSmokeRequest: false,
    });
  });

  it('expects passed when every check got a passing last answer', () => {
    expect(expectationFromJournal(allPassing(), WORST)).toEqual({ expect: { status: 'passed', failedChecks: [] }, from: 'journal', noSmokeRequest: false });
  });

  it('counts a check the guardrail never requested as failed: it got no passing answer', () => {
    const journal = allPassing().filter((entry) => entry.check !== 'indexer_test');
    expect(expectationFromJournal(journal, { status: 'passed', failedChecks: [] }).expect).toEqual({ status: 'failed', failedChecks: ['indexer_test'] });
  });

  it("keeps the scenario's expect, and says so, when the journal holds no smoke request", () => {
    const other: JournalEntry = { ...journalEntry('health', 404), path: '/favicon.ico', check: null };
    for (const journal of [[], [other]]) {
      expect(expectationFromJournal(journal, WORST)).toEqual({ expect: WORST, from: 'scenario', noSmokeRequest: true });
    }
  });
});

describe('which runs are judged by their journal', () => {
  const flaky = resolveScenario('flaky');
  const window = resolveScenario('flaky-window');
  const healthy = resolveScenario('healthy');

  it('a phase with a per-request choice: flaky, and only the window of flaky-window', () => {
    expect(phaseHasChoice(flaky.phases[0]!)).toBe(true);
    expect(window.phases.map((phase) => [phase.name, phaseHasChoice(phase)])).toEqual([
      ['before', false],
      ['window', true],
      ['after', false],
    ]);
    expect(phaseHasChoice(healthy.phases[0]!)).toBe(false);
  });

  it('validate and audit only; every smoke run behind a proxy', () => {
    expect(judgedByJournal('validate', flaky.phases[0]!, false)).toBe(true);
    expect(judgedByJournal('audit', flaky.phases[0]!, false)).toBe(true);
    expect(judgedByJournal('plan', flaky.phases[0]!, false)).toBe(false);
    expect(judgedByJournal('plan', healthy.phases[0]!, true)).toBe(false);
    expect(judgedByJournal('validate', healthy.phases[0]!, false)).toBe(false);
    expect(judgedByJournal('validate', healthy.phases[0]!, true)).toBe(true);
  });

  it("runExpectation: the scenario's expect for the others, whatever the journal holds", () => {
    const journal = allPassing();
    const phase = flaky.phases[0]!;
    expect(runExpectation({ flow: 'plan', phase, proxied: false, journal })).toEqual({ expect: phase.expect, from: 'scenario', noSmokeRequest: false });
    expect(runExpectation({ flow: 'validate', phase: healthy.phases[0]!, proxied: false, journal: [] })).toEqual({
      expect: healthy.phases[0]!.expect,
      from: 'scenario',
      noSmokeRequest: false,
    });
    expect(runExpectation({ flow: 'audit', phase, proxied: false, journal })).toMatchObject({
      expect: { status: 'passed', failedChecks: [] },
      from: 'journal',
    });
    expect(
      runExpectation({ flow: 'audit', phase: healthy.phases[0]!, proxied: true, journal: [journalEntry('health', 401, { failure: 'HTTP 401' })] }),
    ).toMatchObject({
      expect: { status: 'failed', failedChecks: ['health', 'list_movies', 'indexer_test', 'graphql_ping'] },
      from: 'journal',
    });
  });
});
