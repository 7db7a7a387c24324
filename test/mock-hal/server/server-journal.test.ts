// The mock over a real socket: the request journal.
import { describe, expect, it } from 'vitest';
import { KEY, useSharedMockHal } from './server-fixtures.ts';

const { mock, send } = useSharedMockHal();

describe('journal', () => {
  it('records method, path, query, redacted headers and body, JSON validity, GraphQL operation, status, duration', async () => {
    await send('health');
    await fetch(`${mock().url}/api/v3/movie?page=1&limit=50&token=${KEY}`, { headers: { 'X-Api-Key': KEY } });
    await fetch(`${mock().url}/api/v3/indexer/test`, {
      method: 'POST',
      headers: { apikey: KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ leaked: KEY }),
    });
    await send('graphql_ping');
    const entries = await mock().requests();
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
    const entries = await mock().requests();
    expect(entries).toHaveLength(50);
    expect(entries[49]!.id - entries[0]!.id).toBe(49);
  });

  it('does not journal the control API', async () => {
    await fetch(`${mock().url}/__mock/scenario`);
    expect(await mock().requests()).toEqual([]);
  });
});
