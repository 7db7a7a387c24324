// The mock over a real socket: the healthy scenario's answers, and the API key it asks for.
import { describe, expect, it } from 'vitest';
import { withMockHal } from '../../support/mock-hal.ts';
import { KEY, useSharedMockHal } from './server-fixtures.ts';

const { mock, send } = useSharedMockHal();

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
    const first = await (await fetch(`${mock().url}/api/v3/movie?page=1&limit=2`, { headers: { apikey: KEY } })).json();
    expect(first).toMatchObject({ page: 1, pageSize: 2, totalCount: 3 });
    expect(first.records).toHaveLength(2);
    const second = await (await fetch(`${mock().url}/api/v3/movie?page=2&pageSize=2`, { headers: { apikey: KEY } })).json();
    expect(second.records.map((movie: { id: number }) => movie.id)).toEqual([3]);
    const defaults = await (await send('list_movies')).json();
    expect(defaults).toMatchObject({ page: 1, pageSize: 50 });
  });

  it('rejects bad paging with a 400 naming the parameter', async () => {
    const response = await fetch(`${mock().url}/api/v3/movie?limit=abc`, { headers: { apikey: KEY } });
    expect(response.status).toBe(400);
    expect((await response.json()).message).toMatch(/"limit" must be a whole number/);
  });

  it('indexer_test and graphql_ping answer like the real service', async () => {
    expect(await (await send('indexer_test')).json()).toMatchObject({ connected: true, status: 'success', indexerCount: 1 });
    expect(await (await send('graphql_ping')).json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('GraphQL serves health and movies(page, pageSize)', async () => {
    const response = await fetch(`${mock().url}/graphql`, {
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
    expect((await fetch(`${mock().url}/api/v3/movie`, { headers: { 'X-Api-Key': KEY } })).status).toBe(200);
    expect((await fetch(`${mock().url}/api/v3/movie`, { headers: { apikey: KEY } })).status).toBe(200);
  });

  it('honours configured header names', async () => {
    await withMockHal({ apiKey: KEY, apiKeyHeaders: ['x-token'] }, async (custom) => {
      expect((await fetch(`${custom.url}/api/v3/movie`, { headers: { 'x-token': KEY } })).status).toBe(200);
      expect((await fetch(`${custom.url}/api/v3/movie`, { headers: { 'x-api-key': KEY } })).status).toBe(401);
    });
  });
});
