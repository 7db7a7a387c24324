// The three HTTP targets the load benchmark compares, each in its own process so
// none shares a core's event loop with the load generator: mock-hal, a bare
// node:http server answering the same bytes (Node's ceiling here), and WireMock.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type CheckName, smokeRequest } from '../common/hal-contract/index.ts';

export const BENCH_KEY = 'kvd_bench_key_0123456789';
export const MOCK_HAL_NODE_FLAGS = ['--max-semi-space-size=4'];
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// The smoke requests the guardrails send, as the HAL contract has them.
const benchRoute = (check: CheckName): Route => {
  const { method, path, body } = smokeRequest(check, BENCH_KEY);
  const headers: Record<string, string> =
    check === 'health' ? {} : { 'x-api-key': BENCH_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  return { name: `${method} ${path}`, method, path, headers, ...(body === undefined ? {} : { body }) };
};

export const ROUTES: Route[] = [benchRoute('health'), benchRoute('list_movies'), benchRoute('graphql_ping')];

export interface Target {
  name: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

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

export async function startMockHalTarget(): Promise<Target> {
  // The flags of the bin's shebang and the image's entrypoint: how users run it.
  const child = spawn(process.execPath, [...MOCK_HAL_NODE_FLAGS, `${ROOT}mock-hal/cli.ts`, 'serve', '--port', '0', '--api-key', BENCH_KEY], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await waitForLine(child, /^mock-hal listening on /, 'mock-hal');
  return { name: 'mock-hal', url: line.split(' ')[3] as string, pid: child.pid!, stop: stopper(child) };
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

function wiremockJar(): string {
  const dir = `${ROOT}node_modules/wiremock/build`;
  const jar = readdirSync(dir).find((file) => /^wiremock-standalone-.*\.jar$/.test(file));
  if (!jar) throw new Error(`no WireMock standalone jar in ${dir}; run npm ci`);
  return `${dir}/${jar}`;
}

/** WireMock with stubs equivalent to mock-hal's healthy answers (key checked, body matched). */
export async function startWiremockTarget(answers: Record<string, { contentType: string; body: string }>): Promise<Target> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn('java', ['-jar', wiremockJar(), '--port', String(port), '--bind-address', '127.0.0.1', '--disable-banner', '--no-request-journal'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitForLine(child, /port:|started|Listening/i, 'WireMock', 60_000).catch(async () => undefined);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      if ((await fetch(`${url}/__admin/health`)).ok) break;
    } catch {
      // Not up yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (const route of ROUTES) {
    const answer = answers[route.name]!;
    const request: Record<string, unknown> = { method: route.method, urlPath: route.path };
    if (route.headers['x-api-key']) request.headers = { 'X-Api-Key': { equalTo: BENCH_KEY } };
    if (route.body) request.bodyPatterns = [{ equalToJson: route.body }];
    const stub = { request, response: { status: 200, headers: { 'Content-Type': answer.contentType }, body: answer.body } };
    const created = await fetch(`${url}/__admin/mappings`, { method: 'POST', body: JSON.stringify(stub) });
    if (!created.ok) throw new Error(`WireMock refused the stub for ${route.name}: ${created.status}`);
  }
  return { name: 'WireMock', url, pid: child.pid!, stop: stopper(child) };
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

/** Resident memory of a process, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}
