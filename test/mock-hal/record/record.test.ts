// mock-hal record: a second mock-hal stands in for the real API; what gets recorded
// from it must replay, served by mock-hal, exactly as the original answered.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName } from '../../../common/hal-contract/routes.ts';
import {
  buildRecordedScenario,
  failureReason,
  keptHeaders,
  parseTarget,
  type RecordedAnswer,
  recordSmoke,
  scenarioNameFromFile,
  startRecordingProxy,
  writeScenarioFile,
} from '../../../mock-hal/record/record.ts';
import { hasChoice, parseScenario, type ScenarioInput } from '../../../mock-hal/scenario/scenario-model.ts';
import { listScenarios, resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { DEFAULT_SCENARIOS_DIR, type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { closedPort } from '../../support/mcp.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_real_api_key_0123';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Seen {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: Buffer;
}

async function hit(check: CheckName, url: string, key: string): Promise<Seen> {
  const response = await fetch(smokeRequest(check, url, key));
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** Records `original` into a file, serves the file, and returns both mocks. */
async function recordAndReplay(original: MockHal, name: string, timeoutMs = 5_000) {
  const file = join(dir, `${name}.json`);
  const answers = await recordSmoke({ target: original.url, apiKey: KEY, timeoutMs });
  const scenario = buildRecordedScenario(answers, { name, target: parseTarget(original.url), mode: 'smoke' });
  await writeScenarioFile(file, scenario, false);
  const replay = await startMockHal({ scenario: file, apiKey: KEY });
  return { file, answers, scenario, replay };
}

// A scenario with headers worth keeping and headers that must be dropped.
const WITH_HEADERS: ScenarioInput = {
  name: 'with-headers',
  description: 'answers with extra headers, an HTML page and a 200 with GraphQL errors (which passes)',
  endpoints: {
    health: {
      type: 'status',
      status: 503,
      body: { status: 'unhealthy', note: 'ünïcode ✓ and "quotes"' },
      headers: {
        'retry-after': '30',
        'x-request-id': 'req-42',
        'set-cookie': 'sid=session-secret; HttpOnly',
        'x-debug-echo': `key=${KEY}`,
        'x-session-token': 'tok_123',
      },
    },
    list_movies: { type: 'malformed', variant: 'html', status: 502 },
    indexer_test: {
      type: 'raw',
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"connected":true,\n "status":"success"}  ',
    },
    graphql_ping: { type: 'graphql-errors', errors: [{ message: 'FORBIDDEN', extensions: { code: 'FORBIDDEN' } }] },
  },
  expect: { status: 'failed', failedChecks: ['health', 'list_movies'] },
};

describe('record and replay', () => {
  it.each([
    ['degraded', 'degraded'],
    ['production', 'production'],
    ['with-headers', WITH_HEADERS],
  ] as const)('%s: the replay answers with the same status, content type and body bytes', async (name, scenario) => {
    const original = await startMockHal({ scenario, apiKey: KEY });
    const { replay, scenario: recorded } = await recordAndReplay(original, `replay-${name}`);
    try {
      for (const check of CHECK_NAMES) {
        const [want, got] = await Promise.all([hit(check, original.url, KEY), hit(check, replay.url, KEY)]);
        expect({ check, status: got.status, contentType: got.contentType }).toEqual({
          check,
          status: want.status,
          contentType: want.contentType,
        });
        expect(got.body.equals(want.body), `${check} body: ${got.body.toString()} vs ${want.body.toString()}`).toBe(true);
      }
      const bundled = typeof scenario === 'string' ? resolveScenario(scenario, DEFAULT_SCENARIOS_DIR) : parseScenario(scenario);
      expect(recorded.expect).toEqual(bundled.phases[0]?.expect);
    } finally {
      await Promise.all([original.close(), replay.close()]);
    }
  });

  it('keeps useful headers and drops cookies, secrets, dates and lengths', async () => {
    const original = await startMockHal({ scenario: WITH_HEADERS, apiKey: KEY });
    const { replay, file } = await recordAndReplay(original, 'header-policy');
    try {
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('session-secret');
      expect(text).not.toContain('tok_123');
      const got = await hit('health', replay.url, KEY);
      expect(got.headers.get('retry-after')).toBe('30');
      expect(got.headers.get('x-request-id')).toBe('req-42');
      expect(got.headers.get('set-cookie')).toBeNull();
      expect(got.headers.get('x-debug-echo')).toBeNull();
      expect(got.headers.get('x-session-token')).toBeNull();
      expect((await hit('indexer_test', replay.url, KEY)).headers.get('cache-control')).toBe('no-store');
      const health = (JSON.parse(text) as { endpoints: { health: { then: { headers: Record<string, string> } } } }).endpoints.health.then.headers;
      expect(Object.keys(health).sort()).toEqual(['content-type', 'retry-after', 'x-request-id']);
    } finally {
      await Promise.all([original.close(), replay.close()]);
    }
  });

  it('records the latency as a delay, and the replay waits as long', async () => {
    const original = await startMockHal({
      scenario: {
        name: 'slow',
        description: 'slow health',
        endpoints: { health: { type: 'delay', ms: 300, then: { type: 'ok' } } },
        expect: { status: 'passed' },
      },
      apiKey: KEY,
    });
    const { replay, scenario } = await recordAndReplay(original, 'slow');
    try {
      const health = (scenario.endpoints as Record<string, { type: string; ms: number }>).health;
      expect(health?.type).toBe('delay');
      expect(health?.ms).toBeGreaterThanOrEqual(300);
      expect(health?.ms).toBeLessThan(3_000);
      const started = performance.now();
      expect((await hit('health', replay.url, KEY)).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(scenario.expect).toEqual({ status: 'passed', failedChecks: [] });
    } finally {
      await Promise.all([original.close(), replay.close()]);
    }
  });

  // The derived expectation must agree with what each bundled scenario says a correct guardrail reports.
  it.each(['healthy', 'production', 'partial', 'malformed', 'unauthorized', 'graphql-errors', 'timeout', 'offline'])(
    '%s: the derived expectation equals the bundled one',
    async (name) => {
      const original = await startMockHal({ scenario: name, apiKey: KEY });
      try {
        const answers = await recordSmoke({ target: original.url, apiKey: KEY, timeoutMs: name === 'timeout' ? 1_500 : 5_000 });
        const scenario = buildRecordedScenario(answers, { name: `rec-${name}`, target: parseTarget(original.url), mode: 'smoke' });
        expect(scenario.expect).toEqual(resolveScenario(name, DEFAULT_SCENARIOS_DIR).phases[0]?.expect);
        if (name === 'timeout') expect(answers.filter((a) => a.kind === 'hang').map((a) => a.check)).toEqual(['list_movies', 'indexer_test', 'graphql_ping']);
        if (name === 'offline') expect(answers.every((a) => a.kind === 'reset')).toBe(true);
        if (name === 'malformed') expect(scenario.description).toMatch(/list_movies \(body is not JSON\)/);
        if (name === 'graphql-errors') expect(scenario.description).toMatch(/graphql_ping \(HTTP 500\)/);
        if (name === 'production') expect(scenario.description).toMatch(/graphql_ping 200 after \d+ ms.*Every recorded check is expected to pass/);
      } finally {
        await original.close();
      }
    },
  );

  // Each phase of the bundled failure windows, held, recorded: the same expectation as the phase's.
  // A phase whose endpoints decide per request is recorded over ten rounds: its expectation
  // is the worst case, and the recording's is too.
  it.each(
    listScenarios()
      .scenarios.filter((scenario) => scenario.phases.length > 1)
      .flatMap((scenario) => scenario.phases.map((phase, index) => [scenario.name, phase.name, index] as const)),
  )('%s, phase %s: the derived expectation equals the bundled one', async (name, _phase, index) => {
    const original = await startMockHal({ scenario: name, apiKey: KEY });
    try {
      await original.setScenario(name, { phase: index, hold: true });
      const decides = Object.values(original.scenario().phases[index]?.endpoints ?? {}).some((behaviour) => behaviour !== undefined && hasChoice(behaviour));
      const answers = await recordSmoke({ target: original.url, apiKey: KEY, timeoutMs: 5_000, samples: decides ? 10 : 1 });
      const scenario = buildRecordedScenario(answers, { name: `rec-${name}-${index}`, target: parseTarget(original.url), mode: 'smoke' });
      expect(scenario.expect).toEqual(resolveScenario(name, DEFAULT_SCENARIOS_DIR).phases[index]?.expect);
      // The real outage is an API HAL cannot reach: no answer at all, for every check.
      if (name === 'failure-window' && index === 1) expect(answers.map((a) => a.kind)).toEqual(['reset', 'reset', 'reset', 'reset']);
      if (name === 'failure-window-5xx' && index === 1) expect(answers.map((a) => (a.kind === 'answer' ? a.status : a.kind))).toEqual([503, 503, 503, 503]);
    } finally {
      await original.close();
    }
  });

  it('an unreachable target is recorded as reset, and the replay resets too', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const answers = await recordSmoke({ target: url, apiKey: KEY, checks: ['health', 'graphql_ping'] });
    expect(answers.map((a) => a.kind)).toEqual(['reset', 'reset']);
    const scenario = buildRecordedScenario(answers, { name: 'down', target: parseTarget(url), mode: 'smoke' });
    expect(scenario.expect).toEqual({ status: 'failed', failedChecks: ['health', 'graphql_ping'] });
    expect(scenario.description).toMatch(/Not recorded, so answering "ok": list_movies, indexer_test/);
    const replay = await startMockHal({ scenario, apiKey: KEY });
    try {
      await expect(fetch(smokeRequest('health', replay.url, KEY))).rejects.toThrow();
      expect((await fetch(smokeRequest('list_movies', replay.url, KEY))).status).toBe(200);
    } finally {
      await replay.close();
    }
  });
});

describe('record pieces', () => {
  const answer = (check: CheckName, status: number, body: string): RecordedAnswer => ({ check, kind: 'answer', latencyMs: 1, status, headers: {}, body });

  it('judges answers like the hardened guardrails', () => {
    expect(failureReason(answer('health', 200, '{"status":"ok"}'))).toBeNull();
    expect(failureReason(answer('health', 204, ''))).toBe('empty body');
    expect(failureReason(answer('health', 301, '{}'))).toBe('HTTP 301');
    expect(failureReason(answer('list_movies', 200, '<html>'))).toBe('body is not JSON');
    expect(failureReason(answer('list_movies', 200, 'null'))).toBe('body is JSON null');
    expect(failureReason(answer('graphql_ping', 200, '{"data":{"__typename":"Query"}}'))).toBeNull();
    expect(failureReason(answer('graphql_ping', 200, '{"data":{"__typename":"Query"},"errors":[]}'))).toBeNull();
    // Production's healthy answer: a GraphQL response, so it passes; the ping proves GraphQL answers, not authorisation.
    expect(failureReason(answer('graphql_ping', 200, '{"data":null,"errors":[{"message":"x","extensions":{"code":"FORBIDDEN"}}]}'))).toBeNull();
    expect(failureReason(answer('graphql_ping', 200, '{"data":{}}'))).toBeNull();
    expect(failureReason(answer('graphql_ping', 500, '{"data":null,"errors":[{"message":"x"}]}'))).toBe('HTTP 500');
    expect(failureReason(answer('graphql_ping', 200, '{"status":"ok"}'))).toBe('neither data nor errors: not a GraphQL response');
    expect(failureReason(answer('graphql_ping', 200, '{"errors":"x"}'))).toBe('GraphQL errors are malformed');
    expect(failureReason(answer('graphql_ping', 200, '[]'))).toBe('GraphQL response is not an object');
    expect(failureReason({ check: 'health', kind: 'hang', latencyMs: 10, error: 'timed out' })).toMatch(/no answer/);
    expect(failureReason({ check: 'health', kind: 'reset', latencyMs: 1, error: 'ECONNREFUSED' })).toMatch(/connection failed/);
  });

  it('keeps only replayable, non-secret headers', () => {
    const headers = new Headers({
      'Content-Type': 'application/json',
      'Content-Length': '12',
      'Content-Encoding': 'gzip',
      Date: 'Tue, 24 Nov 2026 17:00:00 GMT',
      Connection: 'keep-alive',
      'Keep-Alive': 'timeout=5',
      'Transfer-Encoding': 'chunked',
      'Set-Cookie': 'a=b',
      'X-Auth-Token': 'abc',
      'X-Echo': 'the key is s3cret',
      ETag: '"v1"',
    });
    expect(keptHeaders(headers, ['s3cret'])).toEqual({ 'content-type': 'application/json', etag: '"v1"' });
  });

  it('names a scenario after its file and validates what it writes', async () => {
    expect(scenarioNameFromFile('/x/Outage 2026-11-24.json')).toBe('outage-2026-11-24');
    expect(scenarioNameFromFile('___.json')).toBe('recording');
    await expect(writeScenarioFile(join(dir, 'bad.json'), { name: 'Bad Name', description: 'x', expect: { status: 'passed' } }, false)).rejects.toThrow(/name/);
  });

  it('writes the scenario once: an existing --out is kept unless --force, and no temp file is left', async () => {
    const out = join(dir, 'once', 'rec.json');
    const scenario = (name: string): ScenarioInput => ({ name, description: 'x', expect: { status: 'passed' } });
    await writeScenarioFile(out, scenario('first'), false);
    await expect(writeScenarioFile(out, scenario('second'), false)).rejects.toThrow(/already exists; pass --force/);
    expect(JSON.parse(await readFile(out, 'utf8')).name).toBe('first');
    await writeScenarioFile(out, scenario('third'), true);
    expect(await readFile(out, 'utf8')).toBe(`${JSON.stringify(scenario('third'), null, 2)}\n`);
    expect(await readdir(join(dir, 'once'))).toEqual(['rec.json']);
    await expect(writeScenarioFile(join(dir, 'once'), scenario('x'), true)).rejects.toThrow(/is a folder/);
  });

  it('keeps the key out of recorded bodies and errors', async () => {
    const original = await startMockHal({
      scenario: {
        name: 'echo',
        description: 'echoes the key',
        endpoints: { health: { type: 'raw', status: 200, headers: { 'content-type': 'text/plain' }, body: `key=${KEY}; short=${KEY.slice(0, 7)}` } },
        expect: { status: 'passed' },
      },
      apiKey: KEY,
    });
    try {
      const [health] = await recordSmoke({ target: original.url, apiKey: KEY, checks: ['health'] });
      expect(health).toMatchObject({ kind: 'answer', body: `key=[REDACTED]; short=${KEY.slice(0, 7)}` });
    } finally {
      await original.close();
    }
  });

  it('the proxy records only smoke requests, by method and path, hiding keys clients send', async () => {
    const original = await startMockHal({
      scenario: {
        name: 'echo-movies',
        description: 'echoes the key',
        endpoints: { list_movies: { type: 'raw', status: 200, headers: { 'content-type': 'application/json' }, body: `{"k":"${KEY}"}` } },
        expect: { status: 'passed' },
      },
      apiKey: KEY,
    });
    const seen: RecordedAnswer[] = [];
    const proxy = await startRecordingProxy({ target: original.url, onAnswer: (answer) => seen.push(answer) });
    try {
      expect((await fetch(smokeRequest('list_movies', proxy.url, KEY))).status).toBe(200);
      // Passed through, not recorded: the wrong method for a smoke path, and a path that is none.
      expect((await fetch(`${proxy.url}/api/v3/movie`, { method: 'POST', headers: { apikey: KEY } })).status).toBe(405);
      expect((await fetch(`${proxy.url}/api/v3/other`)).status).toBe(404);
      expect(seen.map((answer) => answer.check)).toEqual(['list_movies']);
      expect(proxy.answers()).toEqual(seen);
      expect(seen[0]).toMatchObject({ kind: 'answer', status: 200, body: '{"k":"[REDACTED]"}' });
    } finally {
      await Promise.all([proxy.close(), original.close()]);
    }
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://host/', /http:\/\/ or https:\/\//],
    ['http://user:pw@host/', /user name or password/],
    ['http://host/?a=1', /leave out the query/],
  ])('refuses the target %j', (target, message) => {
    expect(() => parseTarget(target)).toThrow(message);
  });
});
