// mock-hal record: capture how a real API answers the four HAL smoke checks and
// write it down as a scenario that replays those answers (status, headers, body
// and latency) through the `raw` behaviour. Either sends the smoke requests once
// itself, or sits in front of the API as a reverse proxy and keeps the last answer
// it saw per endpoint.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { link, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { CHECK_OUTCOME_RULE, checkFailure } from '../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES, parseScenario, type Behaviour, type CheckName, type ScenarioInput } from '../scenario/scenario-model.ts';

export const DEFAULT_RECORD_TIMEOUT_MS = 10_000;

/** The GraphQL document the guardrails send for graphql_ping. */
export const GRAPHQL_PING_BODY = JSON.stringify({ query: 'query { __typename }' });

/** Method and path of each smoke check's endpoint, relative to the API's base URL. */
export const SMOKE_ROUTES: Record<CheckName, { method: 'GET' | 'POST'; path: string }> = {
  health: { method: 'GET', path: '/health' },
  list_movies: { method: 'GET', path: '/api/v3/movie' },
  indexer_test: { method: 'POST', path: '/api/v3/indexer/test' },
  graphql_ping: { method: 'POST', path: '/graphql' },
};

export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

/** One endpoint's answer as it was seen. */
export type RecordedAnswer =
  | { check: CheckName; kind: 'answer'; latencyMs: number; status: number; headers: Record<string, string>; body: string }
  | { check: CheckName; kind: 'reset'; latencyMs: number; error: string }
  | { check: CheckName; kind: 'hang'; latencyMs: number; error: string };

// --- the target --------------------------------------------------------------

/**
 * Checks a --target URL: http or https, no credentials, query or fragment. The
 * smoke paths are appended to it as the guardrails do (`$base + "/health"`).
 */
export function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new RecordError(`--target ${JSON.stringify(target)} is not a URL; give the API's base URL, like http://127.0.0.1:7878`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RecordError(`--target must be an http:// or https:// URL, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new RecordError('--target must not carry a user name or password; pass the API key with --api-key');
  }
  if (url.search !== '' || url.hash !== '') {
    throw new RecordError('--target is a base URL: leave out the query (?...) and fragment (#...)');
  }
  return url;
}

function joinTarget(target: URL, path: string): string {
  return `${target.origin}${target.pathname.replace(/\/+$/, '')}${path}`;
}

/** The smoke request for one check, built as the guardrails build it through HAL. */
export function smokeRequestInit(check: CheckName, target: URL, apiKey: string | undefined): { url: string; init: RequestInit } {
  const auth: Record<string, string> = apiKey === undefined ? {} : { 'X-Api-Key': apiKey, apikey: apiKey };
  const json = { 'Content-Type': 'application/json' };
  const url = joinTarget(target, SMOKE_ROUTES[check].path);
  switch (check) {
    case 'health':
      return { url, init: { method: 'GET' } };
    case 'list_movies':
      // The scripts pass {page, limit} as a "query" argument that HAL does not send:
      // the API sees a bare GET /api/v3/movie (the harness journals show it).
      return { url, init: { method: 'GET', headers: auth } };
    case 'indexer_test':
      return { url, init: { method: 'POST', headers: { ...json, ...auth }, body: '{}' } };
    case 'graphql_ping':
      return { url, init: { method: 'POST', headers: { ...json, ...auth }, body: GRAPHQL_PING_BODY } };
  }
}

// --- headers -----------------------------------------------------------------

/** Connection-level headers (RFC 9110 7.6.1) and ones the replay sets itself. */
const DROPPED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  // The replay sends the decoded text, so its length and encoding are its own.
  'content-length',
  'content-encoding',
  // Volatile, and would be stale in a replay.
  'date',
  // Credentials and session state.
  'authorization',
  'cookie',
  'set-cookie',
  'set-cookie2',
  'x-api-key',
  'apikey',
]);

const SECRET_HEADER_NAME = /token|secret|api-?key|password|passwd|credential|session|cookie/i;
// What the scenario model accepts as a header value.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Response headers worth replaying: no hop-by-hop, length, date, cookie or secret headers. */
export function keptHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (DROPPED_HEADERS.has(lower) || SECRET_HEADER_NAME.test(lower)) return;
    if (secrets.some((secret) => secret !== '' && value.includes(secret))) return;
    if (!HEADER_VALUE.test(value)) return;
    kept[lower] = value;
  });
  return kept;
}

function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('[REDACTED]');
  return out;
}

// --- judging -----------------------------------------------------------------

/**
 * Why a correct guardrail must count this answer as a failed check, or null when
 * it must count it as passed: the rule in check-outcome.ts, which the reference
 * guardrails apply too. A 200 GraphQL response with errors (production's FORBIDDEN
 * answer) passes.
 */
export function failureReason(answer: RecordedAnswer): string | null {
  return checkFailure(answer.check, answer.kind === 'answer' ? { kind: 'answer', status: answer.status, body: answer.body } : answer);
}

// --- the scenario --------------------------------------------------------------

const SCENARIO_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A scenario name from the output file name: `Outage 2026.json` → `outage-2026`. */
export function scenarioNameFromFile(file: string): string {
  const stem = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[^a-z0-9]+$/, '');
  return SCENARIO_NAME.test(stem) ? stem : 'recording';
}

export function checkScenarioName(name: string): string {
  if (!SCENARIO_NAME.test(name)) {
    throw new RecordError(
      `--name ${JSON.stringify(name)} is not a scenario name; use lower-case letters, digits, ".", "_" or "-" (at most 64 characters)`,
    );
  }
  return name;
}

function behaviourOf(answer: RecordedAnswer): Behaviour {
  if (answer.kind === 'hang') return { type: 'hang' };
  const ms = Math.min(600_000, Math.max(0, Math.round(answer.latencyMs)));
  if (answer.kind === 'reset') return { type: 'delay', ms, then: { type: 'reset' } };
  const then: Behaviour =
    answer.body === '' && answer.headers['content-type'] === undefined && Object.keys(answer.headers).length === 0
      ? // `raw` would label even an empty string text/plain; `empty` sends no content type.
        { type: 'empty', status: answer.status }
      : { type: 'raw', status: answer.status, headers: answer.headers, body: answer.body };
  return { type: 'delay', ms, then };
}

function describeAnswer(answer: RecordedAnswer): string {
  const ms = Math.round(answer.latencyMs);
  if (answer.kind === 'hang') return `${answer.check} no answer within ${ms} ms`;
  if (answer.kind === 'reset') return `${answer.check} connection failed after ${ms} ms`;
  return `${answer.check} ${answer.status} after ${ms} ms`;
}

/** Where the target is, with no credentials, for the description. */
function shownTarget(target: URL): string {
  return joinTarget(target, '') || target.origin;
}

export interface BuildScenarioOptions {
  name: string;
  target: URL;
  mode: 'smoke' | 'proxy';
  recordedAt?: Date;
}

/** The scenario for these answers; checks with no answer are left out and answer "ok" in a replay. */
export function buildRecordedScenario(answers: readonly RecordedAnswer[], options: BuildScenarioOptions): ScenarioInput {
  const byCheck = new Map(answers.map((answer) => [answer.check, answer]));
  const recorded = CHECK_NAMES.filter((check) => byCheck.has(check));
  if (recorded.length === 0) throw new RecordError('no smoke check was answered or attempted; nothing to record');
  const endpoints: Partial<Record<CheckName, Behaviour>> = {};
  const failed: { check: CheckName; reason: string }[] = [];
  for (const check of recorded) {
    const answer = byCheck.get(check) as RecordedAnswer;
    endpoints[check] = behaviourOf(answer);
    const reason = failureReason(answer);
    if (reason !== null) failed.push({ check, reason });
  }
  const missing = CHECK_NAMES.filter((check) => !byCheck.has(check));
  const when = (options.recordedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const how = options.mode === 'proxy' ? 'as a proxy (the last answer per endpoint)' : 'with the four smoke requests';
  const parts = [
    `Recorded by mock-hal record from ${shownTarget(options.target)} at ${when} ${how}: ${recorded.map((check) => describeAnswer(byCheck.get(check) as RecordedAnswer)).join('; ')}.`,
  ];
  if (missing.length > 0) parts.push(`Not recorded, so answering "ok": ${missing.join(', ')}.`);
  parts.push(
    failed.length > 0
      ? `Expected to fail: ${failed.map((f) => `${f.check} (${f.reason})`).join(', ')}.`
      : 'Every recorded check is expected to pass.',
  );
  parts.push(CHECK_OUTCOME_RULE);
  const scenario: ScenarioInput = {
    name: options.name,
    description: parts.join(' '),
    endpoints,
    expect: { status: failed.length > 0 ? 'failed' : 'passed', failedChecks: failed.map((f) => f.check) },
  };
  parseScenario(scenario, `recorded scenario "${options.name}"`);
  return scenario;
}

// --- writing ---------------------------------------------------------------------

export async function assertWritable(file: string, force: boolean): Promise<void> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new RecordError(`--out ${file} is a folder; give a file name like ${join(file, 'recording.json')}`);
    if (!force) throw new RecordError(`--out ${file} already exists; pass --force to overwrite it or pick another --out`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Validates and writes the scenario through a temp file in the same folder. Without
 * `force`, the final name is taken with link(), which fails if anything got there
 * first, so an existing file is never replaced.
 */
export async function writeScenarioFile(file: string, scenario: ScenarioInput, force: boolean): Promise<void> {
  parseScenario(scenario, `recorded scenario "${String(scenario.name)}"`);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await assertWritable(path, force);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(`${JSON.stringify(scenario, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (force) {
      await rename(temp, path);
    } else {
      try {
        await link(temp, path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new RecordError(`--out ${file} already exists; pass --force to overwrite it or pick another --out`);
        }
        throw error;
      }
    }
  } finally {
    await rm(temp, { force: true });
  }
}

// --- sending the smoke requests -------------------------------------------------

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as (Error & { code?: unknown }) | undefined;
  if (cause instanceof Error && cause.message && cause.message !== error.message) {
    return typeof cause.code === 'string' ? `${cause.code}: ${cause.message}` : cause.message;
  }
  return error.message;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause as Error | undefined)?.name === 'TimeoutError');
}

export interface RecordSmokeOptions {
  target: string;
  apiKey?: string;
  checks?: readonly CheckName[];
  timeoutMs?: number;
}

/** Sends one smoke request and describes what came back. */
export async function recordCheck(check: CheckName, target: URL, apiKey: string | undefined, timeoutMs: number): Promise<RecordedAnswer> {
  const { url, init } = smokeRequestInit(check, target, apiKey);
  const secrets = apiKey === undefined ? [] : [apiKey];
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return {
      check,
      kind: 'answer',
      latencyMs: performance.now() - started,
      status: response.status,
      headers: keptHeaders(response.headers, secrets),
      body: redact(body, secrets),
    };
  } catch (error) {
    const latencyMs = performance.now() - started;
    if (isTimeout(error)) return { check, kind: 'hang', latencyMs, error: `timed out after ${timeoutMs} ms` };
    return { check, kind: 'reset', latencyMs, error: redact(errorText(error), secrets) };
  }
}

/** Sends the smoke requests one after another, as the guardrails do. */
export async function recordSmoke(options: RecordSmokeOptions): Promise<RecordedAnswer[]> {
  const target = parseTarget(options.target);
  const answers: RecordedAnswer[] = [];
  for (const check of options.checks ?? CHECK_NAMES) {
    answers.push(await recordCheck(check, target, options.apiKey, options.timeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS));
  }
  return answers;
}

// --- the recording proxy ----------------------------------------------------------

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
  onAnswer?: (answer: RecordedAnswer) => void;
}

export interface RecordingProxy {
  url: string;
  port: number;
  /** The last answer seen per recorded endpoint, in check order. */
  answers(): RecordedAnswer[];
  close(): Promise<void>;
}

const REQUEST_HOP_BY_HOP = new Set([...DROPPED_HEADERS].filter((h) => !['authorization', 'cookie', 'x-api-key', 'apikey', 'date'].includes(h)));

function checkOfRequest(method: string, path: string): CheckName | null {
  for (const check of CHECK_NAMES) {
    const route = SMOKE_ROUTES[check];
    if (route.method === method && route.path === path) return check;
  }
  return null;
}

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

/** A reverse proxy to `target` that remembers the last answer per smoke endpoint. */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const target = parseTarget(options.target);
  const checks = new Set(options.checks ?? CHECK_NAMES);
  const timeoutMs = options.timeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const seen = new Map<CheckName, RecordedAnswer>();
  const secrets = new Set((options.secrets ?? []).filter((s) => s !== ''));

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const incoming = new URL(req.url ?? '/', 'http://proxy.invalid');
    const found = checkOfRequest(method, incoming.pathname);
    const check = found !== null && checks.has(found) ? found : null;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || name === 'host' || REQUEST_HOP_BY_HOP.has(name)) continue;
      for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
      if (name === 'x-api-key' || name === 'apikey') for (const one of [value].flat()) if (one !== '') secrets.add(one);
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
        if (!REQUEST_HOP_BY_HOP.has(name) && name !== 'set-cookie') out[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) out['set-cookie'] = cookies;
      res.writeHead(response.status, out);
      res.end(bytes);
      if (check !== null) {
        const list = [...secrets];
        const answer: RecordedAnswer = {
          check,
          kind: 'answer',
          latencyMs,
          status: response.status,
          headers: keptHeaders(response.headers, list),
          body: redact(new TextDecoder().decode(bytes), list),
        };
        seen.set(check, answer);
        options.onAnswer?.(answer);
      }
    } catch (error) {
      const latencyMs = performance.now() - started;
      if (check !== null) {
        const answer: RecordedAnswer = isTimeout(error)
          ? { check, kind: 'hang', latencyMs, error: `timed out after ${timeoutMs} ms` }
          : { check, kind: 'reset', latencyMs, error: redact(errorText(error), [...secrets]) };
        seen.set(check, answer);
        options.onAnswer?.(answer);
      }
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
    answers: () => CHECK_NAMES.filter((check) => seen.has(check)).map((check) => seen.get(check) as RecordedAnswer),
    close() {
      closed ??= new Promise<void>((resolvePromise) => {
        server.close(() => resolvePromise());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

export { CHECK_NAMES };
export type { CheckName };
