// The bundled `production` scenario answers as the recorded production service did on a
// healthy day (interfaces doc, section 5), and a correct guardrail counts it as passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFailure } from '../../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES } from '../../../common/hal-contract/routes.ts';
import type { Behaviour } from '../../../mock-hal/scenario/scenario-model.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { IN_CI, productionSample, SAMPLES_SKIP_REASON, samplesTitle } from '../../support/samples.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_production_test_key';
const production = resolveScenario('production');
const endpoints = production.phases[0]!.endpoints;
const FORBIDDEN = {
  data: null,
  errors: [{ message: 'Introspection requires admin authentication', extensions: { code: 'FORBIDDEN' } }],
};

let mock: MockHal;
beforeAll(async () => {
  mock = await startMockHal({ scenario: 'production', apiKey: KEY });
});
afterAll(() => mock.close());

async function answer(check: (typeof CHECK_NAMES)[number]) {
  const response = await fetch(smokeRequest(check, mock.url, KEY));
  return { status: response.status, contentType: response.headers.get('content-type'), body: await response.text() };
}

/** The body a behaviour sends, as text. */
function bodyText(behaviour: Behaviour | undefined): string {
  if (behaviour?.type === 'status') return JSON.stringify(behaviour.body);
  if (behaviour?.type === 'raw') return behaviour.body;
  throw new Error(`expected a status or raw behaviour, got ${JSON.stringify(behaviour)}`);
}

describe('the production scenario', () => {
  it('expects passed, with no failed check', () => {
    expect(production.phases).toHaveLength(1);
    expect(production.phases[0]!.expect).toEqual({ status: 'passed', failedChecks: [] });
  });

  it('answers 200 everywhere: the FORBIDDEN GraphQL answer, the empty movie list, healthy health and indexer', async () => {
    const graphql = await answer('graphql_ping');
    expect(graphql.status).toBe(200);
    expect(JSON.parse(graphql.body)).toEqual(FORBIDDEN);
    const movies = await answer('list_movies');
    expect(movies.status).toBe(200);
    expect(JSON.parse(movies.body)).toMatchObject({ records: [], totalCount: 0 });
    expect(JSON.parse((await answer('health')).body)).toMatchObject({ status: 'healthy' });
    expect(JSON.parse((await answer('indexer_test')).body)).toMatchObject({ connected: true, status: 'success' });
  });

  it('every answer passes the one check rule (a 200 GraphQL response with errors included)', async () => {
    for (const check of CHECK_NAMES) {
      const got = await answer(check);
      expect({ check, failure: checkFailure(check, { kind: 'answer', status: got.status, body: got.body }) }).toEqual({ check, failure: null });
    }
  });

  it('still needs the API key, as production does', async () => {
    expect((await fetch(smokeRequest('graphql_ping', mock.url, null))).status).toBe(401);
  });

  it('labels the GraphQL answer so that hal-mcp passes it through compact, as in the recorded capture', async () => {
    const graphql = await answer('graphql_ping');
    expect(graphql.contentType).toBe('application/graphql-response+json');
    expect(graphql.contentType).not.toContain('application/json');
    for (const check of ['health', 'list_movies', 'indexer_test'] as const) {
      expect((await answer(check)).contentType).toContain('application/json');
    }
  });
});

describe('the recorded samples', () => {
  it.skipIf(!IN_CI)('are present (required when CI=true)', () => {
    if (SAMPLES_SKIP_REASON !== null) throw new Error(`CI=true but the samples are missing: ${SAMPLES_SKIP_REASON}`);
  });

  describe.skipIf(SAMPLES_SKIP_REASON !== null)(samplesTitle('the production scenario holds the recorded bodies'), () => {
    it.each(CHECK_NAMES.map((check) => [check]))('%s: the scenario body equals the sample body', (check) => {
      expect(JSON.parse(bodyText(endpoints[check]))).toEqual(JSON.parse(productionSample(check)));
    });

    it('the GraphQL body is the sample byte for byte (it was captured as sent, not re-indented)', () => {
      expect(bodyText(endpoints.graphql_ping)).toBe(productionSample('graphql_ping').trimEnd());
    });

    it.each(CHECK_NAMES.map((check) => [check]))('%s: the mock sends the sample body', async (check) => {
      const got = await answer(check);
      expect(got.status).toBe(200);
      expect(JSON.parse(got.body)).toEqual(JSON.parse(productionSample(check)));
    });
  });
});
