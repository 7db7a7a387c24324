// mock-hal proxy over real sockets: a second mock-hal (or a bare node:http server, where
// the exact bytes matter) as the API behind it. What the scenario names answers without
// reaching the API; everything else reaches it as the client sent it, and comes back as
// the API answered.
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName } from '../../../common/hal-contract/routes.ts';
import { smokeRequest as contractRequest } from '../../../common/hal-contract/smoke-requests.ts';
import { seededDraw } from '../../../mock-hal/scenario/choices.ts';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { closedPort } from '../../support/mcp.ts';
import { withMockHal } from '../../support/mock-hal.ts';
import { describeResponse, smokeRequest } from '../../support/smoke-requests.ts';
import { steady } from './server-fixtures.ts';

const KEY = 'kvd_proxy_test_key_4242';
/** A value the proxy is told to hide, as `mock-hal proxy --api-key` does. */
const EXTRA_SECRET = 'kvd_extra_secret_777';

/** What the bare API received. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: Buffer;
}

/** A bare API that records each request, answers /some/other with two cookies and /redirect/* with a 302. */
async function startRawApi(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: bytes.toString('utf8'), bytes });
      if (req.url === '/redirect/inside') {
        res.writeHead(302, { location: `http://${req.headers.host}/elsewhere?x=1` });
        res.end();
        return;
      }
      if (req.url === '/redirect/away') {
        res.writeHead(302, { location: 'http://other.example/x' });
        res.end();
        return;
      }
      if (req.url?.startsWith('/some/other')) {
        res.writeHead(201, 'Made It', [
          ['set-cookie', 'a=1; Path=/'],
          ['set-cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly'],
          ['x-upstream', 'yes'],
          ['content-type', 'text/plain'],
        ]);
        res.end('made');
        return;
      }
      res.end('raw ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

interface NodeAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether the request went over a connection an earlier one had used. */
  reusedSocket: boolean;
}

/** node:http as the client: unlike fetch, it sends hop-by-hop headers as given, and takes an agent. */
function nodeRequest(url: string, method: string, headers: Record<string, string>, body: string, agent?: Agent): Promise<NodeAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, ...(agent ? { agent } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket }),
      );
    });
    req.once('error', reject);
    req.end(body);
  });
}

let api: MockHal;
let proxy: MockHal;
let raw: Awaited<ReturnType<typeof startRawApi>>;
let rawProxy: MockHal;
beforeAll(async () => {
  // The API's journal shows keys as they arrived, to prove the proxy passed them on unchanged.
  api = await startMockHal({ apiKey: KEY, revealSecrets: true });
  proxy = await startMockHal({ target: api.url, secrets: [EXTRA_SECRET] });
  raw = await startRawApi();
  rawProxy = await startMockHal({ target: raw.url });
});
afterAll(async () => {
  await Promise.all([proxy?.close(), rawProxy?.close(), api?.close()]);
  await new Promise((resolve) => raw?.server.close(resolve));
});
beforeEach(async () => {
  await Promise.all([api.setScenario('healthy'), proxy.setScenario('healthy'), rawProxy.setScenario('healthy')]);
  await Promise.all([api.clearRequests(), proxy.clearRequests(), rawProxy.clearRequests()]);
  raw.received.length = 0;
});

const send = (check: CheckName, init: RequestInit = {}) => fetch(smokeRequest(check, proxy.url, KEY, init));
const apiSaw = async (check: string) => (await api.requests()).filter((entry) => entry.check === check);

describe('with a scenario that names no endpoint, everything is forwarded', () => {
  it('each smoke request reaches the API with its headers and body, and its answer comes back as the API gave it', async () => {
    await api.setScenario('degraded');
    for (const check of CHECK_NAMES) {
      const contract = contractRequest(check, KEY);
      const viaProxy = await send(check, { headers: { ...contract.headers, 'x-trace': `trace-${check}` } });
      const direct = await fetch(smokeRequest(check, api.url, KEY));
      expect(await describeResponse(viaProxy)).toEqual(await describeResponse(direct));
    }
    const seen = (await api.requests()).filter((entry) => entry.headers['x-trace'] !== undefined);
    expect(seen.map((entry) => entry.check)).toEqual([...CHECK_NAMES]);
    for (const entry of seen) {
      const contract = contractRequest(entry.check as CheckName, KEY);
      expect([entry.method, entry.path, entry.body]).toEqual([contract.method, contract.path, contract.body ?? '']);
      const lowerCased = Object.fromEntries(Object.entries(contract.headers).map(([name, value]) => [name.toLowerCase(), value]));
      expect(entry.headers).toMatchObject({ ...lowerCased, 'x-trace': `trace-${entry.check}` });
    }
    const journal = await proxy.requests();
    expect(journal.map((entry) => [entry.check, entry.status, entry.fault])).toEqual(CHECK_NAMES.map((check) => [check, expect.any(Number), undefined]));
    expect(journal.every((entry) => entry.status !== null && entry.status >= 500)).toBe(true);
  });

  it('any other path goes through with its method, query, body and headers, minus hop-by-hop ones; every Set-Cookie comes back', async () => {
    const headers = {
      'content-type': 'text/plain; charset=utf-8',
      'x-trace': 'abc',
      cookie: 'session=s1',
      authorization: 'Bearer t0ken-value',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      te: 'trailers',
    };
    const answer = await nodeRequest(`${rawProxy.url}/some/other?x=1&y=two%20words`, 'PATCH', headers, 'payload ✓');
    expect(raw.received).toHaveLength(1);
    const got = raw.received[0] as Received;
    expect([got.method, got.url, got.body]).toEqual(['PATCH', '/some/other?x=1&y=two%20words', 'payload ✓']);
    expect(got.headers).toMatchObject({ 'content-type': headers['content-type'], 'x-trace': 'abc', cookie: 'session=s1', authorization: 'Bearer t0ken-value' });
    expect(got.headers.host).toBe(new URL(raw.url).host);
    for (const hop of ['keep-alive', 'proxy-connection', 'te']) expect(got.headers[hop], hop).toBeUndefined();

    expect(answer.status).toBe(201);
    expect(answer.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly']);
    expect([answer.headers['x-upstream'], answer.headers['content-type'], answer.body]).toEqual(['yes', 'text/plain', 'made']);
    const [entry] = await rawProxy.requests();
    expect(entry).toMatchObject({ method: 'PATCH', path: '/some/other', query: { x: '1', y: 'two words' }, body: 'payload ✓', check: null, status: 201 });
  });

  it('a body sent after Expect: 100-continue, as curl sends one over 1 KiB, is forwarded', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(2048) });
    const answer = await nodeRequest(`${rawProxy.url}/upload`, 'POST', { expect: '100-continue', 'content-type': 'application/json' }, body);
    expect(answer.status).toBe(200);
    expect(raw.received.map((request) => [request.url, request.body, request.headers.expect])).toEqual([['/upload', body, undefined]]);
  });

  it('a binary body reaches the API byte for byte', async () => {
    // Every byte value, including ones that are not UTF-8 on their own.
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, index) => index % 256));
    const answer = await fetch(`${rawProxy.url}/upload/binary`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
    expect(answer.status).toBe(200);
    await answer.arrayBuffer();
    expect(raw.received).toHaveLength(1);
    expect(raw.received[0]?.bytes.equals(bytes)).toBe(true);
  });

  it('a redirect to the API comes back pointing at the proxy, so a client that follows it stays behind the faults; one to another host is left alone', async () => {
    const inside = await fetch(`${rawProxy.url}/redirect/inside`, { redirect: 'manual' });
    expect([inside.status, inside.headers.get('location')]).toEqual([302, `${rawProxy.url}/elsewhere?x=1`]);
    const away = await fetch(`${rawProxy.url}/redirect/away`, { redirect: 'manual' });
    expect([away.status, away.headers.get('location')]).toEqual([302, 'http://other.example/x']);
  });

  it("the control API is the proxy's own: /__mock paths are never forwarded", async () => {
    for (const path of ['/__mock', '/__mock/nope', '/__mock/requests']) await (await fetch(`${rawProxy.url}${path}`)).text();
    await (await fetch(`${rawProxy.url}/__mockery`)).text();
    expect(raw.received.map((request) => request.url)).toEqual(['/__mockery']);
  });
});

describe('where the scenario names a behaviour, the proxy answers and the API never sees the request', () => {
  beforeEach(async () => {
    // Forwarded answers would be 5xx: a 2xx below is the proxy's own.
    await api.setScenario('degraded');
  });

  it('status, delay, malformed', async () => {
    await proxy.setScenario(
      steady({
        health: { type: 'status', status: 418, body: { teapot: true } },
        list_movies: { type: 'delay', ms: 20, then: { type: 'ok' } },
        indexer_test: { type: 'malformed', variant: 'html' },
      }),
    );
    const health = await send('health');
    expect([health.status, await health.json()]).toEqual([418, { teapot: true }]);
    const movies = await send('list_movies');
    expect([movies.status, Object.keys(await movies.json())]).toEqual([200, expect.arrayContaining(['records', 'totalCount'])]);
    const indexer = await send('indexer_test');
    expect([indexer.status, indexer.headers.get('content-type'), await indexer.text()]).toEqual([
      200,
      expect.stringMatching(/text\/html/),
      expect.stringMatching(/<html/i),
    ]);
    // graphql_ping is not named: it is forwarded.
    expect((await send('graphql_ping')).status).toBe(500);
    expect((await api.requests()).map((entry) => entry.check)).toEqual(['graphql_ping']);
    const failures = Object.fromEntries((await proxy.requests()).map((entry) => [entry.check, entry.failure]));
    expect(failures).toEqual({ health: 'HTTP 418', list_movies: null, indexer_test: expect.any(String), graphql_ping: 'HTTP 500' });
  });

  it('hang holds the request until the client gives up', async () => {
    await proxy.setScenario(steady({ indexer_test: { type: 'hang' } }));
    const abort = new AbortController();
    const answer = send('indexer_test', { signal: abort.signal });
    await expect.poll(() => proxy.pendingRequests()).toBe(1);
    abort.abort();
    await expect(answer).rejects.toThrow(/abort/i);
    await expect.poll(async () => (await proxy.requests()).map((entry) => [entry.check, entry.fault, entry.status])).toEqual([['indexer_test', 'hang', null]]);
    expect(await apiSaw('indexer_test')).toEqual([]);
  });

  it('reset drops the connection', async () => {
    await proxy.setScenario(steady({ graphql_ping: { type: 'reset' } }));
    await expect(send('graphql_ping')).rejects.toThrow(/fetch failed/);
    const [entry] = await proxy.requests();
    expect(entry).toMatchObject({ check: 'graphql_ping', fault: 'reset', status: null, failure: expect.any(String) });
    expect(entry?.upstreamError).toBeUndefined();
    expect(await apiSaw('graphql_ping')).toEqual([]);
  });

  it('flaky fails the seeded share and forwards only the others', async () => {
    await api.setScenario('healthy');
    const seed = 11;
    await proxy.setScenario(steady({ list_movies: { type: 'flaky', rate: 0.4, seed, fail: { type: 'status', status: 503 } } }));
    const statuses: number[] = [];
    for (let request = 0; request < 20; request += 1) statuses.push((await send('list_movies')).status);
    const expected = Array.from({ length: 20 }, (_, request) => (seededDraw(seed, request) < 0.4 ? 503 : 200));
    expect(new Set(expected)).toEqual(new Set([200, 503]));
    expect(statuses).toEqual(expected);
    expect((await apiSaw('list_movies')).length).toBe(expected.filter((status) => status === 200).length);
    const picked = (await proxy.requests()).map((entry) => entry.choices?.[0]?.picked);
    expect(picked).toEqual(expected.map((status) => (status === 503 ? 'fail' : 'otherwise')));
  });
});

describe('keys', () => {
  it('the key a client sends reaches the API unchanged and never shows in the journal, wherever it is put', async () => {
    const headers = { 'x-api-key': KEY, 'content-type': 'application/json', 'x-trace': 'visible', 'x-other': EXTRA_SECRET };
    const movies = await fetch(`${proxy.url}/api/v3/movie?apikey=${KEY}&page=1`, { headers });
    expect(movies.status).toBe(200);
    const body = JSON.stringify({ apiKey: KEY, note: `also ${EXTRA_SECRET}` });
    expect((await fetch(`${proxy.url}/api/v3/indexer/test`, { method: 'POST', headers, body })).status).toBe(200);
    expect((await fetch(`${proxy.url}/elsewhere/${KEY}`, { headers })).status).toBe(404);

    const journal = await (await fetch(`${proxy.url}/__mock/requests`)).text();
    expect(journal).not.toContain(KEY);
    expect(journal).not.toContain(EXTRA_SECRET);
    const entries = (JSON.parse(journal) as { requests: { headers: Record<string, string>; query: Record<string, string> }[] }).requests;
    expect(entries).toHaveLength(3);
    expect(entries[0]?.headers).toMatchObject({ 'x-api-key': '[REDACTED]', 'x-other': '[REDACTED]', 'x-trace': 'visible' });
    expect(entries[0]?.query).toEqual({ apikey: '[REDACTED]', page: '1' });

    const arrived = await api.requests();
    expect(arrived.map((entry) => entry.headers['x-api-key'])).toEqual([KEY, KEY, KEY]);
    expect(arrived[0]?.query).toEqual({ apikey: KEY, page: '1' });
    expect(arrived[1]?.body).toBe(body);
    expect(arrived[2]?.path).toBe(`/elsewhere/${KEY}`);
  });

  it('a key sent only as ?apikey= is learned too, and hidden in the journal', async () => {
    const queryKey = 'kvd_query_only_key_0042';
    expect((await fetch(`${proxy.url}/api/v3/movie?apikey=${queryKey}`)).status).toBe(401);
    const journal = await (await fetch(`${proxy.url}/__mock/requests`)).text();
    expect(journal).not.toContain(queryKey);
    expect((JSON.parse(journal) as { requests: { query: Record<string, string> }[] }).requests[0]?.query).toEqual({ apikey: '[REDACTED]' });
  });
});

describe('an API that gives no answer', () => {
  it('nothing listening: the client connection fails, the journal says reset and why', async () => {
    await withMockHal({ target: `http://127.0.0.1:${await closedPort()}` }, async (down) => {
      await expect(fetch(smokeRequest('health', down.url, KEY))).rejects.toThrow(/fetch failed/);
      await expect(fetch(`${down.url}/somewhere`)).rejects.toThrow(/fetch failed/);
      const journal = await down.requests();
      expect(journal.map((entry) => [entry.check, entry.fault, entry.status])).toEqual([
        ['health', 'reset', null],
        [null, 'reset', null],
      ]);
      for (const entry of journal) expect(entry.upstreamError).toMatch(/\S/);
      expect(journal[0]?.failure).toEqual(expect.any(String));
    });
  });

  it('the API resets the connection: so does the proxy', async () => {
    await api.setScenario('offline');
    await expect(send('list_movies')).rejects.toThrow(/fetch failed/);
    const [entry] = await proxy.requests();
    expect(entry).toMatchObject({
      check: 'list_movies',
      fault: 'reset',
      status: null,
      upstreamError: expect.stringMatching(/\S/),
      failure: expect.any(String),
    });
  });

  it('the client leaves while the API has not answered: the proxy abandons its request to the API', async () => {
    await api.setScenario(steady({ list_movies: { type: 'hang' } }));
    const abort = new AbortController();
    const answer = send('list_movies', { signal: abort.signal });
    await expect.poll(() => api.pendingRequests()).toBe(1);
    abort.abort();
    await expect(answer).rejects.toThrow(/abort/i);
    await expect.poll(() => api.pendingRequests()).toBe(0);
    await expect.poll(async () => (await api.requests()).map((entry) => entry.fault)).toEqual(['hang']);
    await expect
      .poll(async () => (await proxy.requests()).map((entry) => [entry.fault, entry.status, typeof entry.upstreamError]))
      .toEqual([['client-gone', null, 'string']]);
  });
});

describe('the journal', () => {
  it('a switch through the control API takes effect on the next request', async () => {
    expect((await send('health')).status).toBe(200);
    const put = await fetch(`${proxy.url}/__mock/scenario`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":"degraded"}' });
    expect(put.status).toBe(200);
    expect((await send('health')).status).toBe(503);
    expect(await apiSaw('health')).toHaveLength(1);
    expect((await proxy.requests()).map((entry) => entry.scenario)).toEqual(['healthy', 'degraded']);
  });

  it('failure: null for a healthy forwarded answer, HTTP N for a forwarded error, a reason for a broken body', async () => {
    for (const check of CHECK_NAMES) await send(check);
    await api.setScenario('degraded');
    const statuses = new Map<string, number>();
    for (const check of CHECK_NAMES) statuses.set(check, (await send(check)).status);
    await api.setScenario('malformed');
    for (const check of CHECK_NAMES) await (await send(check)).arrayBuffer();
    const journal = await proxy.requests();
    expect(journal.slice(0, 4).map((entry) => entry.failure)).toEqual([null, null, null, null]);
    expect(journal.slice(4, 8).map((entry) => entry.failure)).toEqual(CHECK_NAMES.map((check) => `HTTP ${statuses.get(check)}`));
    expect(statuses.get('health')).toBe(503);
    const broken = journal.slice(8).map((entry) => [entry.check, entry.failure === null]);
    const failing = api.scenario().phases[0]?.expect.failedChecks ?? [];
    expect(failing.length).toBeGreaterThan(0);
    expect(broken).toEqual(CHECK_NAMES.map((check) => [check, !failing.includes(check)]));
  });
});

describe('a keep-alive connection', () => {
  it('carries many proxied requests without piling up listeners on its socket', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    // One connection for every request: node warns at a socket's 11th listener for an event.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A proxy of its own: node warns once per socket, so an earlier test's socket could hide it.
      await withMockHal({ target: api.url }, async (fresh) => {
        const reused: boolean[] = [];
        for (let request = 0; request < 15; request += 1) {
          const answer = await nodeRequest(`${fresh.url}/health`, 'GET', {}, '', agent);
          expect(answer.status).toBe(200);
          reused.push(answer.reusedSocket);
        }
        expect(reused).toEqual([false, ...Array(14).fill(true)]);
        expect((await api.requests()).length).toBe(15);
      });
    } finally {
      agent.destroy();
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
