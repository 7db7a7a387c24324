// The per-request behaviours over a real socket: a flaky or sequenced endpoint answers its
// seeded sequence, the journal names each decision (`choices`) and says whether the answer
// fails its check (`failure`, judged on what was sent), and a switch starts it all over.
import { describe, expect, it } from 'vitest';
import type { CheckName } from '../../../common/hal-contract/routes.ts';
import type { Behaviour } from '../../../mock-hal/scenario/behaviour-model.ts';
import { seededDraw } from '../../../mock-hal/scenario/choices.ts';
import type { JournalEntry } from '../../../mock-hal/server/journal.ts';
import { useMockHal } from '../../support/mock-hal.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';
import { steady } from './server-fixtures.ts';

const KEY = 'kvd_choices_key_0123';
const mock = useMockHal({ apiKey: KEY, limits: { journalSize: 1_000 } });

/** A status, or `network` when the connection was dropped without one. */
async function send(check: CheckName, key: string | null = KEY): Promise<{ status: number | 'network'; body: string }> {
  try {
    const response = await fetch(smokeRequest(check, mock().url, key));
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 'network', body: '' };
  }
}

/** The journal once it holds `count` entries (a reset's entry lands just after the client sees the drop). */
async function journal(count: number): Promise<JournalEntry[]> {
  await expect.poll(async () => (await mock().requests()).length).toBe(count);
  return mock().requests();
}

async function switchTo(scenario: Parameters<ReturnType<typeof mock>['setScenario']>[0]): Promise<void> {
  await mock().setScenario(scenario);
  await mock().clearRequests();
}

/** graphql_ping in the bundled flaky scenario: seed 2, rate 0.3, 503 when it fails. */
const pingFails = (n: number) => seededDraw(2, n) < 0.3;

describe('flaky over a socket', () => {
  it('answers the seeded sequence, and the journal names each decision and its failure', async () => {
    await switchTo('flaky');
    const answers: (number | 'network')[] = [];
    for (let n = 0; n < 40; n++) answers.push((await send('graphql_ping')).status);
    const expected = Array.from({ length: 40 }, (_, n) => (pingFails(n) ? 503 : 200));
    expect(answers).toEqual(expected);
    expect(new Set(answers)).toEqual(new Set([200, 503]));
    const entries = await journal(40);
    entries.forEach((entry, n) => {
      expect(entry).toMatchObject({
        check: 'graphql_ping',
        status: expected[n],
        failure: pingFails(n) ? 'HTTP 503' : null,
        choices: [{ type: 'flaky', path: '$', request: n, picked: pingFails(n) ? 'fail' : 'otherwise' }],
      });
    });
  });

  it('a switch to the scenario, even the same one, starts the sequence over', async () => {
    await switchTo('flaky');
    const first: (number | 'network')[] = [];
    for (let n = 0; n < 7; n++) first.push((await send('graphql_ping')).status);
    for (let n = 0; n < 2; n++) await send('list_movies');
    await switchTo('flaky');
    const again: (number | 'network')[] = [];
    for (let n = 0; n < 7; n++) again.push((await send('graphql_ping')).status);
    expect(again).toEqual(first);
    // list_movies starts over too: had it kept counting, its next answer would be the reset.
    expect((await send('list_movies')).status).toBe(200);
    const entries = await journal(8);
    expect(entries.map((entry) => entry.choices?.[0]?.request)).toEqual([0, 1, 2, 3, 4, 5, 6, 0]);
  });

  it('a jittered delay waits its seeded draw, and the journal says how long', async () => {
    await switchTo('flaky');
    for (let n = 0; n < 4; n++) expect((await send('health')).status).toBe(200);
    const entries = await journal(4);
    entries.forEach((entry, n) => {
      const ms = 50 + Math.floor(seededDraw(7, n) * 201);
      expect(entry.choices).toEqual([{ type: 'delay', path: '$', request: n, picked: `${ms} ms` }]);
      expect(entry.failure).toBeNull();
      // A lower bound only: the answer came after the wait, however loaded the machine.
      expect(entry.durationMs).toBeGreaterThanOrEqual(ms - 1);
    });
  });
});

describe('sequence over a socket', () => {
  it('[ok, ok, reset] resets exactly every third request', async () => {
    await switchTo('flaky');
    const answers: (number | 'network')[] = [];
    for (let n = 0; n < 12; n++) answers.push((await send('list_movies')).status);
    expect(answers).toEqual([200, 200, 'network', 200, 200, 'network', 200, 200, 'network', 200, 200, 'network']);
    const entries = await journal(12);
    entries.forEach((entry, n) => {
      const resets = n % 3 === 2;
      expect(entry).toMatchObject({
        check: 'list_movies',
        status: resets ? null : 200,
        failure: resets ? 'connection failed' : null,
        choices: [{ type: 'sequence', path: '$', request: n, picked: `steps[${n % 3}]` }],
      });
      expect(entry.fault).toBe(resets ? 'reset' : undefined);
    });
  });

  it('counts requests without a key too: the step decides, the gate then refuses', async () => {
    await switchTo(steady({ indexer_test: { type: 'sequence', steps: [{ type: 'status', status: 503 }, { type: 'reset' }] } }));
    expect((await send('indexer_test', null)).status).toBe(401);
    expect((await send('indexer_test', KEY)).status).toBe('network');
    expect((await send('indexer_test', null)).status).toBe(401);
    const entries = await journal(3);
    expect(entries.map((entry) => [entry.choices?.[0]?.picked, entry.failure])).toEqual([
      ['steps[0]', 'HTTP 401'],
      ['steps[1]', 'connection failed'],
      ['steps[0]', 'HTTP 401'],
    ]);
  });
});

describe('the journal judges what was sent', () => {
  const steps: [Behaviour, number | 'network', string | null][] = [
    [{ type: 'ok' }, 200, null],
    [{ type: 'malformed', variant: 'truncated-json' }, 200, 'body is not JSON'],
    [{ type: 'malformed', variant: 'html', status: 502 }, 502, 'HTTP 502'],
    [{ type: 'empty' }, 200, 'empty body'],
    [{ type: 'status', status: 503 }, 503, 'HTTP 503'],
    [{ type: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: 'null' }, 200, 'body is JSON null'],
    [{ type: 'raw', status: 200, headers: { 'content-type': 'text/plain' }, body: 'all good' }, 200, 'body is not JSON'],
    [{ type: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: '{"records":[]}' }, 200, null],
    [{ type: 'delay', ms: 1, then: { type: 'empty', status: 204 } }, 204, 'empty body'],
    [{ type: 'reset' }, 'network', 'connection failed'],
  ];

  it('every step of a sequence gets the failure its answer deserves; the healthy answer none', async () => {
    await switchTo(steady({ list_movies: { type: 'sequence', steps: steps.map(([behaviour]) => behaviour) } }));
    for (const [, status] of steps) expect((await send('list_movies')).status).toBe(status);
    const entries = await journal(steps.length);
    expect(entries.map((entry) => entry.failure)).toEqual(steps.map(([, , failure]) => failure));
    expect(entries.map((entry) => entry.choices?.[0]?.picked)).toEqual(steps.map((_, index) => `steps[${index}]`));
  });

  it('graphql_ping is judged as a GraphQL response, body included', async () => {
    const notGraphql: Behaviour = { type: 'status', status: 200, body: { status: 'ok' } };
    const forbidden: Behaviour = { type: 'graphql-errors', errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] };
    await switchTo(steady({ graphql_ping: { type: 'sequence', steps: [{ type: 'ok' }, notGraphql, forbidden] }, health: { type: 'ok' } }));
    for (let n = 0; n < 3; n++) expect((await send('graphql_ping')).status).toBe(200);
    expect((await send('health')).status).toBe(200);
    const entries = await journal(4);
    expect(entries.map((entry) => [entry.check, entry.failure])).toEqual([
      ['graphql_ping', null],
      ['graphql_ping', 'neither data nor errors: not a GraphQL response'],
      ['graphql_ping', null],
      ['health', null],
    ]);
    // An endpoint with nothing to decide journals no choices.
    expect(entries[3]?.choices).toBeUndefined();
  });
});

describe('forward under plain serve', () => {
  it('answers 502 and says to run mock-hal proxy', async () => {
    await switchTo(steady({ health: { type: 'forward' }, list_movies: { type: 'flaky', rate: 1, fail: { type: 'forward' } } }));
    for (const check of ['health', 'list_movies'] as const) {
      const answer = await send(check);
      expect(answer.status).toBe(502);
      const body = JSON.parse(answer.body) as { error: string; message: string };
      expect(body.error).toBe('Bad Gateway');
      expect(body.message).toMatch(/mock-hal proxy --target URL/);
    }
    const entries = await journal(2);
    expect(entries.map((entry) => entry.failure)).toEqual(['HTTP 502', 'HTTP 502']);
  });

  it('a flaky without `otherwise` answers the healthy answer for the rest, not a forward', async () => {
    await switchTo(steady({ health: { type: 'flaky', rate: 0, fail: { type: 'reset' } } }));
    const answer = await send('health');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'healthy' });
  });
});
