// The mock over a real socket: every behaviour, every shipped scenario, auth, bad
// input, the control API and the journal.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockHal, type MockHal } from '../../../mock-hal/server/server.ts';
import { CHECK_NAMES, type CheckName } from '../../../common/hal-contract/routes.ts';
import type { ScenarioInput } from '../../../mock-hal/scenario/scenario-model.ts';
import { listScenarios } from '../../../mock-hal/scenario/scenario-store.ts';
import { checkFailure } from '../../../common/hal-contract/check-outcome.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_test_key_0123456789';
let mock: MockHal;

beforeAll(async () => {
  mock = await startMockHal({ apiKey: KEY, limits: { journalSize: 50 } });
});
afterAll(() => mock.close());
beforeEach(async () => {
  await mock.setScenario('healthy');
  await mock.clearRequests();
});

function steady(endpoints: ScenarioInput['endpoints']): ScenarioInput {
  return { name: 'under-test', description: 'test scenario', endpoints, expect: { status: 'failed', failedChecks: [] } };
}

async function send(check: CheckName, key: string | null = KEY, init: RequestInit = {}) {
  return fetch(smokeRequest(check, mock.url, key, init));
}

describe('healthy answers', () => {
  it('health is public and shaped like the real service', async () => {
    const response = await send('health', null);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'healthy', service: expect.any(String), version: expect.any(String) });
    expect(Object.keys(body.capabilities).sort()).toEqual(['core', 'discovery', 'download', 'learning']);
    expect(Object.keys(body.configuration).sort()).toEqual(['cors', 'introspection', 'rate_limits', 'request_size']);
  });

  it('list_movies pages with page and limit or pageSize', async () => {
    const first = await (await fetch(`${mock.url}/api/v3/movie?page=1&limit=2`, { headers: { apikey: KEY } })).json();
    expect(first).toMatchObject({ page: 1, pageSize: 2, totalCount: 3 });
    expect(first.records).toHaveLength(2);
    const second = await (await fetch(`${mock.url}/api/v3/movie?page=2&pageSize=2`, { headers: { apikey: KEY } })).json();
    expect(second.records.map((movie: { id: number }) => movie.id)).toEqual([3]);
    const defaults = await (await send('list_movies')).json();
    expect(defaults).toMatchObject({ page: 1, pageSize: 50 });
  });

  it('rejects bad paging with a 400 naming the parameter', async () => {
    const response = await fetch(`${mock.url}/api/v3/movie?limit=abc`, { headers: { apikey: KEY } });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/"limit" must be a whole number/);
  });

  it('indexer_test and graphql_ping answer like the real service', async () => {
    expect(await (await send('indexer_test')).json()).toMatchObject({ connected: true, status: 'success', indexerCount: 1 });
    expect(await (await send('graphql_ping')).json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('GraphQL serves health and movies(page, pageSize)', async () => {
    const response = await fetch(`${mock.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: KEY },
      body: JSON.stringify({ query: 'query Q { health { status } movies(page: 1, pageSize: 1) { totalCount records { title } } }' }),
    });
    expect(await response.json()).toEqual({
      data: { health: { status: 'healthy' }, movies: { totalCount: 3, records: [{ title: 'Metropolis' }] } },
    });
  });
});

describe('auth', () => {
  it.each(['list_movies', 'indexer_test', 'graphql_ping'] as const)('%s needs the key', async (check) => {
    const missing = await send(check, null);
    expect(missing.status).toBe(401);
    expect((await missing.json()).message).toMatch(/no API key/);
    const wrong = await send(check, 'kvd_wrong');
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toMatch(/wrong/);
  });

  it('accepts the key in either header alone', async () => {
    expect((await fetch(`${mock.url}/api/v3/movie`, { headers: { 'X-Api-Key': KEY } })).status).toBe(200);
    expect((await fetch(`${mock.url}/api/v3/movie`, { headers: { apikey: KEY } })).status).toBe(200);
  });

  it('honours configured header names', async () => {
    const custom = await startMockHal({ apiKey: KEY, apiKeyHeaders: ['x-token'] });
    try {
      expect((await fetch(`${custom.url}/api/v3/movie`, { headers: { 'x-token': KEY } })).status).toBe(200);
      expect((await fetch(`${custom.url}/api/v3/movie`, { headers: { 'x-api-key': KEY } })).status).toBe(401);
    } finally {
      await custom.close();
    }
  });
});

describe('behaviours', () => {
  it('status N answers that status with the JSON body', async () => {
    await mock.setScenario(steady({ health: { type: 'status', status: 503, body: { down: true } } }));
    const response = await send('health');
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ down: true });
  });

  it('empty answers no body', async () => {
    await mock.setScenario(steady({ list_movies: { type: 'empty', status: 200 } }));
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
    await mock.setScenario(steady({ indexer_test: { type: 'malformed', variant } }));
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
    await mock.setScenario(steady({ health: { type: 'delay', ms: 150, then: { type: 'status', status: 502 } } }));
    const started = performance.now();
    const response = await send('health');
    expect(response.status).toBe(502);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('hang answers nothing and frees the socket when the client leaves', async () => {
    await mock.setScenario(steady({ list_movies: { type: 'hang' } }));
    await expect(send('list_movies', KEY, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/abort|timeout/i);
    await expect.poll(async () => (await mock.requests()).find((entry) => entry.check === 'list_movies')?.fault).toBe('hang');
    const entry = (await mock.requests()).find((candidate) => candidate.check === 'list_movies');
    expect(entry?.status).toBeNull();
  });

  it('reset destroys the connection', async () => {
    await mock.setScenario(steady({ graphql_ping: { type: 'reset' } }));
    await expect(send('graphql_ping')).rejects.toThrow(/fetch failed/);
    const entry = (await mock.requests()).find((candidate) => candidate.check === 'graphql_ping');
    expect(entry).toMatchObject({ fault: 'reset', status: null });
  });

  it('graphql-errors answers data null and the errors, with status 200 unless given', async () => {
    const errors = [{ message: 'Introspection requires admin authentication', extensions: { code: 'FORBIDDEN' } }];
    await mock.setScenario(steady({ graphql_ping: { type: 'graphql-errors', errors } }));
    const response = await send('graphql_ping');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ data: null, errors });
    await mock.setScenario(steady({ graphql_ping: { type: 'graphql-errors', status: 502, errors } }));
    const failed = await send('graphql_ping');
    expect(failed.status).toBe(502);
    expect(await failed.json()).toEqual({ data: null, errors });
  });

  it('the bundled graphql-errors scenario sends its GraphQL errors under a 500', async () => {
    await mock.setScenario('graphql-errors');
    const response = await send('graphql_ping');
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ data: null, errors: [{ message: expect.any(String), extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  it('raw answers exactly the given status, headers and body', async () => {
    await mock.setScenario(steady({ health: { type: 'raw', status: 299, headers: { 'x-recorded': 'yes' }, body: 'plain' } }));
    const response = await send('health');
    expect([response.status, response.headers.get('x-recorded'), await response.text()]).toEqual([299, 'yes', 'plain']);
  });
});

describe('shipped scenarios', () => {
  const { scenarios, errors } = listScenarios();

  it('all load', () => {
    expect(errors).toEqual([]);
    expect(scenarios.map((scenario) => scenario.name)).toEqual(
      expect.arrayContaining([
        'healthy', 'production', 'degraded', 'partial', 'timeout', 'malformed', 'offline', 'unauthorized', 'graphql-errors',
        'failure-window', 'failure-window-5xx',
      ]),
    );
  });

  // A check "answers badly" by the one check rule (mock-hal/check-outcome.ts): no answer, a
  // non-2xx, an empty or non-JSON body, or for graphql_ping a body that is not a GraphQL
  // response. Those are exactly the checks the scenario (or phase) lists as failed.
  it.each(
    scenarios.flatMap((scenario) =>
      scenario.phases.map((phase, index) => [scenario.phases.length === 1 ? scenario.name : `${scenario.name}/${phase.name}`, scenario.name, index] as const),
    ),
  )('%s: the checks that answer badly are exactly the expected failed_checks', async (_label, name, index) => {
    await mock.setScenario(name, { phase: index, hold: true });
    const failed: string[] = [];
    for (const check of CHECK_NAMES) {
      try {
        const response = await send(check, KEY, { signal: AbortSignal.timeout(1_000) });
        if (checkFailure(check, { kind: 'answer', status: response.status, body: await response.text() }) !== null) failed.push(check);
      } catch {
        failed.push(check);
      }
    }
    const expectation = mock.scenario().phases[index]?.expect;
    expect(failed).toEqual(CHECK_NAMES.filter((check) => expectation?.failedChecks.includes(check)));
    expect(expectation?.status).toBe(failed.length === 0 ? 'passed' : 'failed');
  });
});

describe('bad input', () => {
  it('unknown path: 404 JSON; wrong method: 405 with Allow', async () => {
    const missing = await fetch(`${mock.url}/api/v3/nothing`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toMatch(/no route for GET \/api\/v3\/nothing/);
    const wrong = await fetch(`${mock.url}/graphql`, { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('invalid JSON to the indexer: 400 that says so', async () => {
    const response = await fetch(`${mock.url}/api/v3/indexer/test`, { method: 'POST', headers: { apikey: KEY }, body: '{nope' });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/not valid JSON/);
  });

  it.each([
    ['{"query":"query { __typename }"', /not valid JSON/],
    ['{"query": 3}', /no "query" string/],
    ['{"query":"query { __typename "}', /not a parseable GraphQL document/],
    ['[1]', /JSON object/],
    [JSON.stringify({ query: `query { ${'a { '.repeat(20)}b${' }'.repeat(20)} }` }), /nested deeper/],
  ])('GraphQL body %s: 400', async (body, message) => {
    const response = await fetch(`${mock.url}/graphql`, { method: 'POST', headers: { apikey: KEY, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].message).toMatch(message);
  });

  it('the unescaped GraphQL body the gap-5 scripts produce is journaled as invalid JSON', async () => {
    await fetch(`${mock.url}/graphql`, { method: 'POST', headers: { apikey: KEY }, body: '{"query":"{"query":"query { __typename }"}"}' });
    const [entry] = await mock.requests();
    expect(entry).toMatchObject({ bodyIsJson: false, graphql: { parseable: false, operation: null }, status: 400 });
  });

  it('oversized body: 413, declared or chunked, and the server keeps serving', async () => {
    const small = await startMockHal({ apiKey: KEY, limits: { maxBodyBytes: 1024 } });
    try {
      const declared = await fetch(`${small.url}/api/v3/indexer/test`, { method: 'POST', headers: { apikey: KEY }, body: 'x'.repeat(2048) });
      expect(declared.status).toBe(413);
      const chunked = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(`${small.url}/api/v3/indexer/test`, { method: 'POST', headers: { apikey: KEY } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        request.on('error', reject);
        for (let index = 0; index < 4; index += 1) request.write('y'.repeat(512));
        request.end();
      });
      expect(chunked).toBe(413);
      expect((await fetch(`${small.url}/health`)).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('bounds headers (431), GraphQL tokens (400) and slow clients (cut off), each configurable', async () => {
    const bounded = await startMockHal({
      apiKey: KEY,
      limits: { maxHeaderBytes: 2048, graphqlMaxTokens: 50, headersTimeoutMs: 300, requestTimeoutMs: 300 },
    });
    try {
      expect((await fetch(`${bounded.url}/health`, { headers: { 'x-padding': 'p'.repeat(4096) } })).status).toBe(431);
      const manyTokens = await fetch(`${bounded.url}/graphql`, {
        method: 'POST',
        headers: { apikey: KEY },
        body: JSON.stringify({ query: `query { ${'__typename '.repeat(60)}}` }),
      });
      expect(manyTokens.status).toBe(400);
      expect((await manyTokens.json()).errors[0].message).toMatch(/more th\w+ 50 tokens/);
      const started = performance.now();
      const closed = await new Promise<string>((resolve) => {
        const socket = connect(bounded.port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'));
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data));
      });
      expect(closed).toMatch(/^(HTTP\/1\.1 408|)/);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await fetch(`${bounded.url}/health`)).status).toBe(200);
    } finally {
      await bounded.close();
    }
  });

  it('a garbage request line gets 400 from the server and it keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(mock.port, '127.0.0.1', () => socket.write('\x00\x01 NOT HTTP\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('close', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await send('health')).status).toBe(200);
  });
});

describe('journal', () => {
  it('records method, path, query, redacted headers and body, JSON validity, GraphQL operation, status, duration', async () => {
    await send('health');
    await fetch(`${mock.url}/api/v3/movie?page=1&limit=50&token=${KEY}`, { headers: { 'X-Api-Key': KEY } });
    await fetch(`${mock.url}/api/v3/indexer/test`, {
      method: 'POST',
      headers: { apikey: KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ leaked: KEY }),
    });
    await send('graphql_ping');
    const entries = await mock.requests();
    expect(entries.map((entry) => [entry.method, entry.path, entry.check, entry.status])).toEqual([
      ['GET', '/health', 'health', 200],
      ['GET', '/api/v3/movie', 'list_movies', 200],
      ['POST', '/api/v3/indexer/test', 'indexer_test', 200],
      ['POST', '/graphql', 'graphql_ping', 200],
    ]);
    expect(entries[1]?.query).toEqual({ page: '1', limit: '50', token: '[REDACTED]' });
    expect(entries[1]?.headers['x-api-key']).toBe('[REDACTED]');
    expect(entries[2]?.body).toBe('{"leaked":"[REDACTED]"}');
    expect(entries[2]?.bodyIsJson).toBe(true);
    expect(entries[0]?.bodyIsJson).toBeNull();
    expect(entries[3]?.graphql).toEqual({ parseable: true, operation: 'query', query: 'query { __typename }' });
    expect(JSON.stringify(entries)).not.toContain(KEY);
    for (const entry of entries) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.parse(entry.time)).not.toBeNaN();
      expect(entry.scenario).toBe('healthy');
    }
  });

  it('is a ring buffer of the configured size', async () => {
    for (let index = 0; index < 60; index += 1) await send('health');
    const entries = await mock.requests();
    expect(entries).toHaveLength(50);
    expect(entries[49]!.id - entries[0]!.id).toBe(49);
  });

  it('does not journal the control API', async () => {
    await fetch(`${mock.url}/__mock/scenario`);
    expect(await mock.requests()).toEqual([]);
  });
});

describe('control API', () => {
  it('GET and PUT /__mock/scenario by name', async () => {
    const put = await fetch(`${mock.url}/__mock/scenario`, { method: 'PUT', body: JSON.stringify({ name: 'degraded' }) });
    expect(put.status).toBe(200);
    expect((await send('health')).status).toBe(503);
    const current = await (await fetch(`${mock.url}/__mock/scenario`)).json();
    expect(current).toMatchObject({ name: 'degraded', expect: { status: 'failed' } });
  });

  it('PUT takes a whole scenario object', async () => {
    const scenario = steady({ health: { type: 'status', status: 418 } });
    const put = await fetch(`${mock.url}/__mock/scenario`, { method: 'PUT', body: JSON.stringify(scenario) });
    expect(put.status).toBe(200);
    expect((await send('health')).status).toBe(418);
  });

  it.each([
    ['not json', 400, /not valid JSON/],
    ['{"name":"no-such-scenario"}', 404, /no scenario "no-such-scenario"/],
    ['{"name":"../../etc/passwd"}', 400, /by name/],
    ['{"name":"x","description":"d","endpoints":{"health":{"type":"status","status":42}},"expect":{"status":"failed"}}', 400, /endpoints\.health/],
  ])('PUT %s: %i naming the problem, scenario unchanged', async (body, status, message) => {
    const response = await fetch(`${mock.url}/__mock/scenario`, { method: 'PUT', body });
    expect(response.status).toBe(status);
    expect((await response.json()).message).toMatch(message);
    expect(mock.scenario().name).toBe('healthy');
  });

  it('selects and holds a timeline phase', async () => {
    const response = await fetch(`${mock.url}/__mock/scenario?phase=1&hold=true`, { method: 'PUT', body: '{"name":"failure-window"}' });
    expect((await response.json()).phase).toMatchObject({ index: 1, name: 'outage', held: true });
    await expect(send('health')).rejects.toThrow(/fetch failed/);
    const fiveXx = await fetch(`${mock.url}/__mock/scenario?phase=1&hold=true`, { method: 'PUT', body: '{"name":"failure-window-5xx"}' });
    expect((await fiveXx.json()).phase).toMatchObject({ index: 1, name: 'outage', held: true });
    expect((await send('health')).status).toBe(503);
    const bad = await fetch(`${mock.url}/__mock/scenario?phase=7`, { method: 'PUT', body: '{"name":"failure-window"}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/phase 7 does not exist/);
  });

  it('GET and DELETE /__mock/requests', async () => {
    await send('health');
    const listed = await (await fetch(`${mock.url}/__mock/requests`)).json();
    expect(listed.capacity).toBe(50);
    expect(listed.requests).toHaveLength(1);
    expect(await (await fetch(`${mock.url}/__mock/requests`, { method: 'DELETE' })).json()).toEqual({ cleared: 1 });
    expect(await mock.requests()).toEqual([]);
  });

  it('requires the control token when one is set', async () => {
    const guarded = await startMockHal({ apiKey: KEY, controlToken: 'control-secret' });
    try {
      expect((await fetch(`${guarded.url}/__mock/scenario`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/__mock/scenario`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/__mock/scenario`, { headers: { authorization: 'Bearer control-secret' } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/__mock/ready`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
