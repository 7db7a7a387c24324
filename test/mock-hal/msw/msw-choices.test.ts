// Per-request behaviours in-process (msw) and over a socket: the same scenario answers the
// same sequence on both transports, and both journals name the same decisions and failures.
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../common/hal-contract/routes.ts';
import type { ScenarioInput } from '../../../mock-hal/scenario/scenario-model.ts';
import type { JournalEntry } from '../../../mock-hal/server/journal.ts';
import { useMswBesideSocket } from '../../support/msw-beside-socket.ts';
import { describeResponse, smokeRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_msw_choices_key';
const BASE = 'http://hal.choices.test';
const { inProcess, real: server } = useMswBesideSocket(KEY, BASE);

/** Flaky inside sequence, sequence inside flaky, jitter, `then`, and every kind of failure. */
const NESTED: ScenarioInput = {
  name: 'nested-choices',
  description: 'every per-request behaviour, nested',
  endpoints: {
    health: {
      type: 'sequence',
      steps: [{ type: 'ok' }, { type: 'flaky', rate: 0.5, seed: 11, fail: { type: 'reset' } }, { type: 'malformed', variant: 'html' }],
    },
    list_movies: {
      type: 'flaky',
      rate: 0.4,
      seed: 5,
      fail: { type: 'sequence', steps: [{ type: 'reset' }, { type: 'status', status: 503 }] },
      otherwise: { type: 'delay', ms: 0, jitter: 3, seed: 1, then: { type: 'ok' } },
    },
    indexer_test: { type: 'sequence', steps: [{ type: 'ok' }, { type: 'empty' }, { type: 'status', status: 500 }], then: { type: 'ok' } },
    graphql_ping: { type: 'flaky', rate: 0.3, seed: 2, fail: { type: 'status', status: 503 } },
  },
  expect: { status: 'failed', failedChecks: [...CHECK_NAMES] },
};

type Outcome = Awaited<ReturnType<typeof describeResponse>> | { error: 'network' };

async function outcome(request: Request): Promise<Outcome> {
  try {
    return await describeResponse(await fetch(request));
  } catch {
    return { error: 'network' };
  }
}

/** What both journals must agree on; times and durations differ by nature. */
function decisions(entries: JournalEntry[]) {
  return entries.map(({ check, status, fault, failure, choices }) => ({ check, status, fault, failure, choices }));
}

describe('per-request behaviours: msw and the socket agree', () => {
  it.each<[string, string | ScenarioInput]>([
    ['the bundled flaky scenario', 'flaky'],
    ['nested flaky, sequence and jitter', NESTED],
  ])('%s: the same answers in the same order, and the same journal decisions', async (_label, scenario) => {
    inProcess.setScenario(scenario);
    inProcess.clearRequests();
    await server().setScenario(scenario);
    await server().clearRequests();
    const viaMsw: Outcome[] = [];
    const viaSocket: Outcome[] = [];
    for (let round = 0; round < 12; round++) {
      for (const check of CHECK_NAMES) {
        // Without a key now and then: the decision is made, then the gate refuses.
        const key = round % 5 === 4 ? null : KEY;
        viaMsw.push(await outcome(smokeRequest(check, BASE, key)));
        viaSocket.push(await outcome(smokeRequest(check, server().url, key)));
      }
    }
    expect(viaMsw).toEqual(viaSocket);
    // Both kinds of answer happened, so the comparison covered failures and successes.
    expect(viaMsw.some((answer) => 'error' in answer)).toBe(true);
    expect(viaMsw.some((answer) => 'status' in answer && answer.status >= 500)).toBe(true);
    expect(viaMsw.some((answer) => 'status' in answer && answer.status === 200)).toBe(true);

    await expect.poll(async () => (await server().requests()).length).toBe(48);
    const socketJournal = decisions(await server().requests());
    const mswJournal = decisions(inProcess.requests());
    expect(mswJournal).toEqual(socketJournal);
    expect(mswJournal.filter((entry) => entry.choices !== undefined).length).toBeGreaterThan(24);
    expect(new Set(mswJournal.map((entry) => entry.failure))).toContain(null);
  });

  it('a switch starts the in-process sequence over, as on the socket', async () => {
    inProcess.setScenario('flaky');
    const first = [];
    for (let n = 0; n < 3; n++) first.push(await outcome(smokeRequest('list_movies', BASE, KEY)));
    inProcess.setScenario('flaky');
    const again = [];
    for (let n = 0; n < 3; n++) again.push(await outcome(smokeRequest('list_movies', BASE, KEY)));
    expect(again).toEqual(first);
    expect(first.map((answer) => ('error' in answer ? 'network' : answer.status))).toEqual([200, 200, 'network']);
  });
});
