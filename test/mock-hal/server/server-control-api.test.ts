// The mock over a real socket: the control API under /__mock (the scenario, its phases,
// the journal, the control token). In-process rules and messages: control-api.test.ts.
import { describe, expect, it } from 'vitest';
import { withMockHal } from '../../support/mock-hal.ts';
import { KEY, steady, useSharedMockHal } from './server-fixtures.ts';

const { mock, send } = useSharedMockHal();

describe('control API', () => {
  it('GET and PUT /__mock/scenario by name', async () => {
    const put = await fetch(`${mock().url}/__mock/scenario`, { method: 'PUT', body: JSON.stringify({ name: 'degraded' }) });
    expect(put.status).toBe(200);
    expect((await send('health')).status).toBe(503);
    const current = await (await fetch(`${mock().url}/__mock/scenario`)).json();
    expect(current).toMatchObject({ name: 'degraded', expect: { status: 'failed' } });
  });

  it('PUT takes a whole scenario object', async () => {
    const scenario = steady({ health: { type: 'status', status: 418 } });
    const put = await fetch(`${mock().url}/__mock/scenario`, { method: 'PUT', body: JSON.stringify(scenario) });
    expect(put.status).toBe(200);
    expect((await send('health')).status).toBe(418);
  });

  it.each([
    ['not json', 400, /not valid JSON/],
    ['{"name":"no-such-scenario"}', 404, /no scenario "no-such-scenario"/],
    ['{"name":"../../etc/passwd"}', 400, /by name/],
    ['{"name":"x","description":"d","endpoints":{"health":{"type":"status","status":42}},"expect":{"status":"failed"}}', 400, /endpoints\.health/],
  ])('PUT %s: %i naming the problem, scenario unchanged', async (body, status, message) => {
    const response = await fetch(`${mock().url}/__mock/scenario`, { method: 'PUT', body });
    expect(response.status).toBe(status);
    expect((await response.json()).message).toMatch(message);
    expect(mock().scenario().name).toBe('healthy');
  });

  it('selects and holds a timeline phase', async () => {
    const response = await fetch(`${mock().url}/__mock/scenario?phase=1&hold=true`, { method: 'PUT', body: '{"name":"failure-window"}' });
    expect((await response.json()).phase).toMatchObject({ index: 1, name: 'outage', held: true });
    await expect(send('health')).rejects.toThrow(/fetch failed/);
    const fiveXx = await fetch(`${mock().url}/__mock/scenario?phase=1&hold=true`, { method: 'PUT', body: '{"name":"failure-window-5xx"}' });
    expect((await fiveXx.json()).phase).toMatchObject({ index: 1, name: 'outage', held: true });
    expect((await send('health')).status).toBe(503);
    const bad = await fetch(`${mock().url}/__mock/scenario?phase=7`, { method: 'PUT', body: '{"name":"failure-window"}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toMatch(/phase 7 does not exist/);
  });

  it('GET and DELETE /__mock/requests', async () => {
    await send('health');
    const listed = await (await fetch(`${mock().url}/__mock/requests`)).json();
    expect(listed.capacity).toBe(50);
    expect(listed.requests).toHaveLength(1);
    expect(await (await fetch(`${mock().url}/__mock/requests`, { method: 'DELETE' })).json()).toEqual({ cleared: 1 });
    expect(await mock().requests()).toEqual([]);
  });

  it('requires the control token when one is set', async () => {
    await withMockHal({ apiKey: KEY, controlToken: 'control-secret' }, async (guarded) => {
      expect((await fetch(`${guarded.url}/__mock/scenario`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/__mock/scenario`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
      expect((await fetch(`${guarded.url}/__mock/scenario`, { headers: { authorization: 'Bearer control-secret' } })).status).toBe(200);
      expect((await fetch(`${guarded.url}/__mock/ready`)).status).toBe(200);
    });
  });
});
