// Turns a scenario behaviour into an answer. Network faults go through a
// FaultAdapter so the same code serves a real socket and msw's in-process fetch.

import type { CheckName } from '../../common/hal-contract/routes.ts';
import type { Behaviour } from '../scenario/scenario-model.ts';
import { errorBody, HTML_ERROR_PAGE } from './bodies.ts';

export type Fault = 'hang' | 'reset' | 'client-gone';

export interface FaultAdapter {
  /** Resolves when the client has gone away (closed the socket or aborted). */
  clientGone(): Promise<void>;
  /** Drops the connection without an answer; returns what the transport expects back. */
  reset(): Response;
}

export interface BehaviourContext {
  check: CheckName;
  faults: FaultAdapter;
  /** The healthy answer for this endpoint. */
  ok(): Response | Promise<Response>;
  /** Auth and input checks; a Response here answers instead of the behaviour. */
  gate(): Response | null;
  onFault(fault: Fault): void;
  /** The real API's answer: mock-hal proxy passes the request on; a plain mock says it cannot. */
  forward(): Promise<Response>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The body text of each answer built here, for judging it by the contract's rule. Reading
 * it back from the Response instead (clone, text) would change how @hono/node-server
 * sends it: a materialised string body gains a `text/plain` type the scenario never set.
 */
const sentBodies = new WeakMap<Response, string>();

/** The body text `response` was built with here or by `withSentBody`; undefined for any other Response. */
export function sentBodyOf(response: Response): string | undefined {
  return sentBodies.get(response);
}

export function withSentBody(response: Response, body: string): Response {
  sentBodies.set(response, body);
  return response;
}

/** Builds a Response, dropping the body for statuses that may not carry one. */
function answer(body: string | null, status: number, headers: Record<string, string>): Response {
  const sent = NULL_BODY_STATUSES.has(status) ? null : body;
  return withSentBody(new Response(sent, { status, headers }), sent ?? '');
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return answer(JSON.stringify(body), status, { 'content-type': JSON_TYPE, ...headers });
}

/** A 200 JSON answer whose text is already serialised. */
export function jsonTextResponse(text: string): Response {
  return new Response(text, { status: 200, headers: { 'content-type': JSON_TYPE } });
}

function malformed(variant: 'truncated-json' | 'html' | 'wrong-content-type', status: number, check: CheckName): Response {
  switch (variant) {
    case 'truncated-json': {
      const whole = JSON.stringify({ status: 'healthy', check, records: [{ id: 1, title: 'Metropolis' }] });
      return answer(whole.slice(0, Math.floor(whole.length / 2)), status, { 'content-type': JSON_TYPE });
    }
    case 'html':
      return answer(HTML_ERROR_PAGE, status, { 'content-type': 'text/html; charset=utf-8' });
    case 'wrong-content-type':
      // JSON-looking bytes that declare themselves plain text: a client must not
      // trust the content type to decide the body is JSON, nor the reverse.
      return answer(JSON.stringify({ status: 'ok', check }), status, { 'content-type': 'text/plain; charset=utf-8' });
  }
}

async function waitOrGone(ms: number, faults: FaultAdapter): Promise<'waited' | 'gone'> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waited'>((resolve) => {
    timer = setTimeout(() => resolve('waited'), ms);
  });
  const outcome = await Promise.race([waited, faults.clientGone().then(() => 'gone' as const)]);
  clearTimeout(timer);
  return outcome;
}

export async function runBehaviour(behaviour: Behaviour, ctx: BehaviourContext): Promise<Response> {
  switch (behaviour.type) {
    case 'reset':
      ctx.onFault('reset');
      return ctx.faults.reset();
    case 'hang':
      await ctx.faults.clientGone();
      ctx.onFault('hang');
      return ctx.faults.reset();
    case 'delay': {
      if ((await waitOrGone(behaviour.ms, ctx.faults)) === 'gone') {
        ctx.onFault('client-gone');
        return ctx.faults.reset();
      }
      return runBehaviour(behaviour.then, ctx);
    }
    // The real API checks its own keys: the proxy passes them on unjudged.
    case 'forward':
      return ctx.forward();
    case 'flaky':
    case 'sequence':
      throw new Error(`a ${behaviour.type} behaviour reached runBehaviour undecided; pass it through resolveChoices first`);
    default:
      break;
  }
  const gated = ctx.gate();
  if (gated) return gated;
  switch (behaviour.type) {
    case 'ok':
      return ctx.ok();
    case 'status':
      return jsonResponse(behaviour.body ?? errorBody(behaviour.status), behaviour.status, behaviour.headers);
    case 'empty':
      return answer(null, behaviour.status ?? 200, behaviour.contentType ? { 'content-type': behaviour.contentType } : {});
    case 'malformed':
      return malformed(behaviour.variant, behaviour.status ?? 200, ctx.check);
    case 'graphql-errors':
      return jsonResponse({ data: null, errors: behaviour.errors }, behaviour.status ?? 200);
    case 'raw':
      return answer(behaviour.body, behaviour.status, behaviour.headers ?? {});
  }
}
