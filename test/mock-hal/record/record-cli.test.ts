// `mock-hal record` as a user runs it: a real process against a second mock-hal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../../common/hal-contract/routes.ts';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { closedPort } from '../../support/mcp.ts';
import { smokeRequest } from '../../support/smoke-requests.ts';

const CLI = new URL('../../../mock-hal/cli/main.ts', import.meta.url).pathname;
const KEY = 'kvd_cli_record_key';

/** Runs the CLI without blocking this process, which hosts the stand-in API. */
function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HAL_SECRET_KAVEDARR_API_KEY: '' },
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

let dir: string;
let real: MockHal;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'record-cli-'));
  real = await startMockHal({ scenario: 'degraded', apiKey: KEY });
});
afterAll(async () => {
  await real.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mock-hal record (smoke requests)', () => {
  it('records, refuses to overwrite, overwrites with --force, and the file replays', async () => {
    const out = join(dir, 'Outage Today.json');
    const first = await run('record', '--target', real.url, '--out', out, '--api-key', KEY);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^health\s+503 in \d+ ms {2}→ fails: HTTP 503$/m);
    expect(first.stdout).toContain(`wrote ${out} (scenario "outage-today", expects failed: health, list_movies, indexer_test, graphql_ping)`);
    const before = await readFile(out, 'utf8');
    expect(before).not.toContain(KEY);

    const again = await run('record', '--target', real.url, '--out', out, '--api-key', KEY);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    expect(await readFile(out, 'utf8')).toBe(before);

    const forced = await run('record', '--target', real.url, '--out', out, '--api-key', KEY, '--force', '--name', 'renamed', '--checks', 'health');
    expect(forced.code, forced.stderr).toBe(0);
    const scenario = JSON.parse(await readFile(out, 'utf8')) as { name: string; endpoints: Record<string, unknown>; expect: unknown };
    expect(scenario.name).toBe('renamed');
    expect(Object.keys(scenario.endpoints)).toEqual(['health']);
    expect(scenario.expect).toEqual({ status: 'failed', failedChecks: ['health'] });

    expect((await run('check', out)).code).toBe(0);
    const replay = await startMockHal({ scenario: out, apiKey: KEY });
    try {
      const [want, got] = await Promise.all([fetch(`${real.url}/health`), fetch(`${replay.url}/health`)]);
      expect(got.status).toBe(want.status);
      expect(got.headers.get('content-type')).toBe(want.headers.get('content-type'));
      expect(await got.text()).toBe(await want.text());
    } finally {
      await replay.close();
    }
  });

  it('--samples 6 against a flaky API writes sequences and a worst-case expectation', async () => {
    const flaky = await startMockHal({ scenario: 'flaky', apiKey: KEY });
    try {
      const out = join(dir, 'flaky-samples.json');
      const result = await run('record', '--target', flaky.url, '--out', out, '--api-key', KEY, '--samples', '6', '--checks', 'list_movies,indexer_test');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^3\/6 {2}list_movies\s+reset after \d+ ms .* {2}→ fails: connection failed/m);
      expect(result.stdout).toMatch(/^6\/6 {2}indexer_test\s+200 in \d+ ms$/m);
      expect(result.stdout).toContain('expects failed: list_movies)');
      expect(result.stdout).toContain('list_movies answered differently from one request to the next');
      const scenario = JSON.parse(await readFile(out, 'utf8')) as { endpoints: Record<string, { type: string; steps?: { then: { type: string } }[] }> };
      expect(scenario.endpoints.list_movies?.steps?.map((step) => step.then.type)).toEqual(['raw', 'raw', 'reset', 'raw', 'raw', 'reset']);
      expect(scenario.endpoints.indexer_test?.type).toBe('delay');
      expect((await run('check', out)).code).toBe(0);
    } finally {
      await flaky.close();
    }
  });

  it('records an unreachable target as reset', async () => {
    const out = join(dir, 'down.json');
    const result = await run('record', '--target', `http://127.0.0.1:${await closedPort()}`, '--out', out, '--api-key', KEY);
    expect(result.code, result.stderr).toBe(0);
    const scenario = JSON.parse(await readFile(out, 'utf8')) as { endpoints: Record<string, { type: string; then: { type: string } }>; expect: unknown };
    for (const check of CHECK_NAMES) expect(scenario.endpoints[check]?.then.type).toBe('reset');
    expect(scenario.expect).toEqual({ status: 'failed', failedChecks: [...CHECK_NAMES] });
  });

  it.each([
    [['record', '--target', 'not-a-url', '--out', 'x.json'], /--target "not-a-url" is not a URL/],
    [['record', '--target', 'ftp://example.com', '--out', 'x.json'], /http:\/\/ or https:\/\//],
    [['record', '--out', 'x.json'], /record needs --target URL/],
    [['record', '--target', 'http://127.0.0.1:1'], /record needs --out FILE/],
    [['record', '--target', 'http://127.0.0.1:1', '--out', 'x.json', '--checks', 'health,nope'], /unknown check nope/],
    [['record', '--target', 'http://127.0.0.1:1', '--out', 'x.json', '--name', 'Not OK'], /is not a scenario name/],
    [['record', '--target', 'http://127.0.0.1:1', '--out', 'x.json', '--timeout', '0'], /--timeout must be a whole number >= 1/],
    [['record', '--target', 'http://127.0.0.1:1', '--out', 'x.json', '--samples', '0'], /--samples must be a whole number >= 1/],
    [['record', '--target', 'http://127.0.0.1:1', '--out', 'x.json', '--samples', '1001'], /--samples must be at most 1000/],
    [['record', '--proxy', '--target', 'http://127.0.0.1:1', '--out', 'x.json', '--samples', '2'], /--samples is for the smoke requests/],
  ])('%j exits 2 with a message', async (args, message) => {
    const result = await run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync('x.json')).toBe(false);
  });

  it('has help', async () => {
    const result = await run('record', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: mock-hal record --target URL --out FILE/);
    expect(result.stdout).toMatch(/--samples N .*\n.*\(default 1, at most 1000\)/);
    expect(result.stdout).toMatch(/the last 1000 per endpoint; older ones are dropped/);
    expect((await run('--help')).stdout).toMatch(/mock-hal record --target URL --out FILE/);
  });
});

describe('mock-hal record --proxy', () => {
  async function startProxy(out: string, extra: string[] = []) {
    const child = spawn(process.execPath, [CLI, 'record', '--proxy', '--port', '0', '--target', real.url, '--out', out, ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const stdout: string[] = [];
    const ready = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => {
        stdout.push(line);
        if (line.includes('proxy listening on')) resolve(line);
      });
      child.once('exit', (code) => reject(new Error(`proxy exited ${code}: ${stderr}`)));
    });
    const url = /listening on (http:\/\/\S+),/.exec(ready)?.[1] as string;
    const stop = async (signal: NodeJS.Signals) => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code, sig) => resolve(code ?? (sig as unknown as number))));
      child.kill(signal);
      return { code: await exited, stdout: stdout.join('\n'), stderr };
    };
    return { url, stop };
  }

  it('forwards live traffic and, on SIGTERM, writes every answer seen per endpoint, in order', async () => {
    const out = join(dir, 'proxied.json');
    const proxy = await startProxy(out, ['--api-key', KEY]);
    // First a healthy answer, then the degraded one: health replays both, in turn.
    await real.setScenario('healthy');
    const healthy = await fetch(smokeRequest('health', proxy.url, KEY));
    expect(healthy.status).toBe(200);
    const healthyBody = await healthy.text();
    await real.setScenario('degraded');
    for (const check of CHECK_NAMES) {
      const [viaProxy, direct] = await Promise.all([fetch(smokeRequest(check, proxy.url, KEY)), fetch(smokeRequest(check, real.url, KEY))]);
      expect(viaProxy.status).toBe(direct.status);
      expect(await viaProxy.text()).toBe(await direct.text());
    }
    // Traffic that is not a smoke check is forwarded but not recorded.
    expect((await fetch(`${proxy.url}/__mock/ready`)).status).toBe(200);
    const stopped = await proxy.stop('SIGTERM');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`wrote ${out}`);
    expect(stopped.stdout).toContain('health answered differently from one request to the next: replayed in turn; the expectation is the worst case');

    const text = await readFile(out, 'utf8');
    expect(text).not.toContain(KEY);
    const replay = await startMockHal({ scenario: out, apiKey: KEY });
    try {
      const first = await fetch(smokeRequest('health', replay.url, KEY));
      expect([first.status, await first.text()]).toEqual([200, healthyBody]);
      // Then the degraded answers, health's second step included; health then starts over.
      for (const check of CHECK_NAMES) {
        const [want, got] = await Promise.all([fetch(smokeRequest(check, real.url, KEY)), fetch(smokeRequest(check, replay.url, KEY))]);
        expect(got.status).toBe(want.status);
        expect(got.headers.get('content-type')).toBe(want.headers.get('content-type'));
        expect(Buffer.from(await got.arrayBuffer()).equals(Buffer.from(await want.arrayBuffer()))).toBe(true);
      }
      expect((await fetch(smokeRequest('health', replay.url, KEY))).status).toBe(200);
      expect(replay.scenario().phases[0]?.endpoints.health?.type).toBe('sequence');
      expect(replay.scenario().phases[0]?.endpoints.list_movies?.type).toBe('delay');
      expect(replay.scenario().phases[0]?.expect).toEqual({ status: 'failed', failedChecks: [...CHECK_NAMES] });
      expect(replay.scenario().description).toMatch(/as a proxy/);
      expect(replay.scenario().description).toMatch(/health 2 answers, replayed in turn \(200 ×1, 503 ×1\)/);
    } finally {
      await replay.close();
    }
  });

  it('writes nothing when no smoke request went through', async () => {
    const out = join(dir, 'idle.json');
    const proxy = await startProxy(out);
    const stopped = await proxy.stop('SIGINT');
    expect(stopped.code, JSON.stringify(stopped)).toBe(1);
    expect(stopped.stderr).toMatch(/no smoke request went through the proxy/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an existing --out before it starts', async () => {
    const out = join(dir, 'taken.json');
    await writeFile(out, '{}');
    const result = await run('record', '--proxy', '--port', '0', '--target', real.url, '--out', out);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/already exists/);
  });
});
