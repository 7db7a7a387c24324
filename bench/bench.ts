// npm run bench: mock-hal side by side with a bare node:http server and WireMock,
// the mock's start-up and memory, and the harness's matrix and per-call cost.
// On demand only: numbers depend on the machine, so no test asserts them.
//
//   npm run bench [-- --seconds 5 --rounds 2 --skip-wiremock --skip-harness]
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type CallCost, hermeticCallCost, MATRIX, matrixWallTime, median } from './harness-bench.ts';
import {
  captureAnswers,
  MOCK_HAL_NODE_FLAGS,
  ROUTES,
  rssBytes,
  startBareTarget,
  startMockHalTarget,
  startWiremockTarget,
  type Target,
} from './http-targets.ts';
import { type LoadResult, load, send } from './load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONNECTIONS = [1, 16, 64];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    'skip-wiremock': { type: 'boolean', default: false },
    'skip-harness': { type: 'boolean', default: false },
    out: { type: 'string', default: `${ROOT}bench/results.json` },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function startupMs(samples = 10): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const started = performance.now();
    const child = spawn(process.execPath, [...MOCK_HAL_NODE_FLAGS, `${ROOT}mock-hal/cli.ts`, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    times.push(performance.now() - started);
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  }
  return Math.round(median(times));
}

async function memoryGrowth(requests = 200_000): Promise<{ requests: number; rssBeforeMb: number; rssAfterMb: number; growthMb: number }> {
  const target = await startMockHalTarget();
  try {
    const route = ROUTES[1]!;
    await send(target, route, 5_000);
    const before = rssBytes(target.pid);
    await send(target, route, requests);
    const after = rssBytes(target.pid);
    const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
    return { requests, rssBeforeMb: mb(before), rssAfterMb: mb(after), growthMb: mb(after - before) };
  } finally {
    await target.stop();
  }
}

async function loadComparison(targets: Target[]): Promise<LoadResult[]> {
  const results: LoadResult[] = [];
  for (const route of ROUTES) {
    for (const connections of CONNECTIONS) {
      const byTarget = new Map<string, LoadResult[]>();
      for (let round = 0; round < rounds; round += 1) {
        // Alternate the order each round so drift (thermal, other work) hits every target alike.
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          await load(target, route, connections, 1); // warm-up
          const result = await load(target, route, connections, seconds);
          byTarget.set(target.name, [...(byTarget.get(target.name) ?? []), result]);
        }
      }
      for (const [name, samples] of byTarget) {
        const result: LoadResult = {
          target: name,
          route: route.name,
          connections,
          requestsPerSecond: Math.round(median(samples.map((sample) => sample.requestsPerSecond))),
          p50Ms: median(samples.map((sample) => sample.p50Ms)),
          p99Ms: median(samples.map((sample) => sample.p99Ms)),
          errors: samples.reduce((sum, sample) => sum + sample.errors, 0),
          non2xx: samples.reduce((sum, sample) => sum + sample.non2xx, 0),
        };
        results.push(result);
        log(
          `  ${route.name.padEnd(18)} c=${String(connections).padStart(2)}  ${name.padEnd(14)} ${String(result.requestsPerSecond).padStart(7)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms`,
        );
      }
    }
  }
  return results;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100;
}

async function main(): Promise<void> {
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version };
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const wiremock = !values['skip-wiremock'] && java.status === 0;
  if (!values['skip-wiremock'] && !wiremock) log('java not found: WireMock is left out (install openjdk-17-jre-headless)');

  log('start-up…');
  const startup = await startupMs();
  log('memory after 200k requests…');
  const memory = await memoryGrowth();

  log('load…');
  const mock = await startMockHalTarget();
  const answers = await captureAnswers(mock.url);
  const targets = [mock, await startBareTarget(answers), ...(wiremock ? [await startWiremockTarget(answers)] : [])];
  let loads: LoadResult[];
  try {
    loads = await loadComparison(targets);
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
  }

  let matrix: Awaited<ReturnType<typeof matrixWallTime>> | null = null;
  let call: CallCost | null = null;
  if (!values['skip-harness']) {
    log('hermetic call cost…');
    call = await hermeticCallCost();
    log(`reference matrix (${MATRIX.flows.join(',')} × ${MATRIX.scenarios.join(',')})…`);
    matrix = await matrixWallTime();
  }

  const find = (target: string, route: string, connections: number) =>
    loads.find((row) => row.target === target && row.route === route && row.connections === connections);
  const comparison = ROUTES.flatMap((route) =>
    CONNECTIONS.map((connections) => {
      const own = find('mock-hal', route.name, connections);
      const bare = find('bare node:http', route.name, connections);
      const wm = find('WireMock', route.name, connections);
      return {
        route: route.name,
        connections,
        mockHal: own?.requestsPerSecond ?? null,
        bare: bare?.requestsPerSecond ?? null,
        wiremock: wm?.requestsPerSecond ?? null,
        toBare: ratio(own?.requestsPerSecond, bare?.requestsPerSecond),
        toWiremock: ratio(own?.requestsPerSecond, wm?.requestsPerSecond),
        p50Ms: own?.p50Ms ?? null,
        p99Ms: own?.p99Ms ?? null,
      };
    }),
  );
  const health64 = comparison.find((row) => row.route === 'GET /health' && row.connections === 64);
  const graphql64 = comparison.find((row) => row.route === 'POST /graphql' && row.connections === 64);
  const worstP99 = Math.max(...comparison.filter((row) => row.connections === 64).map((row) => row.p99Ms ?? Number.POSITIVE_INFINITY));
  const targetsMet = {
    healthToBare: { value: health64?.toBare ?? null, target: '>= 0.6', met: (health64?.toBare ?? 0) >= 0.6 },
    healthToWiremock: { value: health64?.toWiremock ?? null, target: '>= 2', met: health64?.toWiremock == null ? null : health64.toWiremock >= 2 },
    graphqlToBare: { value: graphql64?.toBare ?? null, target: '>= 0.3', met: (graphql64?.toBare ?? 0) >= 0.3 },
    p99At64: { value: worstP99, target: '<= 15 ms', met: worstP99 <= 15 },
    startup: { value: startup, target: '<= 300 ms', met: startup <= 300 },
    memoryGrowth: { value: memory.growthMb, target: '<= 50 MB', met: memory.growthMb <= 50 },
    hermeticCall: { value: call?.medianMs ?? null, target: '<= 250 ms', met: call ? call.medianMs <= 250 : null },
    matrix: { value: matrix?.ms ?? null, target: '<= 30000 ms', met: matrix ? matrix.ms <= 30_000 : null },
  };

  const results = {
    date: new Date().toISOString(),
    machine,
    settings: { seconds, rounds },
    startupMs: startup,
    memory,
    loads,
    comparison,
    call,
    matrix,
    targets: targetsMet,
  };
  writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);

  const fmt = (value: number | null) => (value === null ? '—' : String(value));
  process.stdout.write(
    `\n${table([
      ['route', 'conns', 'mock-hal req/s', 'bare req/s', 'WireMock req/s', 'to bare', 'to WireMock', 'p50 ms', 'p99 ms'],
      ...comparison.map((row) => [
        row.route,
        String(row.connections),
        fmt(row.mockHal),
        fmt(row.bare),
        fmt(row.wiremock),
        fmt(row.toBare),
        fmt(row.toWiremock),
        fmt(row.p50Ms),
        fmt(row.p99Ms),
      ]),
    ])}\n\n${table([
      ['target', 'wanted', 'measured', 'met'],
      ...Object.entries(targetsMet).map(([name, entry]) => [
        name,
        entry.target,
        fmt(entry.value as number | null),
        entry.met === null ? 'n/a' : entry.met ? 'yes' : 'NO',
      ]),
    ])}\n`,
  );
  if (call) {
    process.stdout.write(`\nhermetic call breakdown (median of ${call.calls}): ${JSON.stringify(call.breakdown)}\n`);
  }
  if (matrix) process.stdout.write(`reference matrix: ${matrix.runs} runs in ${matrix.ms} ms (all checks held: ${matrix.ok})\n`);
  process.stdout.write(`\nresults: ${values.out}\n`);
}

await main();
