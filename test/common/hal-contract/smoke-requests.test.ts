// What the guardrails send per check, pinned by value, and every copy the kit builds
// from it: the recorder's fetch, the tests' Request and the conformance tool call must
// all carry the same method, URL, headers and body.
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, SMOKE_ROUTES } from '../../../common/hal-contract/routes.ts';
import {
  API_KEY_HEADERS,
  apiKeyHeaders,
  GRAPHQL_PING_BODY,
  GRAPHQL_PING_QUERY,
  LIST_MOVIES_HAL_QUERY,
  smokeRequest,
} from '../../../common/hal-contract/smoke-requests.ts';
import { MOCK_TOKEN, smokeCall } from '../../../harness/conformance/cases.ts';
import { parseTarget, smokeRequestInit } from '../../../mock-hal/record/record.ts';
import { smokeRequest as testRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_contract_key';
const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('the smoke requests', () => {
  it('are what the scripts send', () => {
    expect(GRAPHQL_PING_QUERY).toBe('query { __typename }');
    expect(JSON.parse(GRAPHQL_PING_BODY)).toEqual({ query: 'query { __typename }' });
    expect(API_KEY_HEADERS).toEqual(['X-Api-Key', 'apikey']);
    expect(LIST_MOVIES_HAL_QUERY).toEqual({ page: 1, limit: 50 });
    expect(CHECK_NAMES.map((check) => smokeRequest(check, KEY))).toEqual([
      { check: 'health', method: 'GET', path: '/health', headers: {} },
      { check: 'list_movies', method: 'GET', path: '/api/v3/movie', headers: { 'X-Api-Key': KEY, apikey: KEY } },
      { check: 'indexer_test', method: 'POST', path: '/api/v3/indexer/test', headers: { ...JSON_TYPE, 'X-Api-Key': KEY, apikey: KEY }, body: '{}' },
      { check: 'graphql_ping', method: 'POST', path: '/graphql', headers: { ...JSON_TYPE, 'X-Api-Key': KEY, apikey: KEY }, body: GRAPHQL_PING_BODY },
    ]);
  });

  it('without a key carry no key header, and keep the content type', () => {
    expect(apiKeyHeaders(null)).toEqual({});
    expect(smokeRequest('list_movies', null).headers).toEqual({});
    expect(smokeRequest('graphql_ping', null).headers).toEqual(JSON_TYPE);
  });

  it('go to the contract route of their check', () => {
    for (const check of CHECK_NAMES) {
      const { method, path } = smokeRequest(check, KEY);
      expect({ method, path }).toEqual(SMOKE_ROUTES[check]);
    }
  });

  it('never send the key to health, which the scripts call unauthenticated', () => {
    expect(JSON.stringify(smokeRequest('health', KEY))).not.toContain(KEY);
  });
});

describe('every copy of a smoke request is the contract one', () => {
  const BASE = 'http://api.example:7878/base';

  it.each(CHECK_NAMES)('%s: the recorder sends it under the target base URL', (check) => {
    const want = smokeRequest(check, KEY);
    const { url, init } = smokeRequestInit(check, parseTarget(`${BASE}/`), KEY);
    expect(url).toBe(`${BASE}${want.path}`);
    expect(init.method).toBe(want.method);
    expect(init.headers ?? {}).toEqual(want.headers);
    expect(init.body).toBe(want.body);
  });

  it.each(CHECK_NAMES)('%s: the tests send it as a fetch Request', async (check) => {
    const want = smokeRequest(check, KEY);
    const request = testRequest(check, BASE, KEY);
    expect(request.url).toBe(`${BASE}${want.path}`);
    expect(request.method).toBe(want.method);
    expect(Object.fromEntries(request.headers)).toEqual(Object.fromEntries(new Headers(want.headers)));
    expect(await request.text()).toBe(want.body ?? '');
  });

  it.each(CHECK_NAMES)('%s: the conformance suite hands it to HAL as the scripts do', (check) => {
    const want = smokeRequest(check, '{secrets.kavedarr.api_key}');
    const { tool, args } = smokeCall(check);
    expect(tool).toBe(want.method === 'GET' ? 'http-get' : 'http-post');
    expect(args.url).toBe(`${MOCK_TOKEN}${want.path}`);
    expect(args.body).toBe(want.body);
    if (check === 'health') expect(args).not.toHaveProperty('headers');
    else expect(args.headers).toEqual(want.headers);
    expect(args.query).toEqual(check === 'list_movies' ? LIST_MOVIES_HAL_QUERY : undefined);
  });

  it('a caller can still replace the method, headers or body of a test Request', async () => {
    const request = testRequest('indexer_test', BASE, KEY, { body: '{nope', headers: { apikey: 'other' } });
    expect(request.method).toBe('POST');
    expect(await request.text()).toBe('{nope');
    expect(request.headers.get('x-api-key')).toBeNull();
    expect(request.headers.get('apikey')).toBe('other');
  });
});
