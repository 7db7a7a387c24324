// The mock over a real socket: bad input (unknown routes, bad JSON and GraphQL, bodies,
// headers and clients past the limits, garbage) gets a 4xx and the server keeps serving.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { withMockHal } from '../../support/mock-hal.ts';
import { KEY, useSharedMockHal } from './server-fixtures.ts';

const { mock, send } = useSharedMockHal();

/** Writes `bytes` to the server on a bare socket and gives all it sent back until it closed. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
  });
}

describe('bad input', () => {
  it('unknown path: 404 JSON; wrong method: 405 with Allow', async () => {
    const missing = await fetch(`${mock().url}/api/v3/nothing`);
    expect(missing.status).toBe(404);
    expect((await missing.json()).message).toMatch(/no route for GET \/api\/v3\/nothing/);
    const wrong = await fetch(`${mock().url}/graphql`, { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('invalid JSON to the indexer: 400 that says so', async () => {
    const response = await fetch(`${mock().url}/api/v3/indexer/test`, { method: 'POST', headers: { apikey: KEY }, body: '{nope' });
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
    const response = await fetch(`${mock().url}/graphql`, { method: 'POST', headers: { apikey: KEY, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].message).toMatch(message);
  });

  it('the unescaped GraphQL body the gap-5 scripts produce is journaled as invalid JSON', async () => {
    await fetch(`${mock().url}/graphql`, { method: 'POST', headers: { apikey: KEY }, body: '{"query":"{"query":"query { __typename }"}"}' });
    const [entry] = await mock().requests();
    expect(entry).toMatchObject({ bodyIsJson: false, graphql: { parseable: false, operation: null }, status: 400 });
  });

  it('oversized body: 413, declared or chunked, and the server keeps serving', async () => {
    await withMockHal({ apiKey: KEY, limits: { maxBodyBytes: 1024 } }, async (small) => {
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
    });
  });

  it('bounds headers (431), GraphQL tokens (400) and slow clients (cut off), each configurable', async () => {
    const limits = { maxHeaderBytes: 2048, graphqlMaxTokens: 50, headersTimeoutMs: 300, requestTimeoutMs: 300 };
    await withMockHal({ apiKey: KEY, limits }, async (bounded) => {
      expect((await fetch(`${bounded.url}/health`, { headers: { 'x-padding': 'p'.repeat(4096) } })).status).toBe(431);
      const manyTokens = await fetch(`${bounded.url}/graphql`, {
        method: 'POST',
        headers: { apikey: KEY },
        body: JSON.stringify({ query: `query { ${'__typename '.repeat(60)}}` }),
      });
      expect(manyTokens.status).toBe(400);
      expect((await manyTokens.json()).errors[0].message).toMatch(/more th\w+ 50 tokens/);
      const started = performance.now();
      const closed = await rawExchange(bounded.port, 'GET /health HTTP/1.1\r\nHost: x\r\n');
      expect(closed).toMatch(/^(HTTP\/1\.1 408|)/);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await fetch(`${bounded.url}/health`)).status).toBe(200);
    });
  });

  it('a garbage request line gets 400 from the server and it keeps serving', async () => {
    const reply = await rawExchange(mock().port, '\x00\x01 NOT HTTP\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await send('health')).status).toBe(200);
  });
});
