// Reads a request body as text, bounded: from node's stream when the server runs on
// node (a Web body stream per request costs more than the rest of the answer), from
// the Web Request otherwise. Both decode alike, so the journal does not depend on the transport.
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { nodeBindings } from './node-bindings.ts';

export class BodyTooLarge extends Error {}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// Invalid UTF-8 becomes U+FFFD rather than an exception: the journal keeps what it can.
const decoder = new TextDecoder('utf-8', { fatal: false });

function readNodeBody(incoming: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (error?: Error) => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', done);
      incoming.off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Drain the rest unread, so the 413 reaches a client that is still sending.
      done(new BodyTooLarge());
      incoming.resume();
    };
    const onEnd = () => done();
    const onClose = () => done(new Error('the client closed the connection before its body arrived'));
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', done);
    incoming.once('close', onClose);
  });
}

async function readWebBody(request: Request, limit: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
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
  return Buffer.concat(chunks, size);
}

const NO_BODY = new Uint8Array();

/** The request body's bytes, bounded; mock-hal proxy forwards these, as decoding would alter a binary body. */
export async function readBody(c: Context, limit: number): Promise<Uint8Array> {
  // GET and HEAD carry no body; not asking for one spares reading or building a stream.
  const method = c.req.method;
  if (method === 'GET' || method === 'HEAD') return NO_BODY;
  if (Number(c.req.header('content-length') ?? '0') > limit) throw new BodyTooLarge();
  const node = nodeBindings(c);
  return node ? readNodeBody(node.incoming, limit) : readWebBody(c.req.raw, limit);
}

/** The request body as text, as the journal and the checks read it. */
export function bodyText(bytes: Uint8Array): string {
  return bytes.length === 0 ? '' : decoder.decode(bytes);
}
