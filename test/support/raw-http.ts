// A raw HTTP/1.1 client for the fuzz suites: sends exactly the bytes it is given
// (in pieces, with pauses, if asked) and checks that what comes back is one
// well-formed HTTP response, or tells how the connection ended without one.
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  reason: string;
  headers: [string, string][];
  body: Buffer;
}

export type RawOutcome =
  | { kind: 'response'; response: RawResponse; interim: number[] }
  /** The server closed (or reset) the connection without sending a byte. */
  | { kind: 'closed'; error: string | undefined }
  /** Bytes came back that are not an HTTP response (the test fails on this). */
  | { kind: 'malformed'; why: string; bytes: Buffer }
  /** Nothing conclusive before the safety limit (the test fails on this too). */
  | { kind: 'silent'; bytes: Buffer };

export interface SendOptions {
  /** The request's method: a HEAD answer has no body whatever its Content-Length says. */
  method?: string;
  /** Pause before each piece after the first, in milliseconds. */
  pauses?: number[];
  /** Give up after this long: a safety net, not a timing assertion. */
  limitMs?: number;
}

type Parsed = { kind: 'incomplete' } | { kind: 'bad'; why: string } | { kind: 'done'; response: RawResponse; rest: Buffer };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function header(headers: [string, string][], name: string): string[] {
  return headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
}

/** Parses one response from the front of `bytes`; `ended` says the connection has closed. */
export function parseResponse(bytes: Buffer, ended: boolean, method = 'GET'): Parsed {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd === -1) {
    if (!ended) return bytes.length > 64 * 1024 ? { kind: 'bad', why: 'no end of headers in 64 KiB' } : { kind: 'incomplete' };
    return { kind: 'bad', why: 'the connection closed inside the status line or headers' };
  }
  const lines = bytes.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusLine = /^HTTP\/1\.[01] (\d{3}) ([^\r\n]*)$/.exec(lines[0] ?? '');
  if (!statusLine) return { kind: 'bad', why: `bad status line ${JSON.stringify(lines[0])}` };
  const status = Number(statusLine[1]);
  if (status < 100 || status > 599) return { kind: 'bad', why: `status ${status} out of range` };
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    if (colon < 1 || !TOKEN.test(name)) return { kind: 'bad', why: `bad header line ${JSON.stringify(line)}` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  let offset = headEnd + 4;
  const noBody = method === 'HEAD' || status < 200 || status === 204 || status === 304;
  const lengths = header(headers, 'content-length');
  const chunked = header(headers, 'transfer-encoding').some((value) => /\bchunked\b/i.test(value));
  if (lengths.length > 1 && new Set(lengths).size > 1) return { kind: 'bad', why: `conflicting Content-Length ${lengths.join(', ')}` };
  if (lengths.length > 0 && chunked) return { kind: 'bad', why: 'both Content-Length and chunked' };
  const response = (body: Buffer): RawResponse => ({ status, reason: statusLine[2] ?? '', headers, body });
  if (noBody) return { kind: 'done', response: response(Buffer.alloc(0)), rest: bytes.subarray(offset) };
  if (lengths.length > 0) {
    if (!/^\d+$/.test(lengths[0]!)) return { kind: 'bad', why: `bad Content-Length ${lengths[0]}` };
    const length = Number(lengths[0]);
    if (bytes.length - offset < length) {
      return ended ? { kind: 'bad', why: `body cut short: ${bytes.length - offset} of ${length} bytes` } : { kind: 'incomplete' };
    }
    return { kind: 'done', response: response(bytes.subarray(offset, offset + length)), rest: bytes.subarray(offset + length) };
  }
  if (chunked) {
    const parts: Buffer[] = [];
    for (;;) {
      const lineEnd = bytes.indexOf('\r\n', offset);
      if (lineEnd === -1) return ended ? { kind: 'bad', why: 'chunked body cut short' } : { kind: 'incomplete' };
      const sizeText = bytes.subarray(offset, lineEnd).toString('latin1').split(';')[0]!.trim();
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) return { kind: 'bad', why: `bad chunk size ${JSON.stringify(sizeText)}` };
      const size = parseInt(sizeText, 16);
      offset = lineEnd + 2;
      if (size === 0) {
        // Trailers (none expected) end with an empty line.
        const trailersEnd = bytes.indexOf('\r\n', offset);
        if (trailersEnd === -1) return ended ? { kind: 'bad', why: 'chunked body ends without its last CRLF' } : { kind: 'incomplete' };
        return { kind: 'done', response: response(Buffer.concat(parts)), rest: bytes.subarray(trailersEnd + 2) };
      }
      if (bytes.length < offset + size + 2) return ended ? { kind: 'bad', why: 'chunk cut short' } : { kind: 'incomplete' };
      if (bytes.subarray(offset + size, offset + size + 2).toString('latin1') !== '\r\n') {
        return { kind: 'bad', why: 'chunk not followed by CRLF' };
      }
      parts.push(bytes.subarray(offset, offset + size));
      offset += size + 2;
    }
  }
  // Neither length nor chunked: the body runs to the end of the connection.
  if (!ended) return { kind: 'incomplete' };
  return { kind: 'done', response: response(bytes.subarray(offset)), rest: Buffer.alloc(0) };
}

/** Sends `pieces` over a fresh connection and reports the first final response (1xx answers are collected). */
export function sendRaw(port: number, pieces: Buffer[], options: SendOptions = {}): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received: Buffer = Buffer.alloc(0);
    const interim: number[] = [];
    let settled = false;
    let lastError: string | undefined;
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: RawOutcome): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const examine = (ended: boolean): void => {
      for (;;) {
        if (received.length === 0) {
          if (ended) finish({ kind: 'closed', error: lastError });
          return;
        }
        const parsed = parseResponse(received, ended, options.method);
        if (parsed.kind === 'incomplete') return;
        if (parsed.kind === 'bad') {
          finish({ kind: 'malformed', why: parsed.why, bytes: received });
          return;
        }
        if (parsed.response.status < 200) {
          interim.push(parsed.response.status);
          received = parsed.rest;
          continue;
        }
        finish({ kind: 'response', response: parsed.response, interim });
        return;
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      examine(false);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      lastError = error.code ?? error.message;
    });
    socket.on('close', () => examine(true));
    timers.push(setTimeout(() => finish({ kind: 'silent', bytes: received }), options.limitMs ?? 10_000));
    socket.once('connect', () => {
      let at = 0;
      pieces.forEach((piece, index) => {
        at += index === 0 ? 0 : (options.pauses?.[index - 1] ?? 0);
        const write = (): void => {
          if (!socket.destroyed && socket.writable) socket.write(piece);
        };
        if (at === 0) write();
        else timers.push(setTimeout(write, at));
      });
    });
  });
}

/** Splits `bytes` at the given cut points (fractions of its length), in order. */
export function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => Math.floor(cut * bytes.length)))].filter((point) => point > 0 && point < bytes.length).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

/** A stack trace line as Node prints them: "    at fn (file:line:col)". */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|<anonymous>\)?)$/m;
