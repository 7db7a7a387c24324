// Fuzzing the mock's GraphQL endpoint: deep, huge and wide documents are refused with a
// 400 that names the limit, and the mock keeps serving.
//
// Seed and case counts: fuzz-config.ts and RUNS in http-fuzz-fixtures.ts.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { SEED } from '../../support/fuzz-config.ts';
import { KEY, RUNS } from './http-fuzz-fixtures.ts';

describe('GraphQL fuzz: deep, huge and wide documents are refused with a 400 naming the limit', () => {
  // The default limits: depth 12, 1000 tokens, 16 KiB of query.
  let roomy: MockHal;
  beforeAll(async () => {
    roomy = await startMockHal({ apiKey: KEY });
  });
  afterAll(() => roomy.close());

  /** `extra` is spliced in as raw JSON members, so it can be deeper than JSON.stringify allows. */
  async function ask(query: string, extra = ''): Promise<{ status: number; message: string }> {
    const response = await fetch(`${roomy.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: `{"query":${JSON.stringify(query)}${extra}}`,
    });
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { errors?: { message: string }[] }).errors?.map((error) => error.message).join('; ') ?? '';
    } catch {
      // keep the raw text
    }
    return { status: response.status, message };
  }

  it(`deep nesting (${RUNS.graphqlDepth} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 13, max: 5_000 }), fc.constantFrom('a', 'movies', '__typename'), fc.boolean(), async (depth, field, withAliases) => {
        const open = Array.from({ length: depth }, (_, level) => `${withAliases ? `x${level}: ` : ''}${field} {`).join(' ');
        const answer = await ask(`query { ${open} __typename ${'}'.repeat(depth)} }`);
        expect(answer.status).toBe(400);
        expect(answer.message).toMatch(/nested deeper than 12 levels|more than 1000 tokens|larger than 16384 bytes/);
      }),
      { seed: SEED, numRuns: RUNS.graphqlDepth },
    );
  });

  it(`huge documents (${RUNS.graphqlSize} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 16_385, max: 900_000 }), fc.constantFrom('comment', 'string', 'spaces', 'variables'), async (size, kind) => {
        const pad = 'q'.repeat(size);
        const query =
          kind === 'comment'
            ? `query { __typename }\n# ${pad}`
            : kind === 'string'
              ? `query { movies(page: 1) { page } } # "${pad}"`
              : kind === 'spaces'
                ? `query {${' '.repeat(size)}__typename }`
                : 'query { __typename }';
        const deep = `${'['.repeat(size % 200_000)}${']'.repeat(size % 200_000)}`;
        const extra = kind === 'variables' ? `,"variables":{"pad":"${pad}","deep":${deep}},"extensions":{"deep":${deep}}` : '';
        const answer = await ask(query, extra);
        if (kind === 'variables') {
          // The query is small: the bound is the body size, and within it the answer is an ordinary one.
          expect([200, 400, 413]).toContain(answer.status);
        } else {
          expect(answer.status).toBe(400);
          expect(answer.message).toMatch(/larger than 16384 bytes/);
        }
      }),
      { seed: SEED, numRuns: RUNS.graphqlSize },
    );
    expect((await fetch(`${roomy.url}/health`)).status).toBe(200);
  });

  it(`many aliases (${RUNS.graphqlAliases} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 400, max: 20_000 })), async (count) => {
        const aliases = Array.from({ length: count }, (_, index) => `a${index}: __typename`).join(' ');
        const answer = await ask(`query { ${aliases} }`);
        if (count <= 300) {
          expect(answer.status).toBe(200);
        } else {
          expect(answer.status).toBe(400);
          expect(answer.message).toMatch(/more than 1000 tokens|larger than 16384 bytes/);
        }
      }),
      { seed: SEED, numRuns: RUNS.graphqlAliases },
    );
  });
});
