// The node request and response behind a Hono context. @hono/node-server passes them
// as the context's env; msw and a bare app.fetch have none. Where they exist, the hot
// paths read the request and let Yoga answer straight from them, instead of building
// Web Request/Response objects only to convert them back.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

export interface NodeBindings {
  incoming: IncomingMessage;
  outgoing: ServerResponse;
}

export function nodeBindings(c: Context): NodeBindings | undefined {
  const env = c.env as Partial<NodeBindings> | undefined;
  return env?.incoming && env.outgoing ? (env as NodeBindings) : undefined;
}
