// Yoga answers /graphql two ways: on the socket itself when the mock runs on node, and
// through a Web Request in-process (msw, app.fetch) or for a body too large to hand over
// whole. Every kind of GraphQL request must get the same answer both ways.
import { describe, expect, it } from 'vitest';
import { useMswBesideSocket } from '../../support/msw-beside-socket.ts';
import { describeResponse } from '../../support/smoke-requests.ts';

const KEY = 'kvd_transport_key_1234';
const BASE = 'http://hal.transport.test';
const { real } = useMswBesideSocket(KEY, BASE);

const JSON_TYPE = { 'content-type': 'application/json' };
// Over the 64 KiB the socket path hands to Yoga whole: this one takes the Web Request path on both.
const bigVariables = { pad: 'v'.repeat(70 * 1024) };

const cases: [string, Record<string, string>, unknown][] = [
  ['a ping', JSON_TYPE, { query: 'query { __typename }' }],
  ['health fields', JSON_TYPE, { query: 'query { health { status service version } }' }],
  ['a movie page', JSON_TYPE, { query: 'query Page($size: Int) { movies(pageSize: $size) { page totalCount records { title } } }', variables: { size: 2 } }],
  ['a resolver error', JSON_TYPE, { query: 'query { movies(page: 0) { page } }' }],
  ['an unknown field', JSON_TYPE, { query: 'query { nope }' }],
  ['an unknown field, graphql-response+json', { ...JSON_TYPE, accept: 'application/graphql-response+json' }, { query: 'query { nope }' }],
  ['a mutation', JSON_TYPE, { query: 'mutation { x }' }],
  ['variables that are not an object', JSON_TYPE, { query: 'query { __typename }', variables: 5 }],
  ['an operation name that is not there', JSON_TYPE, { query: 'query A { __typename }', operationName: 'B' }],
  ['two operations, one chosen', JSON_TYPE, { query: 'query A { __typename } query B { health { status } }', operationName: 'B' }],
  ['no content type', {}, { query: 'query { __typename }' }],
  ['text/plain', { 'content-type': 'text/plain' }, { query: 'query { __typename }' }],
  ['an accept Yoga cannot serve', { ...JSON_TYPE, accept: 'text/html' }, { query: 'query { __typename }' }],
  ['a body over 64 KiB', JSON_TYPE, { query: 'query { __typename }', variables: bigVariables }],
  ['a non-ASCII query', JSON_TYPE, { query: 'query { __typename } # café ☕' }],
];

describe('/graphql answers alike on the socket and in-process', () => {
  it.each(cases)('%s', async (_label, headers, payload) => {
    const init = { method: 'POST', headers: { 'x-api-key': KEY, ...headers }, body: JSON.stringify(payload) };
    const viaSocket = await describeResponse(await fetch(`${real().url}/graphql`, init));
    const viaMsw = await describeResponse(await fetch(`${BASE}/graphql`, init));
    expect(viaMsw).toEqual(viaSocket);
  });

  it('journals the status Yoga sent on the socket', async () => {
    await real().clearRequests();
    await fetch(`${real().url}/graphql`, {
      method: 'POST',
      headers: { 'x-api-key': KEY, accept: 'text/html', ...JSON_TYPE },
      body: '{"query":"query { __typename }"}',
    });
    await fetch(`${real().url}/graphql`, { method: 'POST', headers: { 'x-api-key': KEY, ...JSON_TYPE }, body: '{"query":"query { __typename }"}' });
    expect((await real().requests()).map((entry) => entry.status)).toEqual([406, 200]);
  });
});
