// msw request handlers built on the same app as the server, so a test suite can
// run any scenario in-process, with no socket, and see exactly what the server does.
import { type HttpHandler, http } from 'msw';
import type { FaultAdapter } from '../answers/behaviours.ts';
import type { ActivateOptions } from '../scenario/scenario-engine.ts';
import type { Scenario, ScenarioInput } from '../scenario/scenario-model.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR, resolveScenario } from '../scenario/scenario-store.ts';
import { createMockHalApp } from '../server/app.ts';
import { DEFAULT_API_KEY } from '../server/auth.ts';
import type { JournalEntry } from '../server/journal.ts';
import type { Limits } from '../server/limits.ts';
import { toScenario } from '../server/server.ts';

export interface MockHalHandlersOptions {
  /** Origin the handlers answer for (default http://127.0.0.1:7878, the scripts' default). */
  baseUrl?: string;
  scenario?: string | Scenario | ScenarioInput;
  scenariosDir?: string;
  apiKey?: string;
  apiKeyHeaders?: readonly string[];
  limits?: Partial<Limits>;
}

export interface MockHalHandlers {
  handlers: HttpHandler[];
  setScenario(scenario: string | ScenarioInput, options?: ActivateOptions): void;
  requests(): JournalEntry[];
  clearRequests(): void;
}

/** In-process faults: a reset is a network error, a hang lasts until the fetch is aborted. */
function fetchFaults(request: Request): FaultAdapter {
  let gone: Promise<void> | undefined;
  return {
    clientGone() {
      gone ??= new Promise<void>((resolve) => {
        if (request.signal.aborted) return resolve();
        request.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return gone;
    },
    reset: () => Response.error(),
  };
}

export function createMockHalHandlers(options: MockHalHandlersOptions = {}): MockHalHandlers {
  const scenariosDir = options.scenariosDir ?? DEFAULT_SCENARIOS_DIR;
  const origin = new URL(options.baseUrl ?? 'http://127.0.0.1:7878').origin;
  const { app, engine, journal } = createMockHalApp({
    scenario: toScenario(options.scenario ?? DEFAULT_SCENARIO, scenariosDir),
    resolveScenario: (ref) => resolveScenario(ref, scenariosDir),
    apiKey: options.apiKey ?? DEFAULT_API_KEY,
    apiKeyHeaders: options.apiKeyHeaders,
    limits: options.limits,
    faultsFor: (c) => fetchFaults(c.req.raw),
  });
  return {
    handlers: [http.all(`${origin}/*`, ({ request }) => app.fetch(request))],
    setScenario: (scenario, activate) => engine.activate(toScenario(scenario, scenariosDir), activate),
    requests: () => journal.list(),
    clearRequests: () => journal.clear(),
  };
}
