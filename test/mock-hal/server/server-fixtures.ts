// Shared by the server-*.test.ts suites, the mock over a real socket: one mock-hal per
// file, back on the healthy scenario with an empty journal before each test.
import { beforeEach } from 'vitest';
import type { CheckName } from '../../../common/hal-contract/routes.ts';
import type { ScenarioInput } from '../../../mock-hal/scenario/scenario-model.ts';
import type { MockHal } from '../../../mock-hal/server/server.ts';
import { useMockHal } from '../../support/mock-hal.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

export const KEY = 'kvd_test_key_0123456789';

/** A one-phase scenario with the given endpoints; the expectation is not what is tested. */
export function steady(endpoints: ScenarioInput['endpoints']): ScenarioInput {
  return { name: 'under-test', description: 'test scenario', endpoints, expect: { status: 'failed', failedChecks: [] } };
}

export interface SharedMockHal {
  /** The file's mock-hal (journal of 50); there once the file's tests run. */
  mock(): MockHal;
  /** The smoke request for `check`, sent to the file's mock-hal with `key` (null: none). */
  send(check: CheckName, key?: string | null, init?: RequestInit): Promise<Response>;
}

/** The file's mock-hal, started before its tests, reset before each and closed after all. */
export function useSharedMockHal(): SharedMockHal {
  const mock = useMockHal({ apiKey: KEY, limits: { journalSize: 50 } });
  beforeEach(async () => {
    await mock().setScenario('healthy');
    await mock().clearRequests();
  });
  return { mock, send: (check, key = KEY, init = {}) => fetch(smokeRequest(check, mock().url, key, init)) };
}
