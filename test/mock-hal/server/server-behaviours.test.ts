// The mock over a real socket: every behaviour an endpoint can be given, and every
// shipped scenario answering as it says it will (per run, for those that decide per request).
import { describe, expect, it } from 'vitest';
import { checkFailure } from '../../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES } from '../../../common/hal-contract/routes.ts';
import { hasChoice } from '../../../mock-hal/scenario/behaviour-model.ts';
import { listScenarios } from '../../../mock-hal/scenario/scenario-store.ts';
import { BUNDLED_SCENARIO_NAMES } from '../../support/bundled-scenarios.ts';
import { KEY, steady, useSharedMockHal } from './server-fixtures.ts';

const { mock, send } = useSharedMockHal();

describe('behaviours', () => {
  it('status N answers that status with the JSON body', async () => {
    await mock().setScenario(steady({ health: { type: 'status', status: 503, body: { down: true } } }));
    const response = await send('health');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ down: true });
  });

  it('empty answers no body', async () => {
    await mock().setScenario(steady({ list_movies: { type: 'empty', status: 200 } }));
    const response = await send('list_movies');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    expect(response.headers.get('content-type')).toBeNull();
  });

  it.each([
    ['truncated-json', /application\/json/],
    ['html', /text\/html/],
    ['wrong-content-type', /text\/plain/],
  ] as const)('malformed %s', async (variant, type) => {
    await mock().setScenario(steady({ indexer_test: { type: 'malformed', variant } }));
    const response = await send('indexer_test');
    expect(response.headers.get('content-type')).toMatch(type);
    const text = await response.text();
    expect(text.length).toBeGreaterThan(0);
    const parses = (() => {
      try {
        JSON.parse(text);
        return true;
      } catch {
        return false;
      }
    })();
    expect(parses).toBe(variant === 'wrong-content-type');
  });

  it('delay waits, then behaves as "then"', async () => {
    await mock().setScenario(steady({ health: { type: 'delay', ms: 150, then: { type: 'status', status: 502 } } }));
    const started = performance.now();
    const response = await send('health');
    expect(response.status).toBe(502);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hang answers nothing and frees the socket when the client leaves', async () => {
    await mock().setScenario(steady({ list_movies: { type: 'hang' } }));
    await expect(send('list_movies', KEY, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    await expect.poll(async () => (await mock().requests()).find((entry) => entry.check === 'list_movies')?.fault).toBe('hang');
    const entry = (await mock().requests()).find((candidate) => candidate.check === 'list_movies');
    expect(entry?.status).toBeNull();
  });

  it('reset destroys the connection', async () => {
    await mock().setScenario(steady({ graphql_ping: { type: 'reset' } }));
    await expect(send('graphql_ping')).rejects.toThrow(/fetch failed/);
    const entry = (await mock().requests()).find((candidate) => candidate.check === 'graphql_ping');
    expect(entry).toMatchObject({ fault: 'reset', status: null });
  });

  it('graphql-errors answers data null and the errors, with status 200 unless given', async () => {
    const errors = [{ message: 'Introspection requires admin authentication', extensions: { code: 'FORBIDDEN' } }];
    await mock().setScenario(steady({ graphql_ping: { type: 'graphql-errors', errors } }));
    const response = await send('graphql_ping');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ data: null, errors });
    await mock().setScenario(steady({ graphql_ping: { type: 'graphql-errors', status: 502, errors } }));
    const failed = await send('graphql_ping');
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ data: null, errors });
  });

  it('the bundled graphql-errors scenario sends its GraphQL errors under a 500', async () => {
    await mock().setScenario('graphql-errors');
    const response = await send('graphql_ping');
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ data: null, errors: [{ message: expect.any(String), extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  it('raw answers exactly the given status, headers and body', async () => {
    await mock().setScenario(steady({ health: { type: 'raw', status: 299, headers: { 'x-recorded': 'yes' }, body: 'plain' } }));
    const response = await send('health');
    expect([response.status, response.headers.get('x-recorded'), await response.text()]).toEqual([299, 'yes', 'plain']);
  });
});

describe('shipped scenarios', () => {
  const { scenarios, errors } = listScenarios();

  it('all load', () => {
    expect(errors).toEqual([]);
    expect(scenarios.map((scenario) => scenario.name)).toEqual(expect.arrayContaining([...BUNDLED_SCENARIO_NAMES]));
  });

  // A check "answers badly" by the one check rule (mock-hal/check-outcome.ts): no answer, a
  // non-2xx, an empty or non-JSON body, or for graphql_ping a body that is not a GraphQL
  // response. The journal's `failure` says the same for each answer. Where no endpoint
  // decides per request, those are exactly the checks the scenario (or phase) lists as
  // failed. Where one does (flaky, sequence, jitter), a run's failed checks are the ones
  // the journal marks, a subset of the listed ones, which are the worst case: enough runs
  // meet every one of them.
  it.each(
    scenarios.flatMap((scenario) =>
      scenario.phases.map((phase, index) => [scenario.phases.length === 1 ? scenario.name : `${scenario.name}/${phase.name}`, scenario.name, index] as const),
    ),
  )('%s: the checks that answer badly are exactly the expected failed_checks', async (_label, name, index) => {
    await mock().setScenario(name, { phase: index, hold: true });
    const endpoints = mock().scenario().phases[index]?.endpoints ?? {};
    const expectation = mock().scenario().phases[index]?.expect;
    const expected = CHECK_NAMES.filter((check) => expectation?.failedChecks.includes(check));
    const decides = Object.values(endpoints).some((behaviour) => behaviour !== undefined && hasChoice(behaviour));
    const runOnce = async (): Promise<string[]> => {
      await mock().clearRequests();
      const failed: string[] = [];
      for (const check of CHECK_NAMES) {
        // Only a hanging endpoint is cut short (it never answers); every other answer gets
        // all the time a loaded machine needs, so a slow first /graphql is not a failure.
        const waitMs = endpoints[check]?.type === 'hang' ? 1_000 : 30_000;
        try {
          const response = await send(check, KEY, { signal: AbortSignal.timeout(waitMs) });
          if (checkFailure(check, { kind: 'answer', status: response.status, body: await response.text() }) !== null) failed.push(check);
        } catch {
          failed.push(check);
        }
      }
      await expect.poll(async () => (await mock().requests()).length).toBe(CHECK_NAMES.length);
      // In check order: a hang is journalled when the client gives up, which may be after the next request.
      const journalled = new Set((await mock().requests()).filter((entry) => entry.failure !== null).map((entry) => entry.check));
      expect(
        CHECK_NAMES.filter((check) => journalled.has(check)),
        'the journal marks exactly the answers that fail',
      ).toEqual(failed);
      return failed;
    };
    const failed = await runOnce();
    if (!decides) {
      expect(failed).toEqual(expected);
      expect(expectation?.status).toBe(failed.length === 0 ? 'passed' : 'failed');
      return;
    }
    expect(expected, 'a run fails no check the scenario does not list').toEqual(expect.arrayContaining(failed));
    expect(expectation?.status).toBe(expected.length === 0 ? 'passed' : 'failed');
    const seen = new Set(failed);
    for (let run = 1; run < 10 && seen.size < expected.length; run++) {
      for (const check of await runOnce()) seen.add(check);
    }
    expect(
      CHECK_NAMES.filter((check) => seen.has(check)),
      'ten runs meet the worst case',
    ).toEqual(expected);
  });
});
