// journal-consistency, holding, failing and not applying, on the exact input it judges:
// the message for people, and the detail for tools (reason code, expected and seen as values).
import { describe, expect, it } from 'vitest';
import { checkJournalConsistency } from '../../../harness/checks/journal-consistency.ts';
import { readTelemetry } from '../../../harness/checks/run-view.ts';
import { journalEntry, planRun, smokeRun, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

describe('journal-consistency', () => {
  it('holds when telemetry agrees with what the mock saw', () => {
    const run = smokeRun(workspace(), { failed: ['graphql_ping'] });
    const result = checkJournalConsistency(run, view(run));
    expect(result).toMatchObject({
      ok: true,
      detail: { reason: 'consistent', expected: { failedChecks: ['graphql_ping'] }, seen: { status: 'failed', failedChecks: ['graphql_ping'] } },
    });
    expect((result.detail.seen as { journal: Record<string, unknown> }).journal.graphql_ping).toEqual({
      requests: 1,
      status: 500,
      fault: null,
      failure: 'HTTP 500',
      ok: false,
    });
  });
  it('fails: passed although a check never arrived or got a 5xx; failed_checks leaving one out or missing', () => {
    const neverArrived = smokeRun(workspace(), {
      record: { journal: [journalEntry('health', 200), journalEntry('list_movies', 200), journalEntry('indexer_test', 200)] },
    });
    expect(checkJournalConsistency(neverArrived, view(neverArrived))).toMatchObject({
      message: expect.stringMatching(/telemetry says passed, but graphql_ping never reached the mock/),
      detail: {
        reason: 'passed-despite-failures',
        expected: { failedChecks: ['graphql_ping'] },
        seen: { status: 'passed', journal: { graphql_ping: { requests: 0, ok: false } } },
      },
    });
    const fiveHundred = smokeRun(workspace(), {
      record: {
        journal: [journalEntry('health', 503), journalEntry('list_movies', 200), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)],
      },
    });
    expect(checkJournalConsistency(fiveHundred, view(fiveHundred))).toMatchObject({
      message: expect.stringMatching(/health got 503/),
      detail: { reason: 'passed-despite-failures', seen: { journal: { health: { status: 503 } } } },
    });
    const leftOut = smokeRun(workspace(), {
      failed: ['health'],
      record: {
        journal: [journalEntry('health', 503), journalEntry('list_movies', null), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)],
      },
    });
    expect(checkJournalConsistency(leftOut, view(leftOut))).toMatchObject({
      message: expect.stringMatching(/leaves out list_movies \(got no answer \(reset\)\)/),
      detail: {
        reason: 'failed-checks-incomplete',
        expected: { failedChecks: ['health', 'list_movies'] },
        seen: { failedChecks: ['health'], journal: { list_movies: { fault: 'reset', status: null } } },
      },
    });
    const unlisted = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => delete t.hal.summary.failed_checks });
    expect(checkJournalConsistency(unlisted, view(unlisted))).toMatchObject({
      ok: false,
      detail: { reason: 'no-failed-checks', seen: { failedChecks: null } },
    });
  });
  it("judges each answer by the mock's own judgment, body included: a 200 that is not JSON is a failed check", () => {
    const journal = [
      journalEntry('health', 200, { failure: 'body is not JSON' }),
      journalEntry('list_movies', 200, { failure: null }),
      journalEntry('indexer_test', 200, { failure: null }),
      journalEntry('graphql_ping', 200, { failure: null }),
    ];
    const passed = smokeRun(workspace(), { record: { journal } });
    expect(checkJournalConsistency(passed, view(passed))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/telemetry says passed, but health got 200 \(body is not JSON\)/),
      detail: { reason: 'passed-despite-failures', expected: { failedChecks: ['health'] }, seen: { journal: { health: { failure: 'body is not JSON' } } } },
    });
    const listed = smokeRun(workspace(), { failed: ['health'], record: { journal } });
    expect(checkJournalConsistency(listed, view(listed))).toMatchObject({ ok: true, detail: { reason: 'consistent' } });
  });
  it("lets a check's last answer decide: a guardrail that retried a 503 and got a 200 passed that check", () => {
    const retried = smokeRun(workspace(), {
      record: {
        journal: [
          journalEntry('health', 200),
          journalEntry('list_movies', 200),
          journalEntry('indexer_test', 200),
          journalEntry('graphql_ping', 503),
          journalEntry('graphql_ping', 200),
        ],
      },
    });
    expect(checkJournalConsistency(retried, view(retried))).toMatchObject({
      ok: true,
      detail: { reason: 'consistent', expected: { failedChecks: [] }, seen: { journal: { graphql_ping: { requests: 2, status: 200, ok: true } } } },
    });
    const lastFailed = smokeRun(workspace(), {
      record: {
        journal: [
          journalEntry('health', 200),
          journalEntry('list_movies', 200),
          journalEntry('indexer_test', 200),
          journalEntry('graphql_ping', 200),
          journalEntry('graphql_ping', 503),
        ],
      },
    });
    expect(checkJournalConsistency(lastFailed, view(lastFailed))).toMatchObject({ ok: false, detail: { reason: 'passed-despite-failures' } });
  });
  it('does not apply to flows without HAL calls, or to a skipped smoke', () => {
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkJournalConsistency(plan, view(plan))).toMatchObject({
      status: 'not-applicable',
      ok: null,
      detail: { reason: 'not-smoke', expected: { flows: ['validate', 'audit'] }, seen: { flow: 'plan' } },
    });
    const skipped = smokeRun(workspace(), { telemetry: (t) => (t.hal.summary.status = 'skipped') });
    expect(checkJournalConsistency(skipped, view(skipped))).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'smoke-skipped', seen: { status: 'skipped' } },
    });
  });
});
