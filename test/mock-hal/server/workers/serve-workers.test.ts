// `mock-hal serve --workers 2` as a user runs it: two worker processes on one port,
// one scenario state and one journal. Each request here takes a connection of its own
// unless it says otherwise, and node:cluster hands connections to the workers in turn,
// so both workers serve every batch: a stale worker would show.
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids } from '../../../support/process-table.ts';
import { connectionOwner, READY_LINE, type Served, send, serveCli, stopServed } from './workers-process.ts';

const API_KEY = 'kvd_workers_test';
const KEYED = { 'x-api-key': API_KEY };

describe('mock-hal serve --workers 2', () => {
  let served: Served;
  let workers: number[];

  beforeAll(async () => {
    served = await serveCli(['--port', '0', '--workers', '2', '--api-key', API_KEY]);
    workers = childPids(served.pid);
  });

  afterAll(async () => {
    expect(await stopServed(served)).toEqual({ code: 0, signal: null });
  });

  async function many(count: number, path: string, headers: Record<string, string> = {}) {
    return Promise.all(Array.from({ length: count }, () => send(`${served.url}${path}`, { headers })));
  }

  async function setScenario(body: object, query = '') {
    return send(`${served.url}/__mock/scenario${query}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  it('prints the usual ready line once, and runs two workers that both serve', async () => {
    expect(served.line).toMatch(READY_LINE);
    expect(served.line).toMatch(/\(scenario: healthy\)$/);
    expect(workers).toHaveLength(2);
    for (const pid of workers) expect(pid).not.toBe(served.pid);

    const answers = await many(24, '/health');
    expect(answers.map((answer) => answer.status)).toEqual(Array(24).fill(200));

    // Held-open connections, to see which process holds each one's server side.
    const agents = Array.from({ length: 6 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
    try {
      const held = await Promise.all(agents.map((agent) => send(`${served.url}/health`, { agent })));
      const owners = held.map((answer) => connectionOwner(workers, served.port, answer.localPort));
      expect(owners.every((owner) => owner !== undefined)).toBe(true);
      expect(new Set(owners)).toEqual(new Set(workers));
    } finally {
      for (const agent of agents) agent.destroy();
    }
  });

  it('switches every worker before the control call answers, and back', async () => {
    const degraded = await setScenario({ name: 'degraded' });
    expect(degraded.status).toBe(200);
    expect(degraded.json()).toMatchObject({ name: 'degraded', phase: { index: 0, name: 'degraded' } });
    // scenarios/degraded.json: health 503 "unhealthy", list_movies 500.
    const health = await many(40, '/health');
    expect(health.map((answer) => [answer.status, answer.json().status])).toEqual(Array(40).fill([503, 'unhealthy']));
    const movies = await many(20, '/api/v3/movie', KEYED);
    expect(movies.map((answer) => [answer.status, answer.json().message])).toEqual(Array(20).fill([500, 'failed to query movies']));
    const described = await many(10, '/__mock/scenario');
    expect(described.map((answer) => answer.json().name)).toEqual(Array(10).fill('degraded'));

    expect((await setScenario({ name: 'healthy' })).status).toBe(200);
    const healthy = await many(40, '/health');
    expect(healthy.map((answer) => [answer.status, answer.json().status])).toEqual(Array(40).fill([200, 'healthy']));
    const moviesBack = await many(20, '/api/v3/movie', KEYED);
    expect(moviesBack.map((answer) => answer.status)).toEqual(Array(20).fill(200));
  });

  it('shares the phase too: a held phase is the same everywhere', async () => {
    // scenarios/failure-window.json: phase 1 "outage" resets every connection.
    const held = await setScenario({ name: 'failure-window' }, '?phase=1&hold=true');
    expect(held.json()).toMatchObject({ name: 'failure-window', phase: { index: 1, name: 'outage', held: true } });
    const described = await many(10, '/__mock/scenario');
    expect(described.map((answer) => answer.json().phase)).toEqual(Array(10).fill({ index: 1, name: 'outage', remainingMs: null, held: true }));
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => send(`${served.url}/health`)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(10).fill('rejected'));

    const badPhase = await setScenario({ name: 'degraded' }, '?phase=3');
    expect(badPhase.status).toBe(400);
    expect(badPhase.json().message).toMatch(/phase 3 does not exist in scenario "degraded"/);
    expect((await send(`${served.url}/__mock/scenario`)).json().name).toBe('failure-window');
    expect((await setScenario({ name: 'healthy' })).status).toBe(200);
  });

  it('keeps one journal: every worker’s requests in the order sent, cleared everywhere at once', async () => {
    await send(`${served.url}/__mock/requests`, { method: 'DELETE' });

    async function batch(tag: string, count: number): Promise<string[]> {
      const sent: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const value = `${tag}-${index}`;
        // Awaited one by one: each answer is done before the next request is sent.
        expect((await send(`${served.url}/health?n=${value}`)).status).toBe(200);
        sent.push(value);
      }
      return sent;
    }

    const first = await batch('a', 30);
    const listed = (await send(`${served.url}/__mock/requests`)).json();
    expect(listed.capacity).toBe(1000);
    expect(listed.requests.map((entry: any) => entry.query.n)).toEqual(first);
    const ids = listed.requests.map((entry: any) => entry.id);
    for (let index = 1; index < ids.length; index += 1) expect(ids[index]).toBeGreaterThan(ids[index - 1]);
    expect(listed.requests.every((entry: any) => entry.path === '/health' && entry.status === 200 && entry.scenario === 'healthy')).toBe(true);
    // A second read lists the same: the journal is kept once gathered.
    expect((await send(`${served.url}/__mock/requests`)).json().requests.map((entry: any) => entry.id)).toEqual(ids);

    expect((await send(`${served.url}/__mock/requests`, { method: 'DELETE' })).json()).toEqual({ cleared: 30 });
    expect((await send(`${served.url}/__mock/requests`)).json().requests).toEqual([]);

    const second = await batch('b', 12);
    const again = (await send(`${served.url}/__mock/requests`)).json().requests;
    expect(again.map((entry: any) => entry.query.n)).toEqual(second);
    expect(again[0].id).toBeGreaterThan(ids.at(-1));
  });

  it('redacts the API key in the journal, as one process does', async () => {
    await send(`${served.url}/__mock/requests`, { method: 'DELETE' });
    await send(`${served.url}/api/v3/movie?key=${API_KEY}`, { headers: KEYED });
    const [entry] = (await send(`${served.url}/__mock/requests`)).json().requests;
    expect(entry.headers['x-api-key']).toBe('[REDACTED]');
    expect(entry.query.key).toBe('[REDACTED]');
    expect(JSON.stringify(entry)).not.toContain(API_KEY);
  });
});
