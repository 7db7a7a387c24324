// Fuzzing the mock over a real socket with random requests: random methods, targets,
// headers and bodies (invalid UTF-8, chunked, over the limit), sent in pieces with pauses.
// Every answer must be one well-formed HTTP response whose status the active scenario
// allows, and the mock keeps serving.
//
// Seed and case counts: fuzz-config.ts and RUNS in http-fuzz-fixtures.ts.
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startMockHal } from '../../../mock-hal/server/server.ts';
import { SEED } from '../../support/fuzz-config.ts';
import { sendRaw, splitAt } from '../../support/raw-http.ts';
import { encode, fuzzRequest, judge, KEY, LIMITS, RUNS, stillServing } from './http-fuzz-fixtures.ts';

describe('HTTP fuzz: random requests', () => {
  it(`every answer is a well-formed response the scenario allows (${RUNS.requests} requests, seed ${SEED})`, async () => {
    const statuses = new Map<number | string, number>();
    const mock = await startMockHal({ apiKey: KEY, limits: LIMITS });
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (request) => {
        await mock.setScenario(request.scenario);
        const outcome = await sendRaw(mock.port, splitAt(encode(request), request.cuts), {
          method: request.method,
          pauses: request.pauses,
          limitMs: 5_000,
        });
        const key = outcome.kind === 'response' ? outcome.response.status : outcome.kind;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const problem = judge(outcome, request.scenario);
        if (problem) throw new Error(`${problem}\nrequest: ${JSON.stringify(encode(request).subarray(0, 400).toString('latin1'))}`);
        await stillServing(mock);
      }),
      { seed: SEED, numRuns: RUNS.requests, endOnFailure: true },
    );
    // The fuzz must reach the interesting answers, not only 400s from the parser.
    const seen = [...statuses.keys()];
    if (process.env.RELIABILITY_VERBOSE) console.log(Object.fromEntries(statuses));
    expect(seen).toEqual(expect.arrayContaining([200, 400, 401, 404, 413]));
    await mock.setScenario('healthy');
    expect((await fetch(`${mock.url}/health`)).status).toBe(200);
    // No connection the fuzz opened may keep the server from closing.
    const closing = await Promise.race([mock.close().then(() => 'closed'), delay(5_000, 'still open')]);
    expect(closing).toBe('closed');
  });

  it('a 2 MiB chunked body under the default limit answers 413, and the mock keeps serving', async () => {
    const roomy = await startMockHal({ apiKey: KEY });
    try {
      const head = Buffer.from(`POST /api/v3/indexer/test HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${KEY}\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, '{'), Buffer.from('\r\n')]);
      const pieces = [head, ...Array.from({ length: 32 }, () => chunk), Buffer.from('0\r\n\r\n')];
      const outcome = await sendRaw(roomy.port, pieces);
      expect(outcome.kind === 'response' && outcome.response.status).toBe(413);
      expect((await fetch(`${roomy.url}/health`)).status).toBe(200);
    } finally {
      await roomy.close();
    }
  });
});
