// The containerised mock through the same handle as startMockHal: health, scenarios,
// journal and shutdown over the published port.
import { randomBytes } from 'node:crypto';
import { getContainerRuntimeClient } from 'testcontainers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOCK_HAL_CONTAINER_LABEL, type MockHalContainer, MockHalContainerError, startMockHalContainer } from '../../../mock-hal/container/container.ts';
import { loadScenarioFile } from '../../../mock-hal/scenario/scenario-store.ts';
import { type MockHalHandle, startMockHal } from '../../../mock-hal/server/server.ts';
import { IN_CI, SKIP_REASON, suiteTitle } from '../../support/container-prerequisites.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

/** The engine's view of a container (through testcontainers' client, as the module sees it). */
async function inspect(id: string) {
  const client = await getContainerRuntimeClient();
  return client.container.getById(id).inspect();
}

describe('container test prerequisites', () => {
  it.skipIf(!IN_CI)('a Docker engine and mock-hal:local are present (required when CI=true)', () => {
    if (SKIP_REASON !== null) throw new Error(`CI=true but the container tests cannot run: ${SKIP_REASON}`);
  });
});

describe.skipIf(SKIP_REASON !== null)(suiteTitle('startMockHalContainer'), () => {
  const apiKey = `kvd_container_${randomBytes(8).toString('hex')}`;
  let mock: MockHalContainer;

  beforeAll(async () => {
    mock = await startMockHalContainer({ scenario: 'healthy', apiKey });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('resolves to the startMockHal handle shape', () => {
    const handle: MockHalHandle = mock;
    expect(handle.url).toMatch(/^http:\/\/[^/]+:\d+$/);
    for (const method of ['setScenario', 'requests', 'clearRequests', 'close'] as const) {
      expect(typeof handle[method]).toBe('function');
    }
  });

  it('answers healthy over the mapped port and journals the calls', async () => {
    expect(await (await fetch(`${mock.url}/__mock/ready`)).json()).toEqual({ ready: true });
    await mock.clearRequests();
    for (const check of ['health', 'list_movies', 'indexer_test', 'graphql_ping'] as const) {
      const response = await fetch(smokeRequest(check, mock.url, apiKey));
      expect(response.status, check).toBeLessThan(300);
      await response.arrayBuffer();
    }
    const journal = await mock.requests();
    expect(journal.map((entry) => entry.check)).toEqual(['health', 'list_movies', 'indexer_test', 'graphql_ping']);
    expect(journal.every((entry) => entry.scenario === 'healthy')).toBe(true);
    // The key reached the container, and the journal redacts it.
    expect(JSON.stringify(journal)).not.toContain(apiKey);
  });

  it('refuses a wrong API key and an unauthenticated control request', async () => {
    const wrong = await fetch(smokeRequest('list_movies', mock.url, 'kvd_wrong'));
    expect(wrong.status).toBe(401);
    const control = await fetch(`${mock.url}/__mock/requests`);
    expect(control.status).toBe(401);
  });

  it('switches to degraded through setScenario, and back', async () => {
    await mock.setScenario('degraded');
    await mock.clearRequests();
    const degraded = await fetch(smokeRequest('list_movies', mock.url, apiKey));
    expect(degraded.status).toBeGreaterThanOrEqual(500);
    await degraded.arrayBuffer();
    const [entry] = await mock.requests();
    expect(entry).toMatchObject({ scenario: 'degraded', check: 'list_movies', status: degraded.status });

    await mock.setScenario('healthy');
    const healthy = await fetch(smokeRequest('list_movies', mock.url, apiKey));
    expect(healthy.status).toBe(200);
    await healthy.arrayBuffer();
  });

  it('takes a whole scenario object through setScenario', async () => {
    const scenario = loadScenarioFile('scenarios/degraded.json');
    await mock.setScenario({ ...scenario, name: 'degraded-copy' });
    expect(await mock.scenarioState()).toMatchObject({ name: 'degraded-copy' });
    await mock.setScenario('healthy');
  });

  it('answers a seeded flaky scenario in the same order as a mock on a socket in this process', async () => {
    /** Statuses of 3 rounds of the four smoke requests; "network" for a reset connection. */
    const answers = async (url: string): Promise<(number | 'network')[]> => {
      const seen: (number | 'network')[] = [];
      for (let round = 0; round < 3; round++) {
        for (const check of ['health', 'list_movies', 'indexer_test', 'graphql_ping'] as const) {
          seen.push(
            await fetch(smokeRequest(check, url, apiKey)).then(
              async (response) => {
                await response.arrayBuffer();
                return response.status;
              },
              () => 'network' as const,
            ),
          );
        }
      }
      return seen;
    };
    await mock.setScenario('flaky');
    const inContainer = await answers(mock.url);
    const local = await startMockHal({ scenario: 'flaky', apiKey });
    try {
      expect(inContainer).toEqual(await answers(local.url));
    } finally {
      await local.close();
    }
    // The scenario's own sequence: list_movies resets on every third request.
    expect(inContainer.filter((_, index) => index % 4 === 1)).toEqual([200, 200, 'network']);
    await mock.setScenario('healthy');
  });

  it('empties the journal with clearRequests', async () => {
    await (await fetch(smokeRequest('health', mock.url, apiKey))).arrayBuffer();
    expect((await mock.requests()).length).toBeGreaterThan(0);
    await mock.clearRequests();
    expect(await mock.requests()).toEqual([]);
  });
});

describe.skipIf(SKIP_REASON !== null)(suiteTitle('startMockHalContainer lifecycle'), () => {
  it('starts degraded from the environment, carries the healthcheck, and close() removes it promptly', async () => {
    const started = Date.now();
    const mock = await startMockHalContainer({ scenario: 'degraded' });
    const startMs = Date.now() - started;
    try {
      expect(startMs).toBeLessThan(20_000);
      const response = await fetch(smokeRequest('health', mock.url, null));
      expect(response.status).toBeGreaterThanOrEqual(500);
      await response.arrayBuffer();
      const { Config: config } = await inspect(mock.containerId);
      expect(config.Labels).toMatchObject({ [MOCK_HAL_CONTAINER_LABEL]: 'true' });
      expect(config.Healthcheck?.Test?.join(' ')).toContain('/__mock/ready');
      expect(await mock.logs()).toContain('(scenario: degraded)');
    } finally {
      const stopping = Date.now();
      await mock.close();
      // serve handles SIGTERM as PID 1: far below the 5 s before Docker would SIGKILL.
      expect(Date.now() - stopping).toBeLessThan(4_000);
    }
    await mock.close(); // idempotent
    await expect(inspect(mock.containerId)).rejects.toThrow(/no such container/i);
    await expect(fetch(`${mock.url}/__mock/ready`)).rejects.toThrow();
  });

  it('starts from a scenario file, copied into the container', async () => {
    const mock = await startMockHalContainer({ scenario: 'scenarios/unauthorized.json', apiKey: 'kvd_file' });
    try {
      expect(await mock.scenarioState()).toMatchObject({ name: 'unauthorized' });
    } finally {
      await mock.close();
    }
  });

  it('says what to do when the image is missing', async () => {
    const attempt = startMockHalContainer({ image: 'mock-hal:does-not-exist' });
    await expect(attempt).rejects.toThrow(MockHalContainerError);
    await expect(attempt).rejects.toThrow(/image mock-hal:does-not-exist is missing/);
  });
});
