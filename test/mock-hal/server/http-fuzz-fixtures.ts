// Shared by the HTTP and GraphQL fuzz suites (http-fuzz-requests, http-fuzz-slow-clients,
// graphql-fuzz): the case counts, the key and limits of the mock under fuzz, what each
// scenario allows as an answer, and the random requests, encoded as raw HTTP/1.x bytes.
//
// Seed and case counts: fuzz-config.ts and RUNS below.
import fc from 'fast-check';
import { expect } from 'vitest';
import { CHECK_NAMES, SMOKE_ROUTES } from '../../../common/hal-contract/routes.ts';
import type { Behaviour, Scenario } from '../../../mock-hal/scenario/scenario-model.ts';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import type { MockHal } from '../../../mock-hal/server/server.ts';
import { BUNDLED_SCENARIO_NAMES } from '../../support/bundled-scenarios.ts';
import { runs } from '../../support/fuzz-config.ts';
import type { RawOutcome } from '../../support/raw-http.ts';

export const RUNS = { requests: runs(300), slowClients: runs(3), graphqlDepth: runs(40), graphqlSize: runs(30), graphqlAliases: runs(40) } as const;
export const KEY = 'kvd_fuzz_key_5f3a9c1e';
export const LIMITS = { maxBodyBytes: 16 * 1024, maxHeaderBytes: 8 * 1024, headersTimeoutMs: 600, requestTimeoutMs: 1_200 };
// Every bundled scenario but timeout, whose hang would only time the fuzz out.
const SCENARIOS: string[] = BUNDLED_SCENARIO_NAMES.filter((name) => name !== 'timeout');
const ROUTES = CHECK_NAMES.map((check) => SMOKE_ROUTES[check].path);

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
    // Any branch may answer: a fuzz request can land on any step or draw.
    case 'flaky':
      collect(behaviour.fail, into);
      if (behaviour.otherwise) collect(behaviour.otherwise, into);
      break;
    case 'sequence':
      for (const step of behaviour.steps) collect(step, into);
      if (behaviour.then) collect(behaviour.then, into);
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

export function judge(outcome: RawOutcome, scenario: string): string | null {
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

export interface FuzzRequest {
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

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.record({
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

export function encode(request: FuzzRequest): Buffer {
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

export async function stillServing(mock: MockHal): Promise<void> {
  const ready = await fetch(`${mock.url}/__mock/ready`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toEqual({ ready: true });
}
