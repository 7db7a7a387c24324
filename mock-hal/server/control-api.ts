// The control API under /__mock: read or switch the scenario, read or clear the journal.
import { type Context, Hono } from 'hono';
import { looksLikeScenarioPath } from '../../common/hal-contract/scenario-name.ts';
import { jsonResponse } from '../answers/behaviours.ts';
import { type ActivateOptions, checkPhase, type ScenarioEngine } from '../scenario/scenario-engine.ts';
import { parseScenario, type Scenario, ScenarioError } from '../scenario/scenario-model.ts';
import { secretsEqual } from './auth.ts';
import type { Journal, JournalEntry } from './journal.ts';

export interface ControlAccess {
  /** When set, every control request must carry it (Authorization: Bearer or X-Mock-Control-Token). */
  token: string | undefined;
  /**
   * Whether the request came from this machine; undefined when the transport has no
   * socket (msw), which counts as local.
   */
  isLocal?: (c: Context) => boolean | undefined;
}

/**
 * Where the control API's changes and journal reads go: this process alone by default,
 * or every process of a `--workers` server, so a switch is everywhere before it answers.
 */
export interface StateCoordinator {
  activate(scenario: Scenario, options: ActivateOptions): Promise<void>;
  requests(): Promise<JournalEntry[]>;
  /** Resolves to how many entries were cleared. */
  clearRequests(): Promise<number>;
}

export function localCoordinator(engine: ScenarioEngine, journal: Journal): StateCoordinator {
  return {
    async activate(scenario, options) {
      engine.activate(scenario, options);
    },
    async requests() {
      return journal.list();
    },
    async clearRequests() {
      const cleared = journal.size;
      journal.clear();
      return cleared;
    },
  };
}

export interface ControlApiOptions {
  engine: ScenarioEngine;
  journal: Journal;
  coordinator: StateCoordinator;
  resolveScenario: (ref: string) => Scenario;
  access: ControlAccess;
}

const MAX_CONTROL_BODY = 1024 * 1024;
const SELECTOR_KEYS = new Set(['name']);

function denied(c: Context, access: ControlAccess): Response | null {
  if (access.token !== undefined) {
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : (c.req.header('x-mock-control-token') ?? '');
    if (given !== '' && secretsEqual(given, access.token)) return null;
    return jsonResponse(
      { error: 'Unauthorized', message: 'the control API needs its token: send Authorization: Bearer <token> (the --control-token value)' },
      401,
    );
  }
  if (access.isLocal?.(c) === false) {
    return jsonResponse(
      {
        error: 'Forbidden',
        message: 'the control API answers loopback clients only; start mock-hal with --control-token to allow remote control',
      },
      403,
    );
  }
  return null;
}

function describe(engine: ScenarioEngine) {
  const active = engine.active();
  return {
    name: active.scenario.name,
    description: active.scenario.description,
    phase: { index: active.index, name: active.phase.name, remainingMs: active.remainingMs, held: active.held },
    expect: active.phase.expect,
    scenario: {
      name: active.scenario.name,
      description: active.scenario.description,
      phases: active.scenario.phases,
    },
  };
}

function parseFlag(value: string | undefined): boolean | string {
  if (value === undefined) return false;
  if (['1', 'true', ''].includes(value)) return true;
  if (['0', 'false'].includes(value)) return false;
  return `query parameter "hold" must be true or false, got "${value}"`;
}

export function createControlApi({ engine, journal, coordinator, resolveScenario, access }: ControlApiOptions): Hono {
  const api = new Hono();

  // Readiness answers whatever the scenario says, so a wait strategy can rely on it.
  api.get('/ready', () => jsonResponse({ ready: true }));

  api.use('*', async (c, next) => {
    const refusal = denied(c, access);
    if (refusal) return refusal;
    await next();
  });

  api.get('/scenario', () => jsonResponse(describe(engine)));

  api.put('/scenario', async (c) => {
    const text = await c.req.text();
    // Bytes, as the message says (a character can take up to four); Web-standard, as msw may run in a browser.
    if (new TextEncoder().encode(text).byteLength > MAX_CONTROL_BODY) {
      return jsonResponse({ error: 'Payload Too Large', message: `a scenario is at most ${MAX_CONTROL_BODY} bytes` }, 413);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch (error) {
      return jsonResponse(
        { error: 'Bad Request', message: `body is not valid JSON (${(error as Error).message}); send {"name": "degraded"} or a whole scenario` },
        400,
      );
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return jsonResponse({ error: 'Bad Request', message: 'send a JSON object: {"name": "degraded"} or a whole scenario' }, 400);
    }
    const phaseText = c.req.query('phase');
    const hold = parseFlag(c.req.query('hold'));
    if (typeof hold === 'string') return jsonResponse({ error: 'Bad Request', message: hold }, 400);
    if (phaseText !== undefined && !/^\d+$/.test(phaseText)) {
      return jsonResponse({ error: 'Bad Request', message: `query parameter "phase" must be a phase index (0, 1, ...), got "${phaseText}"` }, 400);
    }
    const byName = Object.keys(payload).every((key) => SELECTOR_KEYS.has(key));
    let scenario: Scenario;
    try {
      if (byName) {
        const name = (payload as { name?: unknown }).name;
        if (typeof name !== 'string') {
          return jsonResponse({ error: 'Bad Request', message: '"name" must be a scenario name string' }, 400);
        }
        // Only names over the control API: a remote client must not pick files on this machine.
        if (looksLikeScenarioPath(name)) {
          return jsonResponse({ error: 'Bad Request', message: 'select a bundled scenario by name, or PUT the whole scenario object' }, 400);
        }
        scenario = resolveScenario(name);
      } else {
        scenario = parseScenario(payload, 'PUT /__mock/scenario');
      }
      const options = { phase: phaseText === undefined ? 0 : Number(phaseText), hold };
      // Checked here, so a bad phase is a 400 before any other process hears of it.
      checkPhase(scenario, options.phase);
      await coordinator.activate(scenario, options);
    } catch (error) {
      if (error instanceof ScenarioError) {
        return jsonResponse({ error: byName ? 'Not Found' : 'Bad Request', message: error.message, issues: error.issues }, byName ? 404 : 400);
      }
      if (error instanceof RangeError) return jsonResponse({ error: 'Bad Request', message: error.message }, 400);
      throw error;
    }
    return jsonResponse(describe(engine));
  });

  api.get('/requests', async () => jsonResponse({ capacity: journal.capacity, requests: await coordinator.requests() }));

  api.delete('/requests', async () => jsonResponse({ cleared: await coordinator.clearRequests() }));

  // A catch-all route rather than notFound: a mounted app's notFound is not consulted.
  api.all('*', (c) =>
    jsonResponse(
      {
        error: 'Not Found',
        message: `no control route ${c.req.method} ${new URL(c.req.url).pathname}; use GET|PUT /__mock/scenario, GET|DELETE /__mock/requests, GET /__mock/ready`,
      },
      404,
    ),
  );

  return api;
}
