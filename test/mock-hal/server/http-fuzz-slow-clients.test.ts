// Fuzzing the mock over a real socket with slow clients: several at once send part of a
// request, slowly, then stall; each is cut off while the mock keeps serving everyone else.
//
// Seed and case counts: fuzz-config.ts and RUNS in http-fuzz-fixtures.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { SEED } from '../../support/fuzz-config.ts';
import { sendRaw, splitAt } from '../../support/raw-http.ts';
import { KEY, LIMITS, RUNS, stillServing } from './http-fuzz-fixtures.ts';

let mock: MockHal;
beforeAll(async () => {
  mock = await startMockHal({ apiKey: KEY, limits: LIMITS });
});
afterAll(() => mock.close());

describe('HTTP fuzz: slow clients', () => {
  // Each case opens several clients at once that send part of a request, slowly, then stall.
  const stall = fc.record({
    request: fc.constantFrom(
      `GET /health HTTP/1.1\r\nHost: x\r\n\r\n`,
      `POST /graphql HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}\r\nContent-Length: 33\r\n\r\n{"query":"query { __typename }"}`,
      `POST /api/v3/indexer/test HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`,
    ),
    // Send this fraction of the request (never all of it), in this many pieces.
    fraction: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
    pieces: fc.integer({ min: 1, max: 6 }),
    pause: fc.integer({ min: 0, max: 80 }),
  });

  it(`a client that stalls mid-request is cut off while others are served (${RUNS.slowClients} × 6 clients, seed ${SEED})`, async () => {
    await mock.setScenario('healthy');
    await fc.assert(
      fc.asyncProperty(fc.array(stall, { minLength: 6, maxLength: 6 }), async (clients) => {
        const stalled = clients.map(({ request, fraction, pieces, pause }) => {
          const bytes = Buffer.from(request);
          const sent = bytes.subarray(0, Math.max(1, Math.floor(bytes.length * fraction)));
          const cuts = Array.from({ length: pieces - 1 }, (_, index) => (index + 1) / pieces);
          return sendRaw(mock.port, splitAt(sent, cuts), { pauses: cuts.map(() => pause), limitMs: 8_000 });
        });
        // While they stall, the mock answers everyone else.
        expect((await fetch(`${mock.url}/health`)).status).toBe(200);
        for (const outcome of await Promise.all(stalled)) {
          // Cut off: closed, or a 408 (Node answers it when it can), never left hanging.
          if (outcome.kind === 'response') expect(outcome.response.status).toBe(408);
          else expect(outcome.kind).toBe('closed');
        }
        await stillServing(mock);
      }),
      { seed: SEED, numRuns: RUNS.slowClients, endOnFailure: true },
    );
  });
});
