// A scenario behaviour turned into an answer, in-process: the gate (auth, input)
// answering first, the fault adapter for network faults, and the bodies of each kind.
import { describe, expect, it } from 'vitest';
import { type BehaviourContext, type Fault, jsonResponse, runBehaviour } from '../../../mock-hal/answers/behaviours.ts';
import { HTML_ERROR_PAGE } from '../../../mock-hal/answers/bodies.ts';
import type { Behaviour } from '../../../mock-hal/scenario/scenario-model.ts';

const RESET = new Response('reset marker', { status: 599 });

/** A context whose client leaves after `goneAfterMs` (never when undefined); records what happened. */
function context(options: { goneAfterMs?: number; gate?: Response | null } = {}) {
  const faults: Fault[] = [];
  let okCalls = 0;
  let gateCalls = 0;
  const ctx: BehaviourContext = {
    check: 'list_movies',
    faults: {
      clientGone: () =>
        new Promise<void>((resolve) => {
          if (options.goneAfterMs !== undefined) setTimeout(resolve, options.goneAfterMs);
        }),
      reset: () => RESET,
    },
    ok: () => {
      okCalls++;
      return jsonResponse({ healthy: true });
    },
    gate: () => {
      gateCalls++;
      return options.gate ?? null;
    },
    onFault: (fault) => faults.push(fault),
    forward: () => Promise.resolve(jsonResponse({ forwarded: true }, 203)),
  };
  return { ctx, faults, calls: () => ({ ok: okCalls, gate: gateCalls }) };
}
const run = (behaviour: Behaviour, options?: Parameters<typeof context>[0]) => {
  const c = context(options);
  return runBehaviour(behaviour, c.ctx).then((response) => ({ response, ...c }));
};

describe('jsonResponse', () => {
  it('JSON with the UTF-8 content type; extra headers may replace it', async () => {
    const response = jsonResponse({ a: 'é' }, 418, { 'x-extra': '1' });
    expect(response.status).toBe(418);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-extra')).toBe('1');
    expect(await response.text()).toBe('{"a":"é"}');
    expect(jsonResponse({}, 200, { 'content-type': 'text/plain' }).headers.get('content-type')).toBe('text/plain');
  });

  it.each([204, 205, 304])('status %i carries no body', async (status) => {
    const response = jsonResponse({ dropped: true }, status);
    expect(response.body).toBeNull();
    expect(await response.text()).toBe('');
  });
});

describe('runBehaviour', () => {
  it('ok: the gate first, then the healthy answer', async () => {
    const { response, calls } = await run({ type: 'ok' });
    expect(await response.json()).toEqual({ healthy: true });
    expect(calls()).toEqual({ ok: 1, gate: 1 });
  });

  it('a gate answer (401, 400) replaces every HTTP behaviour', async () => {
    const denied = new Response('no key', { status: 401 });
    for (const behaviour of [
      { type: 'ok' },
      { type: 'status', status: 503 },
      { type: 'raw', status: 200, body: 'x' },
      { type: 'malformed', variant: 'html' },
    ] as Behaviour[]) {
      const { response, calls } = await run(behaviour, { gate: denied });
      expect(response).toBe(denied);
      expect(calls().ok).toBe(0);
    }
  });

  it('network faults come before the gate: a client without a key still meets the reset', async () => {
    const { response, faults, calls } = await run({ type: 'reset' }, { gate: new Response(null, { status: 401 }) });
    expect(response).toBe(RESET);
    expect(faults).toEqual(['reset']);
    expect(calls().gate).toBe(0);
  });

  it('status: that status with the given body and headers, or the default error body', async () => {
    const given = (await run({ type: 'status', status: 429, body: { retry: true }, headers: { 'retry-after': '5' } })).response;
    expect(given.status).toBe(429);
    expect(given.headers.get('retry-after')).toBe('5');
    expect(await given.json()).toEqual({ retry: true });
    expect(await (await run({ type: 'status', status: 503 })).response.json()).toEqual({
      status: 503,
      error: 'Service Unavailable',
      message: 'mock-hal answered 503',
    });
    expect(await (await run({ type: 'status', status: 404 })).response.json()).toEqual({
      status: 404,
      error: 'Request failed',
      message: 'mock-hal answered 404',
    });
    expect(await (await run({ type: 'status', status: 200, body: null })).response.json()).toEqual({
      status: 200,
      error: 'Request failed',
      message: 'mock-hal answered 200',
    });
    expect((await run({ type: 'status', status: 204 })).response.body).toBeNull();
  });

  it('empty: no body, status 200 and no content type unless given', async () => {
    const plain = (await run({ type: 'empty' })).response;
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBeNull();
    expect(await plain.text()).toBe('');
    const typed = (await run({ type: 'empty', status: 502, contentType: 'application/json' })).response;
    expect(typed.status).toBe(502);
    expect(typed.headers.get('content-type')).toBe('application/json');
  });

  it('malformed truncated-json: the first half of a JSON body naming the check', async () => {
    const response = (await run({ type: 'malformed', variant: 'truncated-json' })).response;
    const whole = JSON.stringify({ status: 'healthy', check: 'list_movies', records: [{ id: 1, title: 'Metropolis' }] });
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.text()).toBe(whole.slice(0, Math.floor(whole.length / 2)));
  });

  it('malformed html and wrong-content-type, with the status given', async () => {
    const html = (await run({ type: 'malformed', variant: 'html', status: 502 })).response;
    expect(html.status).toBe(502);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toBe(HTML_ERROR_PAGE);
    const wrong = (await run({ type: 'malformed', variant: 'wrong-content-type' })).response;
    expect(wrong.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await wrong.text()).toBe('{"status":"ok","check":"list_movies"}');
  });

  it('graphql-errors: data null and the errors, 200 unless given', async () => {
    const errors = [{ message: 'boom', extensions: { code: 'INTERNAL' } }];
    const response = (await run({ type: 'graphql-errors', errors })).response;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: null, errors });
    expect((await run({ type: 'graphql-errors', errors, status: 500 })).response.status).toBe(500);
  });

  it('raw: exactly the status, headers and body given (no body for 304)', async () => {
    const response = (await run({ type: 'raw', status: 207, headers: { 'content-type': 'text/csv' }, body: 'a,b\n' })).response;
    expect(response.status).toBe(207);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(await response.text()).toBe('a,b\n');
    expect((await run({ type: 'raw', status: 304, body: 'dropped' })).response.body).toBeNull();
  });

  it('hang: waits for the client to leave, then records the fault and resets', async () => {
    const { response, faults, calls } = await run({ type: 'hang' }, { goneAfterMs: 5 });
    expect(response).toBe(RESET);
    expect(faults).toEqual(['hang']);
    expect(calls()).toEqual({ ok: 0, gate: 0 });
  });

  it('delay: waits, then behaves as `then`, gate included', async () => {
    const started = performance.now();
    const { response, faults, calls } = await run({ type: 'delay', ms: 40, then: { type: 'status', status: 503 } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
    expect(response.status).toBe(503);
    expect(faults).toEqual([]);
    expect(calls().gate).toBe(1);
  });

  it('delay: a client that leaves first ends it as client-gone, and `then` never runs', async () => {
    const started = performance.now();
    const { response, faults, calls } = await run({ type: 'delay', ms: 60_000, then: { type: 'ok' } }, { goneAfterMs: 10 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(response).toBe(RESET);
    expect(faults).toEqual(['client-gone']);
    expect(calls()).toEqual({ ok: 0, gate: 0 });
  });

  it('nested delays end in the innermost behaviour', async () => {
    const { response } = await run({ type: 'delay', ms: 5, then: { type: 'delay', ms: 5, then: { type: 'reset' } } });
    expect(response).toBe(RESET);
  });
});
