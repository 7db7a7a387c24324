// Recording an API whose answers change from one request to the next: a mock-hal running
// the bundled `flaky` scenario stands in for it. Several rounds of smoke requests (or
// every answer through the proxy) become sequences that replay the same answers in the
// same order; the expectation is the worst case; keys stay out of every step.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName } from '../../../common/hal-contract/routes.ts';
import {
  buildRecordedScenario,
  MAX_ANSWERS_PER_ENDPOINT,
  parseTarget,
  type RecordedAnswer,
  recordSmoke,
  startRecordingProxy,
  writeScenarioFile,
} from '../../../mock-hal/record/record.ts';
import type { Behaviour } from '../../../mock-hal/scenario/behaviour-model.ts';
import { seededDraw } from '../../../mock-hal/scenario/choices.ts';
import type { ScenarioInput } from '../../../mock-hal/scenario/scenario-model.ts';
import type { MockHal } from '../../../mock-hal/server/server.ts';
import { withMockHal } from '../../support/mock-hal.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_flaky_api_key_4567';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-flaky-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** graphql_ping in the bundled flaky scenario: seed 2, rate 0.3. */
const pingFails = (n: number) => seededDraw(2, n) < 0.3;

/** An answer as a replay can be compared with it: the status and body, or no answer. */
type Seen = { status: number; body: string } | 'network';

function seenOf(answer: RecordedAnswer): Seen {
  return answer.kind === 'answer' ? { status: answer.status, body: answer.body } : 'network';
}

async function hit(check: CheckName, url: string): Promise<Seen> {
  try {
    const response = await fetch(smokeRequest(check, url, KEY));
    return { status: response.status, body: await response.text() };
  } catch {
    return 'network';
  }
}

/** The answer a recorded step replays: the `then` of its delay, or itself. */
function leaf(step: Behaviour): Behaviour {
  return step.type === 'delay' ? leaf(step.then) : step;
}

function label(step: Behaviour): string {
  const answer = leaf(step);
  return answer.type === 'raw' || answer.type === 'status' ? String(answer.status) : answer.type;
}

function endpointsOf(scenario: ScenarioInput): Partial<Record<CheckName, Behaviour>> {
  return scenario.endpoints as Partial<Record<CheckName, Behaviour>>;
}

describe('record --samples against a flaky API', () => {
  it('six rounds: list_movies resets every third step, graphql_ping follows the seeded draws, the rest stay one answer', async () => {
    await withMockHal({ scenario: 'flaky', apiKey: KEY }, async (flaky) => {
      const answers = await recordSmoke({ target: flaky.url, apiKey: KEY, samples: 6 });
      expect(answers.map((answer) => answer.check)).toEqual(Array.from({ length: 6 }, () => CHECK_NAMES).flat());
      const scenario = buildRecordedScenario(answers, { name: 'rec-flaky', target: parseTarget(flaky.url), mode: 'smoke', samples: 6 });
      const endpoints = endpointsOf(scenario);

      const movies = endpoints.list_movies as Extract<Behaviour, { type: 'sequence' }>;
      expect(movies).toMatchObject({ type: 'sequence' });
      expect(movies.then).toBeUndefined();
      expect(movies.steps.map(label)).toEqual(['200', '200', 'reset', '200', '200', 'reset']);

      const ping = endpoints.graphql_ping as Extract<Behaviour, { type: 'sequence' }>;
      expect(ping.steps.map(label)).toEqual(Array.from({ length: 6 }, (_, n) => (pingFails(n) ? '503' : '200')));

      // Six identical answers stay one: a delay around the raw answer.
      expect(endpoints.indexer_test).toMatchObject({ type: 'delay', then: { type: 'raw', status: 200 } });
      // So do six that differ only in a timestamp: same status, same verdict.
      expect(endpoints.health).toMatchObject({ type: 'delay', then: { type: 'raw', status: 200 } });

      expect(scenario.expect).toEqual({ status: 'failed', failedChecks: ['list_movies', 'graphql_ping'] });
      expect(scenario.description).toMatch(/with the four smoke requests, 6 rounds/);
      expect(scenario.description).toMatch(/list_movies 6 answers, replayed in turn \(200 ×4, connection failed ×2\)/);
      expect(scenario.description).toMatch(/list_movies \(2 of 6 answers: connection failed/);
      expect(scenario.description).toMatch(/worst case .* the harness judges each run of this scenario from the answers its journal shows/);
    });
  });

  it('the recording replays the same answers in the same order, and starts over after the last', async () => {
    await withMockHal({ scenario: 'flaky', apiKey: KEY }, async (flaky) => {
      const answers = await recordSmoke({ target: flaky.url, apiKey: KEY, samples: 6 });
      const file = join(dir, 'flaky-replay.json');
      await writeScenarioFile(file, buildRecordedScenario(answers, { name: 'flaky-replay', target: parseTarget(flaky.url), mode: 'smoke', samples: 6 }), false);
      await withMockHal({ scenario: file, apiKey: KEY }, async (replay) => {
        // Health bodies differ only by their timestamp, so they count alike and replay as the last one.
        const lastHealth = seenOf(answers.findLast((answer) => answer.check === 'health') as (typeof answers)[number]);
        const recorded = answers.map((answer) => (answer.check === 'health' ? lastHealth : seenOf(answer)));
        const replayed: Seen[] = [];
        for (let round = 0; round < 12; round++) for (const check of CHECK_NAMES) replayed.push(await hit(check, replay.url));
        expect(replayed.slice(0, 24)).toEqual(recorded);
        expect(replayed.slice(24)).toEqual(recorded);
        // The original, switched afresh, answers the same statuses (its health bodies carry the time).
        await flaky.setScenario('flaky');
        const again: Seen[] = [];
        for (let round = 0; round < 6; round++) for (const check of CHECK_NAMES) again.push(await hit(check, flaky.url));
        const statusOf = (seen: Seen) => (seen === 'network' ? seen : seen.status);
        expect(again.map(statusOf)).toEqual(recorded.map(statusOf));
      });
    });
  });

  it('keeps the key out of every step', async () => {
    const echo = (n: number): Behaviour => ({
      type: 'raw',
      status: n === 1 ? 500 : 200,
      headers: { 'content-type': 'application/json', 'x-debug-echo': `key=${KEY}`, 'x-step': String(n) },
      body: `{"step":${n},"key":"${KEY}"}`,
    });
    const scenario: ScenarioInput = {
      name: 'echo-steps',
      description: 'echoes the key in every answer',
      endpoints: { list_movies: { type: 'sequence', steps: [echo(0), echo(1), echo(2)] } },
      expect: { status: 'failed', failedChecks: ['list_movies'] },
    };
    await withMockHal({ scenario, apiKey: KEY }, async (original) => {
      const answers = await recordSmoke({ target: original.url, apiKey: KEY, checks: ['list_movies'], samples: 3 });
      const file = join(dir, 'echo-steps.json');
      await writeScenarioFile(
        file,
        buildRecordedScenario(answers, { name: 'echo-steps', target: parseTarget(original.url), mode: 'smoke', samples: 3 }),
        false,
      );
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(KEY);
      const steps = (JSON.parse(text) as { endpoints: { list_movies: { steps: Behaviour[] } } }).endpoints.list_movies.steps.map(leaf);
      expect(steps.map((step) => (step as { body: string }).body)).toEqual([0, 1, 2].map((n) => `{"step":${n},"key":"[REDACTED]"}`));
      for (const step of steps) expect((step as { headers: Record<string, string> }).headers['x-debug-echo']).toBeUndefined();
      expect(steps.map((step) => (step as { headers: Record<string, string> }).headers['x-step'])).toEqual(['0', '1', '2']);
    });
  });

  it(`refuses a sample count outside 1..${MAX_ANSWERS_PER_ENDPOINT}`, async () => {
    for (const samples of [0, 1.5, MAX_ANSWERS_PER_ENDPOINT + 1]) {
      await expect(recordSmoke({ target: 'http://127.0.0.1:1', samples })).rejects.toThrow(/--samples must be a whole number from 1 to 1000/);
    }
  });
});

describe('record --proxy keeps every answer', () => {
  async function throughProxy(flaky: MockHal, options: { maxAnswersPerEndpoint?: number } = {}) {
    const proxy = await startRecordingProxy({ target: flaky.url, ...options });
    const seen: Seen[] = [];
    try {
      for (let n = 0; n < 6; n++) seen.push(await hit('list_movies', proxy.url));
      for (let n = 0; n < 3; n++) await hit('indexer_test', proxy.url);
      return { answers: proxy.answers(), dropped: proxy.dropped(), seen };
    } finally {
      await proxy.close();
    }
  }

  it('in order, per endpoint; answers that differ become a sequence, identical ones stay one', async () => {
    await withMockHal({ scenario: 'flaky', apiKey: KEY }, async (flaky) => {
      const { answers, dropped, seen } = await throughProxy(flaky);
      expect(answers.map((answer) => answer.check)).toEqual([...new Array(6).fill('list_movies'), ...new Array(3).fill('indexer_test')]);
      expect(answers.slice(0, 6).map(seenOf)).toEqual(seen);
      expect(seen.map((answer) => (answer === 'network' ? answer : answer.status))).toEqual([200, 200, 'network', 200, 200, 'network']);
      expect(dropped).toEqual({});
      const scenario = buildRecordedScenario(answers, { name: 'proxied', target: parseTarget(flaky.url), mode: 'proxy', dropped });
      const endpoints = endpointsOf(scenario);
      expect((endpoints.list_movies as Extract<Behaviour, { type: 'sequence' }>).steps.map(label)).toEqual(['200', '200', 'reset', '200', '200', 'reset']);
      expect(endpoints.indexer_test?.type).toBe('delay');
      expect(scenario.expect).toEqual({ status: 'failed', failedChecks: ['list_movies'] });
      expect(scenario.description).toMatch(/as a proxy \(every answer per endpoint, in the order the requests arrived\)/);
      expect(scenario.description).toMatch(/indexer_test 200 after \d+ ms \(the same answer 3 times\)/);
    });
  });

  it('orders answers by when their requests arrived, not when they finished', async () => {
    const scenario: ScenarioInput = {
      name: 'slow-first',
      description: 'the first list_movies request never gets an answer, the second gets one at once',
      endpoints: { list_movies: { type: 'sequence', steps: [{ type: 'hang' }, { type: 'ok' }] } },
      expect: { status: 'failed', failedChecks: ['list_movies'] },
    };
    await withMockHal({ scenario, apiKey: KEY }, async (api) => {
      const proxy = await startRecordingProxy({ target: api.url, timeoutMs: 500 });
      try {
        const first = hit('list_movies', proxy.url);
        // The API has decided the first request (step 0, the hang) before the second arrives.
        await expect.poll(() => api.pendingRequests()).toBe(1);
        expect(await hit('list_movies', proxy.url)).toMatchObject({ status: 200 });
        expect(await first).toBe('network');
        expect(proxy.answers().map((answer) => answer.kind)).toEqual(['hang', 'answer']);
      } finally {
        await proxy.close();
      }
    });
  });

  it('keeps only the newest answers past the bound, and says how many it left out', async () => {
    await withMockHal({ scenario: 'flaky', apiKey: KEY }, async (flaky) => {
      const { answers, dropped } = await throughProxy(flaky, { maxAnswersPerEndpoint: 4 });
      expect(answers.filter((answer) => answer.check === 'list_movies').map((answer) => answer.kind)).toEqual(['reset', 'answer', 'answer', 'reset']);
      expect(dropped).toEqual({ list_movies: 2 });
      const scenario = buildRecordedScenario(answers, { name: 'bounded', target: parseTarget(flaky.url), mode: 'proxy', dropped });
      expect(scenario.description).toMatch(/Only each endpoint's newest answers were kept \(at most 1000\); left out: 2 earlier list_movies answers/);
    });
  });
});
