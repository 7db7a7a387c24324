// The same mock twice, for parity tests: msw handlers intercepting an origin of their own,
// and a real server on a socket (whose requests msw lets through).
import { setupServer } from 'msw/node';
import { afterAll, beforeAll } from 'vitest';
import { createMockHalHandlers, type MockHalHandlers } from '../../mock-hal/msw/msw-handlers.ts';
import type { MockHal } from '../../mock-hal/server/server.ts';
import { useMockHal } from './mock-hal.ts';

export function useMswBesideSocket(apiKey: string, baseUrl: string): { inProcess: MockHalHandlers; real: () => MockHal } {
  const inProcess = createMockHalHandlers({ baseUrl, apiKey });
  const interceptor = setupServer(...inProcess.handlers);
  beforeAll(() => interceptor.listen({ onUnhandledFrame: 'bypass' }));
  afterAll(() => interceptor.close());
  return { inProcess, real: useMockHal({ apiKey }) };
}
