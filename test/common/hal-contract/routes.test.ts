// The routes are pinned here by value, once: everything else reads them from the
// contract, so a slip in routes.ts would otherwise move the mock, the recorder and the
// conformance calls together and no test would notice.
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, checkAtPath, checkOfRequest, describeSmokeRoutes, isCheckName, SMOKE_ROUTES } from '../../../common/hal-contract/routes.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { createMockHalApp } from '../../../mock-hal/server/app.ts';

describe('the smoke routes', () => {
  it('are the four checks, in the order the guardrails run them', () => {
    expect(CHECK_NAMES).toEqual(['health', 'list_movies', 'indexer_test', 'graphql_ping']);
    expect(SMOKE_ROUTES).toEqual({
      health: { method: 'GET', path: '/health' },
      list_movies: { method: 'GET', path: '/api/v3/movie' },
      indexer_test: { method: 'POST', path: '/api/v3/indexer/test' },
      graphql_ping: { method: 'POST', path: '/graphql' },
    });
    expect(Object.keys(SMOKE_ROUTES)).toEqual([...CHECK_NAMES]);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(SMOKE_ROUTES)).toBe(true);
    expect(Object.isFrozen(SMOKE_ROUTES.health)).toBe(true);
  });

  it('find the check of a path, and of a request only when the method matches', () => {
    expect(CHECK_NAMES.map((check) => checkAtPath(SMOKE_ROUTES[check].path))).toEqual([...CHECK_NAMES]);
    expect(checkAtPath('/health/')).toBeNull();
    expect(checkAtPath('/api/v3/movie/1')).toBeNull();
    expect(checkAtPath('/__mock/scenario')).toBeNull();
    expect(checkOfRequest('POST', '/graphql')).toBe('graphql_ping');
    expect(checkOfRequest('GET', '/graphql')).toBeNull();
    expect(checkOfRequest('get', '/health')).toBeNull();
    expect(checkOfRequest('GET', '/nope')).toBeNull();
  });

  it('know the check names', () => {
    expect(CHECK_NAMES.every(isCheckName)).toBe(true);
    for (const other of ['graphql', 'HEALTH', '', 'toString', null, 1]) expect(isCheckName(other)).toBe(false);
  });

  it('describe themselves for messages', () => {
    expect(describeSmokeRoutes()).toBe('GET /health, GET /api/v3/movie, POST /api/v3/indexer/test, POST /graphql');
  });
});

describe('the mock serves exactly the contract routes', () => {
  const KEY = 'kvd_routes_contract';
  const { app, journal } = createMockHalApp({
    scenario: resolveScenario('healthy'),
    resolveScenario: (ref) => resolveScenario(ref),
    apiKey: KEY,
    faultsFor: () => ({ clientGone: () => new Promise<void>(() => undefined), reset: () => new Response(null, { status: 500 }) }),
  });
  const headers = { 'x-api-key': KEY, 'content-type': 'application/json' };

  it.each(CHECK_NAMES)('%s: its method and path answer 200 and are journaled as the check', async (check) => {
    const { method, path } = SMOKE_ROUTES[check];
    journal.clear();
    const response = await app.request(path, { method, headers, ...(method === 'POST' ? { body: '{"query":"{ __typename }"}' } : {}) });
    expect(response.status).toBe(200);
    expect(journal.list().map((entry) => [entry.method, entry.path, entry.check])).toEqual([[method, path, check]]);
  });

  it.each(CHECK_NAMES)('%s: the other method is refused with 405 naming the contract method', async (check) => {
    const { method, path } = SMOKE_ROUTES[check];
    const other = method === 'GET' ? 'POST' : 'GET';
    const response = await app.request(path, { method: other, headers });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(method);
  });

  it('an unknown path is a 404 that lists the contract routes', async () => {
    const response = await app.request('/api/v3/nothing', { headers });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toBe(
      `no route for GET /api/v3/nothing; mock-hal serves ${describeSmokeRoutes()} and /__mock/*`,
    );
  });
});
