// The HTTP targets the load benchmark compares, each in its own process so none
// shares a core's event loop with the load generator: mock-hal, a bare node:http
// server answering the same bytes (Node's ceiling here), a bare GraphQL Yoga server
// with the mock's schema (Yoga's ceiling), and WireMock.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type CheckName, smokeRequest } from '../common/hal-contract/index.ts';

export const BENCH_KEY = 'kvd_bench_key_0123456789';
export const MOCK_HAL_NODE_FLAGS = ['--max-semi-space-size=4'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Route {
  /** The short name --routes takes. */
  key: RouteKey;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type RouteKey = 'health' | 'movie' | 'graphql';

// The smoke requests the guardrails send, as the HAL contract has them.
const benchRoute = (key: RouteKey, check: CheckName): Route => {
  const { method, path, body } = smokeRequest(check, BENCH_KEY);
  const headers: Record<string, string> =
    check === 'health' ? {} : { 'x-api-key': BENCH_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  return { key, name: `${method} ${path}`, method, path, headers, ...(body === undefined ? {} : { body }) };
};

export const ROUTES: Route[] = [benchRoute('health', 'health'), benchRoute('movie', 'list_movies'), benchRoute('graphql', 'graphql_ping')];

/** The routes named in a comma list such as "health,graphql"; every route when the list is absent. */
export function selectRoutes(list: string | undefined): Route[] {
  if (list === undefined) return ROUTES;
  const keys = list.split(',').map((key) => key.trim());
  const unknown = keys.filter((key) => !ROUTES.some((route) => route.key === key));
  if (unknown.length > 0) throw new Error(`unknown route ${unknown.join(', ')}: use ${ROUTES.map((route) => route.key).join(', ')}`);
  return ROUTES.filter((route) => keys.includes(route.key));
}

export interface Target {
  name: string;
  url: string;
  pid: number;
  /** The routes it answers, when not all: the others are left out, not counted as errors. */
  serves?: RouteKey[];
  /** Seconds of untimed load it needs before its figures settle, when more than 2 s per route. */
  warmUpSeconds?: number;
  stop(): Promise<void>;
}

export const serves = (target: Target, route: Route): boolean => target.serves === undefined || target.serves.includes(route.key);

function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!pattern.test(line)) return;
      clearTimeout(timer);
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready`)));
  });
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** The CLI entry of the tree at `root`; older trees (an A/B base) had it at mock-hal/cli.ts. */
export function mockHalCli(root = ROOT): string {
  const current = join(root, 'mock-hal', 'cli', 'main.ts');
  const old = join(root, 'mock-hal', 'cli.ts');
  return existsSync(current) || !existsSync(old) ? current : old;
}

export interface MockHalTargetOptions {
  /** The source tree to run it from (default: this checkout). */
  root?: string;
  name?: string;
  /** Extra `serve` arguments, such as --workers N. */
  serveArgs?: string[];
}

export async function startMockHalTarget(options: MockHalTargetOptions = {}): Promise<Target> {
  const root = options.root ?? ROOT;
  // The flags of the bin's shebang and the image's entrypoint: how users run it.
  const args = [...MOCK_HAL_NODE_FLAGS, mockHalCli(root), 'serve', '--port', '0', '--api-key', BENCH_KEY, ...(options.serveArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const name = options.name ?? 'mock-hal';
  const line = await waitForLine(child, /^mock-hal listening on /, name);
  return { name, url: line.split(' ')[3] as string, pid: child.pid!, stop: stopper(child) };
}

/** Serves exactly the bytes mock-hal answered for each route, with nothing else to do. */
export async function startBareTarget(answers: Record<string, { contentType: string; body: string }>): Promise<Target> {
  const child = spawn(process.execPath, [`${ROOT}bench/bare-server.ts`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_ANSWERS: JSON.stringify(answers) },
  });
  const line = await waitForLine(child, /^bare listening on /, 'bare server');
  return { name: 'bare node:http', url: line.split(' ')[3] as string, pid: child.pid!, stop: stopper(child) };
}

/** GraphQL Yoga alone, with the mock's schema: it answers POST /graphql only. */
export async function startBareYogaTarget(): Promise<Target> {
  const child = spawn(process.execPath, [`${ROOT}bench/bare-yoga-server.ts`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await waitForLine(child, /^bare-yoga listening on /, 'bare Yoga server');
  return { name: 'bare Yoga', url: line.split(' ')[3] as string, pid: child.pid!, serves: ['graphql'], stop: stopper(child) };
}

function wiremockJar(): string {
  const dir = `${ROOT}node_modules/wiremock/build`;
  const jar = readdirSync(dir).find((file) => /^wiremock-standalone-.*\.jar$/.test(file));
  if (!jar) throw new Error(`no WireMock standalone jar in ${dir}; run npm ci`);
  return `${dir}/${jar}`;
}

/** WireMock with stubs equivalent to mock-hal's healthy answers (key checked, body matched). */
export async function startWiremockTarget(answers: Record<string, { contentType: string; body: string }>): Promise<Target> {
  // Port 0 and the port WireMock reports: a guessed free port can collide with another server.
  const child = spawn('java', ['-jar', wiremockJar(), '--port', '0', '--bind-address', '127.0.0.1', '--disable-banner', '--no-request-journal'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = stopper(child);
  try {
    const line = await waitForLine(child, /^port:\s+\d+/, 'WireMock', 60_000);
    const url = `http://127.0.0.1:${/\d+/.exec(line)![0]}`;
    for (const route of ROUTES) {
      const answer = answers[route.name]!;
      const request: Record<string, unknown> = { method: route.method, urlPath: route.path };
      if (route.headers['x-api-key']) request.headers = { 'X-Api-Key': { equalTo: BENCH_KEY } };
      if (route.body) request.bodyPatterns = [{ equalToJson: route.body }];
      const stub = { request, response: { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body } };
      // A fresh connection per stub: a busy machine can stall long enough for Jetty to drop an idle keep-alive one.
      const created = await fetch(`${url}/__admin/mappings`, { method: 'POST', body: JSON.stringify(stub), headers: { connection: 'close' } });
      if (!created.ok) throw new Error(`WireMock refused the stub for ${route.name}: ${created.status}`);
    }
    // Measured here: from a cold start, WireMock's /health climbs from 2k to a steady ~30k req/s over 10-15 s of load (the JVM's JIT).
    return { name: 'WireMock', url, pid: child.pid!, warmUpSeconds: 20, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** What mock-hal answers for each route, so the other targets can send the same bytes. */
export async function captureAnswers(mockUrl: string): Promise<Record<string, { contentType: string; body: string }>> {
  const answers: Record<string, { contentType: string; body: string }> = {};
  for (const route of ROUTES) {
    const response = await fetch(`${mockUrl}${route.path}`, { method: route.method, headers: route.headers, body: route.body });
    answers[route.name] = { contentType: response.headers.get('content-type') ?? 'application/json', body: await response.text() };
  }
  return answers;
}

function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/**
 * Resident memory of a process and its descendants, from /proc (Linux): with
 * `--workers`, the mock's answers may come from child processes, whose growth counts too.
 */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const own = match ? Number(match[1]) * 1024 : Number.NaN;
  return childPids(pid).reduce((sum, child) => {
    try {
      return sum + rssBytes(child);
    } catch {
      return sum; // It exited between the listing and the read.
    }
  }, own);
}
