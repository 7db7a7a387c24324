// The control API under /__mock, in-process through the Hono app: reading and
// switching the scenario (by name, whole, at a phase, held), the journal, the access
// rules, and a 4xx that names the problem and what to send for every bad request.
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { createMockHalApp, type MockHalAppOptions } from '../../../mock-hal/server/app.ts';

const KEY = 'kvd_control_api_test';
const faultsFor = () => ({ clientGone: () => new Promise<void>(() => undefined), reset: () => new Response(null, { status: 500 }) });
const mock = (options: Partial<MockHalAppOptions> = {}) =>
  createMockHalApp({ scenario: resolveScenario('healthy'), resolveScenario: (ref) => resolveScenario(ref), apiKey: KEY, faultsFor, ...options });

async function put(app: ReturnType<typeof mock>['app'], body: unknown, query = '') {
  const response = await app.request(`/__mock/scenario${query}`, { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('GET /__mock/scenario', () => {
  it('describes the active scenario, its phase and what a guardrail must report', async () => {
    const { app } = mock();
    const response = await app.request('/__mock/scenario');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const healthy = resolveScenario('healthy');
    expect(await response.json()).toEqual({
      name: 'healthy',
      description: healthy.description,
      phase: { index: 0, name: 'healthy', remainingMs: null, held: false },
      expect: { status: 'passed', failedChecks: [] },
      scenario: { name: 'healthy', description: healthy.description, phases: JSON.parse(JSON.stringify(healthy.phases)) },
    });
  });
});

describe('PUT /__mock/scenario', () => {
  it('by name: switches and answers the new description', async () => {
    const { app, engine } = mock();
    const { status, json } = await put(app, { name: 'degraded' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ name: 'degraded', expect: { status: 'failed' } });
    expect(engine.active().scenario.name).toBe('degraded');
  });

  it('a whole scenario object: validated, then active', async () => {
    const { app, engine } = mock();
    const scenario = {
      name: 'custom',
      description: 'one 503',
      endpoints: { health: { type: 'status', status: 503 } },
      expect: { status: 'failed', failedChecks: ['health'] },
    };
    expect((await put(app, scenario)).json).toMatchObject({ name: 'custom', phase: { index: 0, name: 'custom' } });
    expect(engine.behaviourFor('health').behaviour).toEqual({ type: 'status', status: 503 });
  });

  it('a timeline at a phase, held there', async () => {
    const { app } = mock();
    const { status, json } = await put(app, { name: 'failure-window' }, '?phase=1&hold=true');
    expect(status).toBe(200);
    expect(json.phase).toEqual({ index: 1, name: 'outage', remainingMs: null, held: true });
    // Not held: the phase clock runs.
    const running = await put(app, { name: 'failure-window' }, '?phase=0');
    expect(running.json.phase).toMatchObject({ index: 0, name: 'before', held: false, remainingMs: expect.any(Number) });
  });

  it.each([
    ['', true],
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
  ])('hold=%j is held: %s', async (hold, held) => {
    const { app } = mock();
    expect(((await put(app, { name: 'failure-window' }, `?hold=${hold}`)).json.phase as { held: boolean }).held).toBe(held);
  });

  it.each<[string, unknown, string, number, string]>([
    ['not JSON', '{name: degraded}', '', 400, 'body is not valid JSON ('],
    ['a JSON array', '["degraded"]', '', 400, 'send a JSON object: {"name": "degraded"} or a whole scenario'],
    ['a name that is not a string', { name: 5 }, '', 400, '"name" must be a scenario name string'],
    ['an empty object', {}, '', 400, '"name" must be a scenario name string'],
    ['a path', { name: '../scenarios/degraded' }, '', 400, 'select a bundled scenario by name, or PUT the whole scenario object'],
    ['a file name', { name: 'degraded.json' }, '', 400, 'select a bundled scenario by name, or PUT the whole scenario object'],
    ['a Windows path', { name: 'C:\\x' }, '', 400, 'select a bundled scenario by name, or PUT the whole scenario object'],
    ['a bad hold', { name: 'degraded' }, '?hold=maybe', 400, 'query parameter "hold" must be true or false, got "maybe"'],
    ['a bad phase', { name: 'degraded' }, '?phase=-1', 400, 'query parameter "phase" must be a phase index (0, 1, ...), got "-1"'],
    ['a phase the timeline lacks', { name: 'failure-window' }, '?phase=3', 400, 'phase 3 does not exist in scenario "failure-window"; it has phases 0..2'],
    ['an unknown name', { name: 'no-such-scenario' }, '', 404, 'no-such-scenario: invalid scenario\n  - (name): no scenario "no-such-scenario" in '],
  ])('%s: %i naming the problem, the active scenario unchanged', async (_, body, query, status, message) => {
    const { app, engine } = mock();
    const answer = await put(app, body, query);
    expect(answer.status).toBe(status);
    expect(answer.json.error).toBe(status === 404 ? 'Not Found' : 'Bad Request');
    expect(answer.json.message).toEqual(expect.stringContaining(message));
    expect(engine.active().scenario.name).toBe('healthy');
  });

  it('an invalid whole scenario: 400 with every issue listed', async () => {
    const { app } = mock();
    const { status, json } = await put(app, { name: 'Bad Name', description: '', endpoints: { health: { type: 'teapot' } } });
    expect(status).toBe(400);
    expect(String(json.message).startsWith('PUT /__mock/scenario: invalid scenario\n  - ')).toBe(true);
    expect(json.issues).toEqual([
      'name: use lower-case letters, digits, ".", "_" or "-" (at most 64 characters)',
      'description: Too small: expected string to have >=1 characters',
      expect.stringMatching(/^endpoints\.health\.type: Invalid discriminator value\. Expected 'ok' \| 'status' /),
    ]);
  });

  it('a body over 1 MiB: 413', async () => {
    const { app } = mock();
    const { status, json } = await put(app, JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
    expect(status).toBe(413);
    expect(json).toEqual({ error: 'Payload Too Large', message: 'a scenario is at most 1048576 bytes' });
  });

  // The bound counts UTF-8 bytes, as its message says, not UTF-16 code units.
  it('the 1 MiB bound counts bytes', async () => {
    const { app } = mock();
    expect((await put(app, JSON.stringify({ name: 'é'.repeat(600_000) }))).status).toBe(413); // 1.2 MB of UTF-8
  });
});

describe('/__mock/requests', () => {
  it('lists the journal with its capacity, and DELETE clears it saying how many went', async () => {
    const { app } = mock({ limits: { journalSize: 5 } });
    await app.request('/health');
    await app.request('/api/v3/movie', { headers: { 'x-api-key': KEY } });
    await app.request('/__mock/scenario'); // the control API is not journaled
    const listed = (await (await app.request('/__mock/requests')).json()) as { capacity: number; requests: { path: string; status: number }[] };
    expect(listed.capacity).toBe(5);
    expect(listed.requests.map((entry) => [entry.path, entry.status])).toEqual([
      ['/health', 200],
      ['/api/v3/movie', 200],
    ]);
    expect(await (await app.request('/__mock/requests', { method: 'DELETE' })).json()).toEqual({ cleared: 2 });
    expect(await (await app.request('/__mock/requests', { method: 'DELETE' })).json()).toEqual({ cleared: 0 });
    expect(((await (await app.request('/__mock/requests')).json()) as { requests: unknown[] }).requests).toEqual([]);
  });
});

describe('routes and access', () => {
  it('an unknown control route: 404 listing the routes there are', async () => {
    const { app } = mock();
    for (const [method, path] of [
      ['POST', '/__mock/scenario'],
      ['GET', '/__mock/nope'],
    ]) {
      const response = await app.request(path as string, { method });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: 'Not Found',
        message: `no control route ${method} ${path}; use GET|PUT /__mock/scenario, GET|DELETE /__mock/requests, GET /__mock/ready`,
      });
    }
  });

  it('with a token: 401 saying how to send it; Bearer or X-Mock-Control-Token opens it; /ready is always open', async () => {
    const { app } = mock({ control: { token: 'ctl-token', isLocal: () => false } });
    const missing = await app.request('/__mock/scenario');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      error: 'Unauthorized',
      message: 'the control API needs its token: send Authorization: Bearer <token> (the --control-token value)',
    });
    expect((await app.request('/__mock/scenario', { headers: { authorization: 'Bearer ctl-token' } })).status).toBe(200);
    expect((await app.request('/__mock/scenario', { headers: { 'x-mock-control-token': 'ctl-token' } })).status).toBe(200);
    expect((await app.request('/__mock/scenario', { headers: { authorization: 'Bearer ' } })).status).toBe(401);
    expect((await app.request('/__mock/scenario', { headers: { authorization: 'ctl-token' } })).status).toBe(401);
    const ready = await app.request('/__mock/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it('without a token: a remote client gets 403 saying how to allow it; no socket (msw) counts as local', async () => {
    const remote = mock({ control: { token: undefined, isLocal: () => false } }).app;
    const refused = await remote.request('/__mock/requests', { method: 'DELETE' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'Forbidden',
      message: 'the control API answers loopback clients only; start mock-hal with --control-token to allow remote control',
    });
    expect((await mock({ control: { token: undefined, isLocal: () => undefined } }).app.request('/__mock/scenario')).status).toBe(200);
  });
});
