// The msw handlers run the same app in-process: for every shipped scenario and
// every check, the answer matches the real server's answer.
import { describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../common/hal-contract/routes.ts';
import { listScenarios } from '../../../mock-hal/scenario/scenario-store.ts';
import { useMswBesideSocket } from '../../support/msw-beside-socket.ts';
import { describeResponse, smokeRequest } from '../../support/smoke-requests.ts';

const KEY = 'kvd_msw_key_abcdef';
const BASE = 'http://hal.mock.test';
const { inProcess, real: server } = useMswBesideSocket(KEY, BASE);

type Outcome = { status: number; contentType: string | null; body: string } | { error: string };

async function outcome(request: Request): Promise<Outcome> {
  try {
    return await describeResponse(await fetch(request));
  } catch (error) {
    // Both transports must fail the same way: a network error or an abort.
    return { error: (error as Error).name === 'TypeError' ? 'network' : 'abort' };
  }
}

const steadyScenarios = listScenarios().scenarios.filter((scenario) => scenario.phases.length === 1);

describe('msw handlers behave as the server does', () => {
  it.each(steadyScenarios.map((scenario) => [scenario.name]))('%s', async (name) => {
    inProcess.setScenario(name);
    await server().setScenario(name);
    const endpoints = server().scenario().phases[0]?.endpoints ?? {};
    for (const check of CHECK_NAMES) {
      // Only a hanging endpoint is cut short; the others get all the time a loaded machine needs.
      const waitMs = endpoints[check]?.type === 'hang' ? 300 : 15_000;
      for (const key of [KEY, null]) {
        const viaMsw = await outcome(smokeRequest(check, BASE, key, { signal: AbortSignal.timeout(waitMs) }));
        const viaSocket = await outcome(smokeRequest(check, server().url, key, { signal: AbortSignal.timeout(waitMs) }));
        expect({ check, key, ...viaMsw }).toEqual({ check, key, ...viaSocket });
      }
    }
  });

  it('journals in-process requests like the server', async () => {
    inProcess.setScenario('healthy');
    inProcess.clearRequests();
    await fetch(smokeRequest('graphql_ping', BASE, KEY));
    const [entry] = inProcess.requests();
    expect(entry).toMatchObject({
      method: 'POST',
      path: '/graphql',
      check: 'graphql_ping',
      status: 200,
      bodyIsJson: true,
      graphql: { parseable: true, operation: 'query' },
      headers: { 'x-api-key': '[REDACTED]' },
    });
  });

  it('holds a timeline phase in-process too', async () => {
    inProcess.setScenario('failure-window', { phase: 1, hold: true });
    await expect(fetch(smokeRequest('health', BASE, null))).rejects.toThrow(TypeError);
    inProcess.setScenario('failure-window-5xx', { phase: 1, hold: true });
    expect((await fetch(smokeRequest('health', BASE, null))).status).toBe(503);
    expect(() => inProcess.setScenario('failure-window', { phase: 9 })).toThrow(/phase 9 does not exist/);
  });

  const timelinePhases = listScenarios()
    .scenarios.filter((scenario) => scenario.phases.length > 1)
    .flatMap((scenario) => scenario.phases.map((phase, index) => [`${scenario.name}/${phase.name}`, scenario.name, index] as const));

  it.each(timelinePhases)('%s answers in-process as over the socket', async (_label, name, index) => {
    inProcess.setScenario(name, { phase: index, hold: true });
    await server().setScenario(name, { phase: index, hold: true });
    for (const check of CHECK_NAMES) {
      for (const key of [KEY, null]) {
        const viaMsw = await outcome(smokeRequest(check, BASE, key, { signal: AbortSignal.timeout(15_000) }));
        const viaSocket = await outcome(smokeRequest(check, server().url, key, { signal: AbortSignal.timeout(15_000) }));
        expect({ check, key, ...viaMsw }).toEqual({ check, key, ...viaSocket });
      }
    }
  });
});
