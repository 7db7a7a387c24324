// A mock-hal on a real socket, closed whatever happens: for a test file or a describe
// block (useMockHal), or for one test (withMockHal). Many suites still start theirs by hand.
import { afterAll, beforeAll } from 'vitest';
import { type MockHal, type StartMockHalOptions, startMockHal } from '../../mock-hal/server/server.ts';

/** Registers the hooks where it is called; the returned function gives the running mock. */
export function useMockHal(options: StartMockHalOptions): () => MockHal {
  let running: MockHal | undefined;
  beforeAll(async () => {
    running = await startMockHal(options);
  });
  afterAll(async () => {
    await running?.close();
  });
  return () => {
    if (running === undefined) throw new Error('the mock-hal runs only while the tests that asked for it do');
    return running;
  };
}

/** Runs `body` against a mock-hal of its own, closed afterwards whatever happens. */
export async function withMockHal(options: StartMockHalOptions, body: (hal: MockHal) => Promise<void>): Promise<void> {
  const hal = await startMockHal(options);
  try {
    await body(hal);
  } finally {
    await hal.close();
  }
}
