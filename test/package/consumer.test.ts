// The kit as a user gets it: `npm pack` (prepack builds dist/), the tarball installed
// into a fresh project, then its bins, its entry points and its types used from there,
// under the pinned Node 24 and without a single .ts file from this checkout.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const NODE_DIR = path.dirname(process.execPath);
const API_KEY = 'kvd_consumer_test_key';

/** The environment of a user's shell: Node 24 first, and none of the outer `npm test`'s own settings. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // npm_package_*, npm_lifecycle_* and the prefixes describe this checkout, not the temp project.
    if (/^npm_(?!config_)|^npm_config_(local_prefix|prefix|global_prefix)$/i.test(name)) continue;
    if (name === 'INIT_CWD' || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  env.PATH = [NODE_DIR, process.env.PATH ?? ''].join(path.delimiter);
  return env;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { out: () => stdout, err: () => stderr };
}

/** Runs a command to its end (the `close` event: exited and every stream drained). */
async function run(command: string, args: readonly string[], cwd: string): Promise<Finished> {
  const child = spawn(command, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout: output.out(), stderr: output.err() };
}

function describeRun(label: string, result: Finished): string {
  return `${label}: exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}

let workDir = '';
let project = '';
let tarball = '';
let tarEntries: string[] = [];
const timings: Record<string, number> = {};

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    timings[label] = Math.round(performance.now() - started);
  }
}

interface Serving {
  child: ChildProcess;
  url: string;
  closed: Promise<[number | null, NodeJS.Signals | null]>;
  stderr: () => string;
}

const READY_LINE = /^mock-hal listening on (http:\/\/127\.0\.0\.1:\d+) \(scenario: healthy\)$/m;

/** Starts `mock-hal serve` in its own process group and resolves on its ready line (an output event, not a clock). */
async function startServe(command: string, args: readonly string[]): Promise<Serving> {
  const child = spawn(command, args, { cwd: project, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const output = collect(child);
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const started = performance.now();
  try {
    for (;;) {
      const found = READY_LINE.exec(output.out());
      if (found) {
        timings[`ready: ${path.basename(command)}`] = Math.round(performance.now() - started);
        return { child, url: found[1]!, closed, stderr: output.err };
      }
      const event = await Promise.race([once(child.stdout!, 'data').then(() => 'data' as const), closed.then(() => 'closed' as const)]);
      if (event === 'closed' && !READY_LINE.test(output.out())) {
        throw new Error(`${command} ${args.join(' ')} ended before its ready line\n--- stdout\n${output.out()}\n--- stderr\n${output.err()}`);
      }
    }
  } catch (error) {
    if (processGroupAlive(child.pid!)) process.kill(-child.pid!, 'SIGKILL');
    throw error;
  }
}

/** Whether any process of the group led by `pid` is still running. */
function processGroupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function expectHealthy(url: string): Promise<void> {
  const health = await fetch(`${url}/health`, { headers: { 'x-api-key': API_KEY } });
  await health.arrayBuffer();
  expect(health.status).toBe(200);
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'guardrail-testkit-consumer-'));
  const packDir = path.join(workDir, 'pack');
  project = path.join(workDir, 'project');
  await mkdir(packDir);
  await mkdir(project);

  const packed = await timed('pack', () => run('npm', ['pack', '--pack-destination', packDir], ROOT));
  if (packed.code !== 0) throw new Error(describeRun('npm pack', packed));
  const tarballs = (await readdir(packDir)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${packDir}: ${tarballs.join(', ')}`);
  tarball = path.join(packDir, tarballs[0]!);

  const listed = await run('tar', ['-tzf', tarball], workDir);
  if (listed.code !== 0) throw new Error(describeRun('tar -tzf', listed));
  tarEntries = listed.stdout.split('\n').filter((line) => line !== '');

  await writeFile(path.join(project, 'package.json'), `${JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2)}\n`);
  const installed = await timed('install', () => run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, '@types/node'], project));
  if (installed.code !== 0) throw new Error(describeRun('npm install', installed));
}, 600_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
  console.log(`consumer test timings (ms): ${JSON.stringify(timings)}`);
});

describe('the packed tarball', () => {
  it('carries the build, the data and the licence, and no tests or TypeScript sources', () => {
    const files = tarEntries.map((entry) => entry.replace(/^package\//, ''));
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((file) => file.startsWith('test/') || file.includes('/test/'))).toEqual([]);
    expect(files.filter((file) => /\.[cm]?ts$/.test(file) && !/\.d\.[cm]?ts$/.test(file))).toEqual([]);
    // A dev-only command (needs test fixtures) and the benches stay out of the build.
    expect(files.filter((file) => /^(dist\/)?(bench|ci|harness\/conformance|dist\/harness\/conformance)\//.test(file))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'LICENSE',
        'README.md',
        'dist/mock-hal/cli/main.js',
        'dist/harness/cli/main.js',
        'dist/mock-hal/index.js',
        'dist/mock-hal/index.d.ts',
        'dist/mock-hal/msw/msw-handlers.js',
        'dist/mock-hal/container/container.js',
        'dist/harness/index.js',
        'dist/harness/index.d.ts',
        'scenarios/healthy.json',
        'scenarios/scenario.schema.json',
        'harness/reference-guardrails/scripts/spec_ops_004/common.sh',
      ]),
    );
  });
});

describe('installed into a fresh project', () => {
  it('links both bins to executable dist files that keep their shebang', () => {
    for (const [bin, target] of [
      ['mock-hal', 'dist/mock-hal/cli/main.js'],
      ['guardrail-harness', 'dist/harness/cli/main.js'],
    ] as const) {
      const real = realpathSync(path.join(project, 'node_modules', '.bin', bin));
      expect(real).toBe(realpathSync(path.join(project, 'node_modules', 'guardrail-testkit', target)));
      expect(statSync(real).mode & 0o111, `${bin} is executable`).not.toBe(0);
      expect(readFileSync(real, 'utf8').split('\n')[0]).toMatch(/^#!\/usr\/bin\/env (-S )?node\b/);
    }
  });

  it('`npx mock-hal serve --port 0` prints its ready line, serves, and stops with its process group on SIGTERM', async () => {
    // Its own process group, as a terminal's job: SIGTERM reaches npx and the mock it started.
    const serve = await startServe('npx', ['mock-hal', 'serve', '--port', '0', '--api-key', API_KEY]);
    try {
      await expectHealthy(serve.url);
      process.kill(-serve.child.pid!, 'SIGTERM');
      const [code, signal] = await serve.closed;
      // npm re-raises the signal it was stopped by; a mock that crashed on the way out would print.
      expect(code === 0 || signal === 'SIGTERM', `npx ended with code ${code}, signal ${signal}`).toBe(true);
      expect(serve.stderr()).toBe('');
      // Nothing of the job is left (no orphaned mock), and nothing answers on its port.
      await expect.poll(() => processGroupAlive(serve.child.pid!)).toBe(false);
      await expect(fetch(`${serve.url}/health`, { headers: { 'x-api-key': API_KEY } })).rejects.toThrow();
    } finally {
      if (processGroupAlive(serve.child.pid!)) process.kill(-serve.child.pid!, 'SIGKILL');
    }
  }, 60_000);

  it('the installed mock-hal bin, run directly, exits 0 on SIGTERM', async () => {
    const serve = await startServe(path.join(project, 'node_modules', '.bin', 'mock-hal'), ['serve', '--port', '0', '--api-key', API_KEY]);
    try {
      await expectHealthy(serve.url);
      serve.child.kill('SIGTERM');
      const [code, signal] = await serve.closed;
      expect({ code, signal, stderr: serve.stderr() }).toEqual({ code: 0, signal: null, stderr: '' });
      await expect(fetch(`${serve.url}/health`, { headers: { 'x-api-key': API_KEY } })).rejects.toThrow();
    } finally {
      if (processGroupAlive(serve.child.pid!)) process.kill(-serve.child.pid!, 'SIGKILL');
    }
  }, 60_000);

  it('`npx guardrail-harness run` passes the bundled reference guardrails and writes its evidence under cwd', async () => {
    const result = await timed('harness run', () => run('npx', ['guardrail-harness', 'run'], project));
    expect(result.code, describeRun('guardrail-harness run', result)).toBe(0);
    expect(result.stdout).toMatch(/^PASSED: SPEC-KIT-018, 4 runs, 0 failed$/m);
    const specDir = path.join(project, 'evidence-bundles', 'SPEC-KIT-018');
    const bundles = readdirSync(specDir);
    expect(bundles).toHaveLength(1);
    const report = JSON.parse(readFileSync(path.join(specDir, bundles[0]!, 'report.json'), 'utf8')) as { ok: boolean; runs: unknown[] };
    expect({ ok: report.ok, runs: report.runs.length }).toEqual({ ok: true, runs: 4 });
  }, 300_000);

  it('a plain .mjs file imports every entry point and starts and stops a mock', async () => {
    const script = path.join(project, 'consumer.mjs');
    await writeFile(
      script,
      `import { startMockHal } from 'guardrail-testkit';
import * as root from 'guardrail-testkit';
import * as msw from 'guardrail-testkit/msw';
import * as harness from 'guardrail-testkit/harness';
import * as container from 'guardrail-testkit/container';
import { existsSync } from 'node:fs';

const mock = await startMockHal({ apiKey: ${JSON.stringify(API_KEY)} });
const health = await fetch(mock.url + '/health', { headers: { 'x-api-key': ${JSON.stringify(API_KEY)} } });
await health.arrayBuffer();
const journal = await mock.requests();
await mock.close();
console.log(JSON.stringify({
  status: health.status,
  journal: journal.length,
  root: typeof root.startMockHal,
  msw: typeof msw.createMockHalHandlers,
  harness: [typeof harness.runHarness, typeof harness.detectGaps, typeof harness.mergeReports, typeof harness.writeReports],
  referenceGuardrails: existsSync(harness.REFERENCE_GUARDRAILS_DIR + '/scripts/spec_ops_004/common.sh'),
  container: typeof container.startMockHalContainer,
}));
`,
    );
    const result = await timed('mjs', () => run(process.execPath, [script], project));
    expect(result.code, describeRun('node consumer.mjs', result)).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      status: 200,
      journal: 1,
      root: 'function',
      msw: 'function',
      harness: ['function', 'function', 'function', 'function'],
      referenceGuardrails: true,
      container: 'function',
    });
  }, 60_000);

  it('a TypeScript file using startMockHal and createMockHalHandlers type-checks under nodenext, strict, without skipLibCheck', async () => {
    expect(existsSync(TSC)).toBe(true);
    await writeFile(
      path.join(project, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'es2024',
            module: 'nodenext',
            moduleResolution: 'nodenext',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['consumer.ts'],
        },
        null,
        2,
      )}\n`,
    );
    await writeFile(
      path.join(project, 'consumer.ts'),
      `import { startMockHal, type MockHal, type Scenario } from 'guardrail-testkit';
import { createMockHalHandlers, type MockHalHandlers } from 'guardrail-testkit/msw';
import { runHarness, type HarnessReport } from 'guardrail-testkit/harness';
import type { MockHalContainer } from 'guardrail-testkit/container';

const mock: MockHal = await startMockHal({ scenario: 'degraded', apiKey: 'kvd_test' });
const scenario: Scenario = mock.scenario();
const hal: MockHalHandlers = createMockHalHandlers({ baseUrl: mock.url, scenario: scenario.name });
hal.setScenario('healthy');
const report: Promise<HarnessReport> | undefined = process.env.RUN ? runHarness({ flows: ['validate'] }) : undefined;
const handle: Pick<MockHalContainer, 'close'> = mock;
// The types are real, not any: each wrong use below must be an error.
// @ts-expect-error port is a number
const port: string = mock.port;
// @ts-expect-error no such scenario option
createMockHalHandlers({ scenarioName: 'healthy' });
console.log(port, hal.handlers.length, report, handle);
await mock.close();
`,
    );
    const result = await timed('tsc', () => run(TSC, ['-p', 'tsconfig.json'], project));
    expect(result.code, describeRun('tsc', result)).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  }, 120_000);
});
