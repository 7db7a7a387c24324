// Fuzzing the mock over a real socket: random methods, targets, headers and
// bodies (invalid UTF-8, chunked, over the limit), sent in pieces with pauses,
// and slow clients that stall. Every answer must be one well-formed HTTP
// response whose status the active scenario allows, and the mock keeps serving.
//
// Seed and case counts: config.ts and RUNS below.
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, SMOKE_ROUTES } from '../../../common/hal-contract/routes.ts';
import type { Behaviour, Scenario } from '../../../mock-hal/scenario/scenario-model.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { runs, SEED } from '../../support/fuzz-config.ts';
import { type RawOutcome, sendRaw, splitAt } from '../../support/raw-http.ts';

const RUNS = { requests: runs(300), slowClients: runs(3), graphqlDepth: runs(40), graphqlSize: runs(30), graphqlAliases: runs(40) } as const;
const KEY = 'kvd_fuzz_key_5f3a9c1e';
const LIMITS = { maxBodyBytes: 16 * 1024, maxHeaderBytes: 8 * 1024, headersTimeoutMs: 600, requestTimeoutMs: 1_200 };
const SCENARIOS = [
  'healthy',
  'production',
  'degraded',
  'partial',
  'malformed',
  'unauthorized',
  'graphql-errors',
  'offline',
  'failure-window',
  'failure-window-5xx',
];
const ROUTES = CHECK_NAMES.map((check) => SMOKE_ROUTES[check].path);

let mock: MockHal;
beforeAll(async () => {
  mock = await startMockHal({ apiKey: KEY, limits: LIMITS });
});
afterAll(() => mock.close());

// --- what a scenario allows --------------------------------------------------

interface Allowed {
  /** Statuses outside 2xx/4xx that some endpoint of the scenario answers with. */
  statuses: Set<number>;
  /** Some endpoint drops the connection without an answer. */
  resets: boolean;
}

function collect(behaviour: Behaviour, into: Allowed): void {
  switch (behaviour.type) {
    case 'status':
    case 'raw':
      into.statuses.add(behaviour.status);
      break;
    case 'empty':
    case 'malformed':
    case 'graphql-errors':
      into.statuses.add(behaviour.status ?? 200);
      break;
    case 'delay':
      collect(behaviour.then, into);
      break;
    case 'reset':
    case 'hang':
      into.resets = true;
      break;
    default:
      break;
  }
}

function allowedBy(scenario: Scenario): Allowed {
  const allowed: Allowed = { statuses: new Set(), resets: false };
  for (const phase of scenario.phases) for (const behaviour of Object.values(phase.endpoints)) collect(behaviour, allowed);
  return allowed;
}

const allowed = new Map(SCENARIOS.map((name) => [name, allowedBy(resolveScenario(name))]));

function judge(outcome: RawOutcome, scenario: string): string | null {
  const rules = allowed.get(scenario)!;
  switch (outcome.kind) {
    case 'malformed':
      return `not an HTTP response (${outcome.why}): ${JSON.stringify(outcome.bytes.subarray(0, 200).toString('latin1'))}`;
    case 'silent':
      return `no answer within the safety limit (${outcome.bytes.length} bytes so far)`;
    case 'closed':
      return rules.resets ? null : `connection closed without an answer (${outcome.error ?? 'clean close'})`;
    case 'response': {
      const { status } = outcome.response;
      if (outcome.interim.some((code) => code !== 100)) return `unexpected interim answers ${outcome.interim.join(', ')}`;
      if ((status >= 200 && status < 300) || (status >= 400 && status < 500) || rules.statuses.has(status)) return null;
      return `status ${status} is not one the scenario "${scenario}" answers with: ${outcome.response.body.toString('utf8').slice(0, 300)}`;
    }
  }
}

// --- random requests -----------------------------------------------------------

const latin1 = (min: number, max: number) => fc.integer({ min, max }).map((code) => String.fromCharCode(code));
const token = fc.string({
  unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#$%&'*+^`|~"),
  minLength: 1,
  maxLength: 12,
});
// Header values: mostly printable ASCII; sometimes obs-text, sometimes a control character Node must refuse.
const headerValue = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit: latin1(0x20, 0x7e), maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.oneof(latin1(0x20, 0x7e), latin1(0x80, 0xff)), maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(latin1(0x20, 0x7e), latin1(0x00, 0x1f)), maxLength: 40 }) },
);
const pathChar = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789/-._~') },
  { weight: 6, arbitrary: fc.constantFrom('%2e', '%2f', '%00', '%ff', '%', '%zz', '..', '//', '?', '#', '&', '=', ';', '@', ':') },
  { weight: 1, arbitrary: latin1(0x80, 0xff) },
);

const target = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ROUTES) },
  { weight: 2, arbitrary: fc.constantFrom('/__mock/ready', '/__mock/requests', '/__mock/nope', '/', '*') },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ROUTES), fc.string({ unit: pathChar, maxLength: 30 })).map(([route, tail]) => `${route}${tail}`) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...ROUTES),
        fc.dictionary(
          fc.constantFrom('page', 'limit', 'pageSize', 'x'),
          fc.oneof(fc.nat({ max: 300 }).map(String), fc.string({ unit: pathChar, maxLength: 8 })),
          { maxKeys: 3 },
        ),
      )
      .map(
        ([route, query]) =>
          `${route}?${Object.entries(query)
            .map(([key, value]) => `${key}=${value}`)
            .join('&')}`,
      ),
  },
  { weight: 2, arbitrary: fc.string({ unit: pathChar, maxLength: 60 }).map((path) => `/${path}`) },
  { weight: 1, arbitrary: fc.constantFrom('http://127.0.0.1/health', '127.0.0.1:80', '/../../etc/passwd', '/api/v3/../../health', '/%68ealth') },
);

const method = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom('GET', 'GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('TRACE', 'CONNECT', 'PROPFIND', 'get', 'G E T', '') },
  { weight: 1, arbitrary: token },
);

const headerName = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.constantFrom(
      'content-type',
      'accept',
      'x-api-key',
      'apikey',
      'authorization',
      'cookie',
      'expect',
      'upgrade',
      'connection',
      'origin',
      'accept-encoding',
      'x-forwarded-for',
      'host',
    ),
  },
  { weight: 10, arbitrary: token },
  { weight: 1, arbitrary: fc.constantFrom('bad name', 'colon:name', '') },
);

const invalidUtf8 = fc.constantFrom([0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf]);

const body = fc.oneof(
  { weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) },
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)) },
  { weight: 4, arbitrary: fc.json({ maxDepth: 4 }).map((text) => Buffer.from(text)) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom(
        '{}',
        '{"query":"query { __typename }"}',
        '{"query":"{ health { status } movies(pageSize: 2) { records { title } } }"}',
        '{"query":"mutation { x }"}',
        '{"query":"query { __typename","variables":{}}',
      )
      .map((text) => Buffer.from(text)),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 40 }), invalidUtf8)
      .map(([text, bad]) => Buffer.concat([Buffer.from(`{"query":"query { __typename } ${text.replace(/["\\]/g, '')}`), Buffer.from(bad), Buffer.from('"}')])),
  },
  // Over the 16 KiB limit, declared or chunked.
  { weight: 1, arbitrary: fc.integer({ min: LIMITS.maxBodyBytes + 1, max: 3 * LIMITS.maxBodyBytes }).map((size) => Buffer.alloc(size, 'x')) },
);

interface FuzzRequest {
  scenario: string;
  method: string;
  target: string;
  version: string;
  headers: [string, string][];
  key: 'right' | 'wrong' | 'none';
  body: Buffer;
  framing: 'length' | 'chunked' | 'none';
  chunk: number;
  cuts: number[];
  pauses: number[];
}

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
  scenario: fc.constantFrom(...SCENARIOS),
  method,
  target,
  version: fc.oneof(
    { weight: 20, arbitrary: fc.constant('1.1') },
    { weight: 3, arbitrary: fc.constant('1.0') },
    { weight: 1, arbitrary: fc.constantFrom('1.2', '2.0', '0.9') },
  ),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 4 }),
  key: fc.constantFrom('right', 'right', 'wrong', 'none'),
  body,
  framing: fc.constantFrom('length', 'length', 'chunked', 'none'),
  chunk: fc.integer({ min: 1, max: 4096 }),
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
  pauses: fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 4 }),
});

function encode(request: FuzzRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/${request.version}`, 'Host: 127.0.0.1'];
  // Framing headers are the request's own, so a random one cannot make the server wait for bytes never sent.
  for (const [name, value] of request.headers) {
    if (!['content-length', 'transfer-encoding', 'host'].includes(name.toLowerCase())) lines.push(`${name}: ${value}`);
  }
  if (request.key !== 'none') {
    lines.push(`X-Api-Key: ${request.key === 'right' ? KEY : 'kvd_wrong'}`);
  }
  let payload: Buffer = Buffer.alloc(0);
  if (request.framing === 'length') {
    lines.push(`Content-Length: ${request.body.length}`);
    payload = request.body;
  } else if (request.framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    const parts: Buffer[] = [];
    for (let at = 0; at < request.body.length; at += request.chunk) {
      const piece = request.body.subarray(at, at + request.chunk);
      parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from('0\r\n\r\n'));
    payload = Buffer.concat(parts);
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]);
}

async function stillServing(mock: MockHal): Promise<void> {
  const ready = await fetch(`${mock.url}/__mock/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true });
}

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
