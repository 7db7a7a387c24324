// `mock-hal proxy` as a user runs it: a real process in front of a mock-hal standing in
// for the real API, stopped by a real signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { NODE, run } from '../../support/mcp.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

const CLI = new URL('../../../mock-hal/cli/main.ts', import.meta.url).pathname;
const KEY = 'kvd_cli_proxy_key_5150';
const HIDDEN = 'kvd_hidden_by_flag_8080';

const mockHal = (...args: string[]) => run(NODE, [CLI, ...args], { env: { ...process.env, MOCK_HAL_CONTROL_TOKEN: '' } });

let api: MockHal;
/** Proxies still running: a test that failed half-way must not leave one serving. */
const running = new Set<ChildProcess>();
beforeAll(async () => {
  api = await startMockHal({ apiKey: KEY });
});
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await api?.close();
});
beforeEach(async () => {
  await api.clearRequests();
});

interface Running {
  child: ChildProcess;
  line: string;
  url: string;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

async function startProxy(...args: string[]): Promise<Running> {
  const child = spawn(NODE, [CLI, 'proxy', '--port', '0', '--target', api.url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const first = await Promise.race([createInterface({ input: child.stdout })[Symbol.asyncIterator]().next(), exited.then((code) => ({ exited: code }))]);
  if ('exited' in first) throw new Error(`mock-hal proxy exited ${first.exited} before it was ready: ${stderr}`);
  const line = first.value as string;
  return {
    child,
    line,
    url: /listening on (http:\/\/\S+) /.exec(line)?.[1] as string,
    stderr: () => stderr,
    stop: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

describe('mock-hal proxy', () => {
  it('prints one ready line, forwards everything under the default scenario, hides --api-key values, and exits 0 on SIGTERM', async () => {
    const proxy = await startProxy('--api-key', HIDDEN, '--api-key', 'kvd_second_hidden_value');
    try {
      const [, port, rest] = /^mock-hal proxy listening on http:\/\/127\.0\.0\.1:(\d+) (.*)$/.exec(proxy.line) ?? [];
      expect(Number(port)).toBeGreaterThan(0);
      expect(rest).toBe(`(target: ${api.url}, scenario: healthy)`);
      const movies = await fetch(smokeRequest('list_movies', proxy.url, KEY, { headers: { 'x-api-key': KEY, 'x-note': HIDDEN } }));
      expect(movies.status).toBe(200);
      // A wrong key reaches the API, which refuses it: the proxy does not judge keys.
      expect((await fetch(smokeRequest('list_movies', proxy.url, 'kvd_wrong_key_000'))).status).toBe(401);
      expect((await fetch(`${proxy.url}/not/a/smoke/path?q=kvd_second_hidden_value`)).status).toBe(404);
      expect((await api.requests()).map((entry) => [entry.path, entry.status])).toEqual([
        ['/api/v3/movie', 200],
        ['/api/v3/movie', 401],
        ['/not/a/smoke/path', 404],
      ]);
      const journal = await (await fetch(`${proxy.url}/__mock/requests`)).text();
      expect(JSON.parse(journal).requests).toHaveLength(3);
      for (const secret of [KEY, HIDDEN, 'kvd_second_hidden_value', 'kvd_wrong_key_000']) expect(journal).not.toContain(secret);
    } finally {
      const code = await proxy.stop('SIGTERM');
      expect(code, proxy.stderr()).toBe(0);
    }
    await expect(fetch(`${proxy.url}/health`)).rejects.toThrow();
  });

  it('answers what --scenario names itself, applies the limit flags, and exits 0 on SIGINT', async () => {
    const proxy = await startProxy('--scenario', 'degraded', '--max-body-bytes', '16');
    try {
      expect(proxy.line).toMatch(/\(target: \S+, scenario: degraded\)$/);
      expect((await fetch(`${proxy.url}/health`)).status).toBe(503);
      const tooLarge = await fetch(`${proxy.url}/upload`, { method: 'POST', body: 'x'.repeat(17) });
      expect(tooLarge.status).toBe(413);
      expect((await fetch(`${proxy.url}/upload`, { method: 'POST', body: 'x'.repeat(16) })).status).toBe(404);
      expect((await api.requests()).map((entry) => [entry.method, entry.path, entry.body])).toEqual([['POST', '/upload', 'x'.repeat(16)]]);
    } finally {
      const code = await proxy.stop('SIGINT');
      expect(code, proxy.stderr()).toBe(0);
    }
  });

  it.each([
    [['--target', 'not-a-url'], /--target "not-a-url" is not a URL/],
    [['--target', 'ftp://example.com'], /--target must be an http:\/\/ or https:\/\/ URL/],
    [['--target', 'http://user:secret@127.0.0.1:1'], /--target must not carry a user name or password/],
    [['--target', 'http://127.0.0.1:1/?x=1'], /--target is a base URL: leave out the query/],
    [[], /proxy needs --target URL/],
    [['--target', 'http://127.0.0.1:1', '--workers', '2'], /Unknown option '--workers'/],
    [['--target', 'http://127.0.0.1:1', '--taget', 'x'], /Unknown option '--taget'; did you mean --target\?/],
    [['--target', 'http://127.0.0.1:1', '--port', 'abc'], /--port must be a whole number/],
    [['--target', 'http://127.0.0.1:1', '--api-key', ''], /--api-key cannot be empty/],
    [['--target', 'http://127.0.0.1:1', '--max-body-bytes', '0'], /--max-body-bytes must be a whole number >= 1/],
    [['--target', 'http://127.0.0.1:1', '--scenario', 'no-such'], /no scenario "no-such"/],
  ])('%j exits 2 with a message that says what is wrong', async (args, message) => {
    const result = await mockHal('proxy', '--port', '0', ...args);
    expect(result.code, result.stdout).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toMatch(/listening/);
    expect(result.stderr).not.toContain('secret@');
  });

  it('has --help, and the command list names it', async () => {
    const help = await mockHal('proxy', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mock-hal proxy --target URL/);
    expect(help.stdout).toMatch(/default scenario, healthy,\s+names no endpoint, so everything is forwarded/);
    expect(help.stdout).not.toMatch(/--workers/);
    const top = await mockHal('--help');
    expect(top.stdout).toMatch(/mock-hal proxy --target URL/);
  });
});
