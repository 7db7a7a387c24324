// The mock HAL as a Hono app on Web-standard Request/Response: the four smoke
// endpoints answered from the active scenario, the journal, and the control API.
// The node server and the msw handlers both wrap this one app.
import { type Context, Hono } from 'hono';
import { type CheckName, checkAtPath, describeSmokeRoutes, SMOKE_ROUTES } from '../../common/hal-contract/routes.ts';
import { type Fault, type FaultAdapter, jsonResponse, runBehaviour } from '../answers/behaviours.ts';
import { healthBody, indexerTestBody, MAX_PAGE_SIZE, moviePage } from '../answers/bodies.ts';
import { type GraphqlInspection, inspectGraphqlBody } from '../answers/graphql.ts';
import type { GraphqlServer } from '../answers/graphql-server.ts';
import { ScenarioEngine } from '../scenario/scenario-engine.ts';
import type { Scenario } from '../scenario/scenario-model.ts';
import { apiKeyFromHeaders, DEFAULT_API_KEY, DEFAULT_API_KEY_HEADERS, Redactor, secretsEqual } from './auth.ts';
import { type ControlAccess, createControlApi } from './control-api.ts';
import { Journal, type JournalEntry } from './journal.ts';
import { type Limits, resolveLimits } from './limits.ts';

export interface MockHalAppOptions {
  scenario: Scenario;
  /** Turns a name or path from the control API into a scenario. */
  resolveScenario: (ref: string) => Scenario;
  apiKey?: string;
  apiKeyHeaders?: readonly string[];
  limits?: Partial<Limits>;
  /** More values to redact in the journal besides the API key. */
  secrets?: readonly string[];
  /**
   * Journal requests exactly as sent, keys included. Only for throw-away keys: the
   * differential tests must see whether a placeholder was filled in or sent as written.
   */
  revealSecrets?: boolean;
  control?: ControlAccess;
  /** Builds the transport's fault adapter for one request. */
  faultsFor: (c: Context) => FaultAdapter;
}

export interface MockHalApp {
  app: Hono;
  /** Loads the GraphQL server now rather than on the first request that needs it. */
  warmUp(): Promise<void>;
  limits: Limits;
  engine: ScenarioEngine;
  journal: Journal;
}

type Variables = { rawBody: string; fault: Fault | undefined; check: CheckName | null; graphql: GraphqlInspection | undefined };

// Built once: the 404 answer lists the endpoints on every unknown path.
const NOT_FOUND_ROUTES = `${describeSmokeRoutes()} and /__mock/*`;

class BodyTooLarge extends Error {}

async function readBodyText(request: Request, limit: number): Promise<string> {
  // GET and HEAD carry no body; not asking for one spares building a body stream
  // per request, which is most of the cost of a /health answer.
  if (request.method === 'GET' || request.method === 'HEAD') return '';
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLarge();
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  // Invalid UTF-8 becomes U+FFFD rather than an exception: the journal keeps what it can.
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function paging(c: Context): { page: number; pageSize: number } | string {
  const page = pagingParam(c, ['page'], 1, 1_000_000);
  const pageSize = pagingParam(c, ['limit', 'pageSize'], 50, MAX_PAGE_SIZE);
  if (typeof page === 'string') return page;
  if (typeof pageSize === 'string') return pageSize;
  return { page, pageSize };
}

function pagingParam(c: Context, names: string[], fallback: number, max: number): number | string {
  for (const name of names) {
    const raw = c.req.query(name);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 1 || value > max) {
      return `query parameter "${name}" must be a whole number from 1 to ${max}, got "${raw}"`;
    }
    return value;
  }
  return fallback;
}

export function createMockHalApp(options: MockHalAppOptions): MockHalApp {
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const apiKeyHeaders = (options.apiKeyHeaders ?? DEFAULT_API_KEY_HEADERS).map((name) => name.toLowerCase());
  const limits = resolveLimits(options.limits);
  const maxBodyBytes = limits.maxBodyBytes;
  const engine = new ScenarioEngine(options.scenario);
  const startedAt = Date.now();
  const journal = new Journal(limits.journalSize);
  const redactor = options.revealSecrets ? Redactor.none : new Redactor([apiKey, ...(options.secrets ?? [])], apiKeyHeaders);
  let yoga: Promise<GraphqlServer> | undefined;
  const graphqlServer = () => (yoga ??= import('../answers/graphql-server.ts').then((module) => module.createGraphqlServer(startedAt)));
  const app = new Hono<{ Variables: Variables }>();

  app.route('/__mock', createControlApi({ engine, journal, resolveScenario: options.resolveScenario, access: options.control ?? { token: undefined } }));

  // Journal every request outside the control API: arrival, body, answer.
  app.use('*', async (c, next) => {
    const startedAt = performance.now();
    const time = new Date().toISOString();
    // The phase at arrival is the one that answers, even if a hang outlives it.
    const active = engine.active();
    const url = new URL(c.req.url);
    c.set('check', checkAtPath(url.pathname));
    c.set('fault', undefined);
    c.set('graphql', undefined);
    let tooLarge = false;
    try {
      c.set('rawBody', await readBodyText(c.req.raw, maxBodyBytes));
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      tooLarge = true;
      c.set('rawBody', '');
    }
    if (tooLarge) {
      c.res = jsonResponse({ error: 'Payload Too Large', message: `request body is over ${maxBodyBytes} bytes; send a smaller body` }, 413);
    } else {
      await next();
    }
    const body = c.get('rawBody');
    const graphql = c.get('graphql');
    const fault = c.get('fault');
    const entry: Omit<JournalEntry, 'id'> = {
      time,
      method: c.req.method,
      // A client may put the key anywhere: in the path, a parameter's name or its value.
      path: redactor.text(url.pathname),
      query: Object.fromEntries([...url.searchParams].map(([key, value]) => [redactor.text(key), redactor.text(value)])),
      headers: redactor.headers(c.req.raw.headers),
      body: redactor.text(body),
      bodyIsJson: body === '' ? null : isJson(body),
      check: c.get('check'),
      scenario: active.scenario.name,
      phase: active.phase.name,
      status: fault ? null : c.res.status,
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
    };
    if (graphql) {
      entry.graphql = graphql.ok
        ? { parseable: true, operation: graphql.operation, query: redactor.text(graphql.query) }
        : { parseable: false, operation: null, query: graphql.query === null ? null : redactor.text(graphql.query), error: redactor.text(graphql.error) };
    }
    if (fault) entry.fault = fault;
    journal.add(entry);
  });

  function authorised(c: Context): Response | null {
    const given = apiKeyFromHeaders(c.req.raw.headers, apiKeyHeaders);
    if (given !== null && secretsEqual(given, apiKey)) return null;
    const why = given === null ? 'no API key was sent' : 'the API key is wrong';
    return jsonResponse({ error: 'Unauthorized', message: `${why}; send it in the ${apiKeyHeaders.join(' or ')} header` }, 401);
  }

  function serve(check: CheckName, ok: (c: Context) => Response | Promise<Response>, validate: (c: Context) => Response | null) {
    return async (c: Context<{ Variables: Variables }>) => {
      const { behaviour } = engine.behaviourFor(check);
      return runBehaviour(behaviour, {
        check,
        faults: options.faultsFor(c),
        ok: () => ok(c),
        gate: () => (check === 'health' ? null : authorised(c)) ?? validate(c),
        onFault: (fault) => c.set('fault', fault),
      });
    };
  }

  const noInput = () => null;

  app.on(
    SMOKE_ROUTES.health.method,
    SMOKE_ROUTES.health.path,
    serve('health', () => jsonResponse(healthBody(startedAt)), noInput),
  );

  app.on(
    SMOKE_ROUTES.list_movies.method,
    SMOKE_ROUTES.list_movies.path,
    serve(
      'list_movies',
      (c) => {
        const { page, pageSize } = paging(c) as { page: number; pageSize: number };
        return jsonResponse(moviePage(page, pageSize));
      },
      (c) => {
        const result = paging(c);
        return typeof result === 'string' ? jsonResponse({ error: 'Bad Request', message: result }, 400) : null;
      },
    ),
  );

  app.on(
    SMOKE_ROUTES.indexer_test.method,
    SMOKE_ROUTES.indexer_test.path,
    serve(
      'indexer_test',
      () => jsonResponse(indexerTestBody()),
      (c) => {
        const body = c.get('rawBody');
        if (body.trim() === '' || isJson(body)) return null;
        return jsonResponse({ error: 'Bad Request', message: 'request body is not valid JSON; send {} or a JSON object' }, 400);
      },
    ),
  );

  app.on(
    SMOKE_ROUTES.graphql_ping.method,
    SMOKE_ROUTES.graphql_ping.path,
    async (c, next) => {
      c.set('graphql', inspectGraphqlBody(c.get('rawBody'), limits));
      await next();
    },
    serve(
      'graphql_ping',
      async (c) => {
        const forwarded = new Request(c.req.url, { method: 'POST', headers: c.req.raw.headers, body: c.get('rawBody') });
        const server = await graphqlServer();
        const answer = await server.fetch(forwarded, {});
        // Yoga answers with a streamed body; a string body lets node-server write the
        // whole answer at once instead of pumping a stream (a third of the latency).
        // Yoga's own Headers class is not one node-server can write: copy it into a plain object.
        const headers: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          headers[name] = value;
        });
        return new Response(await answer.text(), { status: answer.status, headers });
      },
      (c) => {
        const inspection = c.get('graphql');
        if (!inspection || inspection.ok) return null;
        return jsonResponse({ errors: [{ message: inspection.error, extensions: { code: 'BAD_REQUEST' } }] }, 400);
      },
    ),
  );

  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const check = checkAtPath(path);
    if (check !== null) {
      const { method } = SMOKE_ROUTES[check];
      return jsonResponse({ error: 'Method Not Allowed', message: `${path} answers ${method} only` }, 405, { allow: method });
    }
    return jsonResponse(
      {
        error: 'Not Found',
        message: `no route for ${c.req.method} ${path}; mock-hal serves ${NOT_FOUND_ROUTES}`,
      },
      404,
    );
  });

  app.onError((error) => {
    // The last line of defence: a bug in the mock must answer, not crash the server.
    return jsonResponse({ error: 'Internal Server Error', message: `mock-hal failed: ${error.message}` }, 500);
  });

  return { app: app as unknown as Hono, warmUp: () => graphqlServer().then(() => undefined), limits, engine, journal };
}
