// `mock-hal record --proxy`: a reverse proxy in front of the API that passes every
// request through and remembers every answer it saw per smoke endpoint, in order (the
// last MAX_ANSWERS_PER_ENDPOINT of them), so real guardrail runs can be recorded as they
// happen, flaky answers included.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { redact } from '../../common/hal-contract/redact.ts';
import { CHECK_NAMES, type CheckName, checkOfRequest } from '../../common/hal-contract/routes.ts';
import { API_KEY_HEADERS } from '../../common/hal-contract/smoke-requests.ts';
import { DEFAULT_RECORD_TIMEOUT_MS, MAX_ANSWERS_PER_ENDPOINT, RecordError, type RecordedAnswer, unanswered } from './recorded-answer.ts';
import { HOP_BY_HOP_HEADERS, keptHeaders } from './replay-headers.ts';
import { joinTarget, parseTarget } from './target.ts';

export interface RecordingProxyOptions {
  target: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  checks?: readonly CheckName[];
  /** Values to redact besides the API keys clients send; --api-key goes here. */
  secrets?: readonly string[];
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** Answers kept per endpoint; older ones are dropped (default and most: MAX_ANSWERS_PER_ENDPOINT). */
  maxAnswersPerEndpoint?: number;
  onAnswer?: (answer: RecordedAnswer) => void;
}

export interface RecordingProxy {
  url: string;
  port: number;
  /** The answers kept per recorded endpoint, in check order, and each endpoint's in the order its requests arrived. */
  answers(): RecordedAnswer[];
  /** How many older answers each endpoint had dropped to stay within the bound. */
  dropped(): Partial<Record<CheckName, number>>;
  close(): Promise<void>;
}

const KEY_HEADERS = new Set(API_KEY_HEADERS.map((name) => name.toLowerCase()));

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RecordError(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** An endpoint's answers, ordered by when their requests arrived (the order the API decided them in). */
interface Kept {
  answers: { arrival: number; answer: RecordedAnswer }[];
  dropped: number;
}

/** A reverse proxy to `target` that remembers every answer per smoke endpoint, up to a bound. */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const target = parseTarget(options.target);
  const checks = new Set(options.checks ?? CHECK_NAMES);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const maxAnswers = Math.max(1, Math.min(options.maxAnswersPerEndpoint ?? MAX_ANSWERS_PER_ENDPOINT, MAX_ANSWERS_PER_ENDPOINT));
  const seen = new Map<CheckName, Kept>();
  let arrivals = 0;
  // Grows with every key a client sends, so a key never given on the command line is still hidden.
  const secrets = new Set((options.secrets ?? []).filter((s) => s !== ''));

  const remember = (arrival: number, answer: RecordedAnswer): void => {
    const kept = seen.get(answer.check) ?? { answers: [], dropped: 0 };
    seen.set(answer.check, kept);
    // Answers can finish out of order; a sequence must replay them in the order the API decided them.
    let at = kept.answers.length;
    while (at > 0 && (kept.answers[at - 1] as { arrival: number }).arrival > arrival) at -= 1;
    kept.answers.splice(at, 0, { arrival, answer });
    if (kept.answers.length > maxAnswers) {
      kept.answers.shift();
      kept.dropped += 1;
    }
    options.onAnswer?.(answer);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const incoming = new URL(req.url ?? '/', 'http://proxy.invalid');
    const found = checkOfRequest(method, incoming.pathname);
    const check = found !== null && checks.has(found) ? found : null;
    const arrival = arrivals++;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'host' || HOP_BY_HOP_HEADERS.has(name)) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
      if (KEY_HEADERS.has(name)) for (const one of [value].flat()) if (one !== '') secrets.add(one);
    }
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, maxBodyBytes);
    const started = performance.now();
    try {
      const response = await fetch(`${joinTarget(target, incoming.pathname)}${incoming.search}`, {
        method,
        headers,
        body: body === undefined || body.length === 0 ? undefined : new Uint8Array(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const latencyMs = performance.now() - started;
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        if (!HOP_BY_HOP_HEADERS.has(name) && name !== 'set-cookie') out[name] = value;
      });
      // Headers joins several Set-Cookie values with commas, which would break them.
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) out['set-cookie'] = cookies;
      res.writeHead(response.status, out);
      res.end(bytes);
      if (check !== null) {
        const list = [...secrets];
        remember(arrival, {
          check,
          kind: 'answer',
          latencyMs,
          status: response.status,
          headers: keptHeaders(response.headers, list),
          body: redact(new TextDecoder().decode(bytes), list),
        });
      }
    } catch (error) {
      if (check !== null) remember(arrival, unanswered(check, error, performance.now() - started, timeoutMs, secrets));
      // The client sees what the API did: no answer.
      req.socket.destroy();
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: 'mock-hal record: the request could not be forwarded' }));
      } else {
        req.socket.destroy();
      }
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    answers: () => CHECK_NAMES.flatMap((check) => seen.get(check)?.answers.map((kept) => kept.answer) ?? []),
    dropped: () => Object.fromEntries([...seen].filter(([, kept]) => kept.dropped > 0).map(([check, kept]) => [check, kept.dropped])),
    close() {
      closed ??= new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
