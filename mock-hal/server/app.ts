// The mock HAL as a Hono app on Web-standard Request/Response: the four smoke
// endpoints answered from the active scenario, the journal, and the control API.
// The node server and the msw handlers both wrap this one app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { type Context, Hono } from 'hono';
import { checkFailure } from '../../common/hal-contract/check-outcome.ts';
import { type CheckName, checkAtPath, describeSmokeRoutes, SMOKE_ROUTES } from '../../common/hal-contract/routes.ts';
import { type Fault, type FaultAdapter, jsonResponse, jsonTextResponse, runBehaviour, sentBodyOf } from '../answers/behaviours.ts';
import { healthJson, indexerTestBody, MAX_PAGE_SIZE, moviePageJson } from '../answers/bodies.ts';
import { createGraphqlInspector, type GraphqlInspection } from '../answers/graphql.ts';
import type { GraphqlServer } from '../answers/graphql-server.ts';
import type { Choice } from '../scenario/choices.ts';
import { type ActivePhase, ScenarioEngine } from '../scenario/scenario-engine.ts';
import type { Behaviour, Scenario } from '../scenario/scenario-model.ts';
import { apiKeyFromHeaders, DEFAULT_API_KEY, DEFAULT_API_KEY_HEADERS, journalRedactor, secretMatcher } from './auth.ts';
import { type ControlAccess, createControlApi, localCoordinator, type StateCoordinator } from './control-api.ts';
import { forwardRequest, type Upstream } from './forward.ts';
import { Journal } from './journal.ts';
import { type Limits, resolveLimits } from './limits.ts';
import { nodeBindings } from './node-bindings.ts';
import { BodyTooLarge, bodyText, isJson, readBody } from './request-body.ts';

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
  /** When the mock started (epoch ms), which the health body's uptime counts from; now by default. */
  startedAt?: number;
  /** Where scenario switches and journal reads go; this app's own engine and journal by default. */
  coordinator?: (engine: ScenarioEngine, journal: Journal) => StateCoordinator;
  /** Builds the transport's fault adapter for one request. */
  faultsFor: (c: Context) => FaultAdapter;
  /**
   * mock-hal proxy: the real API. Every request the scenario gives no other behaviour is
   * forwarded to it, keys are the API's to judge, and each key a client sends is hidden in the journal.
   */
  upstream?: Upstream;
}

export interface MockHalApp {
  app: Hono;
  /** Loads the GraphQL server now rather than on the first request that needs it. */
  warmUp(): Promise<void>;
  limits: Limits;
  engine: ScenarioEngine;
  journal: Journal;
  coordinator: StateCoordinator;
}

type Variables = {
  /** The scenario phase when the request arrived: it answers, and the journal names it. */
  active: ActivePhase;
  /** The per-request decisions (flaky, sequence, jitter) that picked the answer. */
  choices: readonly Choice[] | undefined;
  /** Why a correct guardrail counts the answer as a failed check (null: passed); set where the answer's body had to be read. */
  failure: string | null | undefined;
  /** Why the API behind a proxy gave no answer. */
  upstreamError: string | undefined;
  rawBody: string;
  /** mock-hal proxy only: the body as received, which is what gets forwarded. */
  rawBytes: Uint8Array | undefined;
  fault: Fault | undefined;
  graphql: GraphqlInspection | undefined;
  /** Set when Yoga answered on the socket itself: the status it sent. */
  sentStatus: number | undefined;
};

// Built once: the 404 answer lists the endpoints on every unknown path.
const NOT_FOUND_ROUTES = `${describeSmokeRoutes()} and /__mock/*`;

/**
 * Bodies up to this many characters go to Yoga as they are; whatwg-node counts a
 * pre-read body's keys, one per character, so a larger one goes the Web Request way.
 */
const DIRECT_GRAPHQL_BODY_CHARS = 64 * 1024;

/** Resolves once the answer is out or the connection is gone (a lighter `finished`, which costs a tenth of the answer). */
function answered(outgoing: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      outgoing.off('finish', done);
      outgoing.off('close', done);
      resolve();
    };
    outgoing.once('finish', done);
    outgoing.once('close', done);
  });
}

/**
 * Whether judging the answer needs its body: everything but the healthy answer, whose body
 * is right by construction (a gate's refusal is judged by its status alone).
 */
function bodyDecides(behaviour: Behaviour): boolean {
  let leaf = behaviour;
  while (leaf.type === 'delay') leaf = leaf.then;
  return leaf.type !== 'ok';
}

/** What the journal keeps of an inspection: the parsed document is not needed once answered. */
function journalled(inspection: GraphqlInspection | undefined): GraphqlInspection | undefined {
  if (!inspection?.ok) return inspection;
  const { document: _document, ...kept } = inspection;
  return kept as GraphqlInspection;
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
  const startedAt = options.startedAt ?? Date.now();
  const redactor = journalRedactor(options);
  const journal = new Journal(limits.journalSize, redactor);
  const isApiKey = secretMatcher(apiKey);
  const inspectGraphql = createGraphqlInspector(limits);
  const upstream = options.upstream;
  const fallback: Behaviour = upstream ? { type: 'forward' } : { type: 'ok' };
  // Headers and, since APIs of this kind also take ?apikey=, query parameters of the same names.
  const learnKeys = (headers: Headers, url: string) => {
    const query = url.includes('?') ? new URL(url).searchParams : undefined;
    for (const name of apiKeyHeaders) {
      const key = headers.get(name);
      if (key !== null) redactor.learn(key);
      for (const value of query?.getAll(name) ?? []) redactor.learn(value);
    }
  };
  let yoga: Promise<GraphqlServer> | undefined;
  const graphqlServer = () => (yoga ??= import('../answers/graphql-server.ts').then((module) => module.createGraphqlServer(startedAt)));
  const app = new Hono<{ Variables: Variables }>();

  const coordinator = (options.coordinator ?? localCoordinator)(engine, journal);
  app.route(
    '/__mock',
    createControlApi({ engine, journal, coordinator, resolveScenario: options.resolveScenario, access: options.control ?? { token: undefined } }),
  );

  // Journal every request outside the control API: arrival, body, answer.
  app.use('*', async (c, next) => {
    const startedAt = performance.now();
    const arrivedAt = Date.now();
    // The phase at arrival is the one that answers, even if a hang outlives it.
    const active = engine.active();
    c.set('active', active);
    c.set('choices', undefined);
    c.set('failure', undefined);
    c.set('upstreamError', undefined);
    c.set('fault', undefined);
    c.set('graphql', undefined);
    c.set('sentStatus', undefined);
    let tooLarge = false;
    c.set('rawBytes', undefined);
    try {
      const bytes = await readBody(c, maxBodyBytes);
      c.set('rawBody', bodyText(bytes));
      if (upstream) c.set('rawBytes', bytes);
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
    const fault = c.get('fault');
    const node = nodeBindings(c);
    if (upstream) learnKeys(c.req.raw.headers, c.req.url);
    journal.add({
      arrivedAt,
      method: c.req.method,
      url: c.req.url,
      headers: node ? node.incoming.rawHeaders : c.req.raw.headers,
      body: c.get('rawBody'),
      scenario: active.scenario.name,
      phase: active.phase.name,
      status: fault ? null : (c.get('sentStatus') ?? c.res.status),
      durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
      completedAt: performance.timeOrigin + performance.now(),
      ...(fault ? { fault } : {}),
      ...(c.get('graphql') ? { graphql: journalled(c.get('graphql')) } : {}),
      ...(c.get('choices') ? { choices: c.get('choices') } : {}),
      ...(c.get('failure') !== undefined ? { failure: c.get('failure') } : {}),
      ...(c.get('upstreamError') !== undefined ? { upstreamError: c.get('upstreamError') } : {}),
    });
  });

  function authorised(c: Context): Response | null {
    const given = apiKeyFromHeaders(c.req.raw.headers, apiKeyHeaders);
    if (given !== null && isApiKey(given)) return null;
    const why = given === null ? 'no API key was sent' : 'the API key is wrong';
    return jsonResponse({ error: 'Unauthorized', message: `${why}; send it in the ${apiKeyHeaders.join(' or ')} header` }, 401);
  }

  /** Passes the request to the API behind the proxy; without one, says the scenario needs one. */
  async function forward(c: Context<{ Variables: Variables }>, faults: FaultAdapter): Promise<Response> {
    if (!upstream) {
      const message =
        'the scenario says "forward", but this mock has no API behind it; run it with mock-hal proxy --target URL, or give the endpoint another behaviour';
      return jsonResponse({ error: 'Bad Gateway', message }, 502);
    }
    const url = new URL(c.req.url);
    const forwarded = await forwardRequest(upstream, {
      method: c.req.method,
      pathAndQuery: `${url.pathname}${url.search}`,
      proxyOrigin: url.origin,
      headers: c.req.raw.headers,
      body: c.get('rawBytes') ?? new Uint8Array(),
      clientGone: faults.clientGone(),
    });
    if (forwarded.kind === 'answer') return forwarded.response;
    // The client gets what the API gave: no answer.
    c.set('fault', forwarded.clientLeft ? 'client-gone' : 'reset');
    c.set('upstreamError', forwarded.error);
    return faults.reset();
  }

  function serve(check: CheckName, ok: (c: Context) => Response | Promise<Response>, validate: (c: Context) => Response | null) {
    return async (c: Context<{ Variables: Variables }>) => {
      const { behaviour, choices } = engine.decide(c.get('active'), check, fallback);
      if (choices.length > 0) c.set('choices', choices);
      const faults = options.faultsFor(c);
      const response = await runBehaviour(behaviour, {
        check,
        faults,
        ok: () => ok(c),
        // Behind a proxy the real API judges keys and input.
        gate: () => (upstream ? null : ((check === 'health' ? null : authorised(c)) ?? validate(c))),
        onFault: (fault) => c.set('fault', fault),
        forward: () => forward(c, faults),
      });
      if (!c.get('fault') && response !== RESPONSE_ALREADY_SENT && bodyDecides(behaviour)) {
        const body = sentBodyOf(response);
        c.set('failure', checkFailure(check, { kind: 'answer', status: response.status, ...(body === undefined ? {} : { body }) }));
      }
      return response;
    };
  }

  const noInput = () => null;

  /** Yoga answers: on the socket itself under node, through a Web Request otherwise. */
  async function answerGraphql(c: Context<{ Variables: Variables }>): Promise<Response> {
    const server = await graphqlServer();
    const body = c.get('rawBody');
    const node = nodeBindings(c);
    if (node && body.length <= DIRECT_GRAPHQL_BODY_CHARS) {
      // whatwg-node takes a body already read off the stream from `body`, as it does for Express.
      (node.incoming as IncomingMessage & { body?: string }).body = body;
      await server.requestListener(node.incoming, node.outgoing);
      if (!node.outgoing.writableFinished) await answered(node.outgoing);
      c.set('sentStatus', node.outgoing.statusCode);
      return RESPONSE_ALREADY_SENT;
    }
    const answer = await server.fetch(new Request(c.req.url, { method: 'POST', headers: c.req.raw.headers, body }), {});
    // A string body lets node-server write the answer at once instead of pumping Yoga's
    // stream; Yoga's own Headers class is not one node-server can write, so copy it.
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // No body stays no body: an empty string would gain a text/plain type on the way out.
    const text = answer.body === null ? null : await answer.text();
    return new Response(text === '' ? null : text, { status: answer.status, headers });
  }

  app.on(
    SMOKE_ROUTES.health.method,
    SMOKE_ROUTES.health.path,
    serve('health', () => jsonTextResponse(healthJson(startedAt)), noInput),
  );

  app.on(
    SMOKE_ROUTES.list_movies.method,
    SMOKE_ROUTES.list_movies.path,
    serve(
      'list_movies',
      (c) => {
        const { page, pageSize } = paging(c) as { page: number; pageSize: number };
        return jsonTextResponse(moviePageJson(page, pageSize));
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
      c.set('graphql', inspectGraphql(c.get('rawBody')));
      await next();
    },
    serve(
      'graphql_ping',
      (c) => answerGraphql(c),
      (c) => {
        const inspection = c.get('graphql');
        if (!inspection || inspection.ok) return null;
        return jsonResponse({ errors: [{ message: inspection.error, extensions: { code: 'BAD_REQUEST' } }] }, 400);
      },
    ),
  );

  app.notFound((c) => {
    if (upstream) return forward(c as Context<{ Variables: Variables }>, options.faultsFor(c));
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

  return { app: app as unknown as Hono, warmUp: () => graphqlServer().then(() => undefined), limits, engine, journal, coordinator };
}
