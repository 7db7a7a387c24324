// npm run bench: mock-hal side by side with a bare node:http server, a bare GraphQL
// Yoga server and WireMock, the mock's start-up and memory, and the harness's matrix
// and per-call cost. On demand only: numbers depend on the machine, so no test
// asserts them. `npm run bench -- --help` lists the options.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BARE_YOGA, type ComparisonRow, compare, type Goal, goals, MOCK_HAL, WIREMOCK } from './goals.ts';
import { type CallCost, hermeticCallCost, MATRIX, matrixWallTime } from './harness-bench.ts';
import {
  captureAnswers,
  ROUTES,
  type Route,
  rssBytes,
  selectRoutes,
  startBareTarget,
  startBareYogaTarget,
  startMockHalTarget,
  startWiremockTarget,
  type Target,
} from './http-targets.ts';
import { type LoadResult, measureAll, median, send } from './load.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const HELP = `Usage: npm run bench -- [options]

  --seconds N          measured seconds per cell (default 4), after a 1 s warm-up
  --rounds N           rounds per cell, the order of the targets flipping each round (default 2)
  --routes LIST        comma list of ${ROUTES.map((route) => route.key).join(',')} (default: all)
  --connections LIST   comma list of connection counts (default 1,16,64)
  --workers N          pass --workers N to mock-hal serve (default: pass nothing)
  --skip-wiremock      leave WireMock out
  --skip-harness       leave out the hermetic call and the reference matrix
  --skip-startup       leave out the start-up measurement
  --skip-memory        leave out the memory measurement
  --out FILE           where the results go (default bench/results.json)
`;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
    routes: { type: 'string' },
    connections: { type: 'string', default: '1,16,64' },
    workers: { type: 'string' },
    'skip-wiremock': { type: 'boolean', default: false },
    'skip-harness': { type: 'boolean', default: false },
    'skip-startup': { type: 'boolean', default: false },
    'skip-memory': { type: 'boolean', default: false },
    out: { type: 'string', default: `${ROOT}bench/results.json` },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\n\n${HELP}`);
  process.exit(2);
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) usage(`${flag} wants a whole number >= 1, got "${text}"`);
  return value;
}

const seconds = positiveInt(values.seconds, '--seconds');
const rounds = positiveInt(values.rounds, '--rounds');
const connectionCounts = values.connections.split(',').map((text) => positiveInt(text.trim(), '--connections'));
const workers = values.workers === undefined ? null : positiveInt(values.workers, '--workers');
// Absent, nothing is passed: the mock's own default stands, and trees without the flag still run.
const serveArgs = workers === null ? [] : ['--workers', String(workers)];
let routes: Route[];
try {
  routes = selectRoutes(values.routes);
} catch (error) {
  usage((error as Error).message);
}

function log(text: string): void {
  process.stderr.write(`${text}\n`);
}

async function startupMs(samples = 10): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const started = performance.now();
    const target = await startMockHalTarget({ serveArgs });
    times.push(performance.now() - started);
    await target.stop();
  }
  return Math.round(median(times));
}

interface MemorySample {
  requests: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  growthMb: number;
}

/**
 * The median of three fresh mocks: one reading lands anywhere on V8's saw-tooth between
 * full collections, and single readings of the same build spread over 40–70 MB here.
 */
async function memoryGrowth(runs = 3): Promise<MemorySample & { samplesMb: number[] }> {
  const samples: MemorySample[] = [];
  for (let run = 0; run < runs; run += 1) samples.push(await memoryGrowthOnce());
  const sorted = [...samples].sort((a, b) => a.growthMb - b.growthMb);
  return { ...(sorted[Math.floor(sorted.length / 2)] as MemorySample), samplesMb: samples.map((sample) => sample.growthMb) };
}

async function memoryGrowthOnce(requests = 200_000): Promise<MemorySample> {
  const target = await startMockHalTarget({ serveArgs });
  try {
    const route = ROUTES.find((candidate) => candidate.key === 'movie')!;
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

function loadComparison(targets: Target[]): Promise<LoadResult[]> {
  return measureAll(targets, { routes, connectionCounts, seconds, rounds }, log);
}

async function startTargets(wiremock: boolean): Promise<Target[]> {
  const started: Target[] = [];
  try {
    const mock = await startMockHalTarget({ serveArgs });
    started.push(mock);
    const answers = await captureAnswers(mock.url);
    started.push(await startBareTarget(answers));
    if (routes.some((route) => route.key === 'graphql')) started.push(await startBareYogaTarget());
    if (wiremock) started.push(await startWiremockTarget(answers));
    return started;
  } catch (error) {
    await Promise.all(started.map((target) => target.stop()));
    throw error;
  }
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

const fmt = (value: number | null) => (value === null ? '—' : String(value));

function loadTable(comparison: ComparisonRow[]): string {
  return table([
    [
      'route',
      'conns',
      `${MOCK_HAL} req/s`,
      'bare req/s',
      `${BARE_YOGA} req/s`,
      `${WIREMOCK} req/s`,
      'to bare',
      'to bare Yoga',
      `to ${WIREMOCK}`,
      'p50 ms',
      'p99 ms',
      `${WIREMOCK} p99 ms`,
    ],
    ...comparison.map((row) => [
      row.route,
      String(row.connections),
      fmt(row.mockHal),
      fmt(row.bare),
      fmt(row.bareYoga),
      fmt(row.wiremock),
      fmt(row.toBare),
      fmt(row.toBareYoga),
      fmt(row.toWiremock),
      fmt(row.p50Ms),
      fmt(row.p99Ms),
      fmt(row.wiremockP99Ms),
    ]),
  ]);
}

function goalsTable(met: Record<string, Goal>): string {
  const measured = (goal: Goal) => (goal.value === null ? '—' : goal.unit === '×' ? `${goal.value}×` : `${goal.value} ${goal.unit}`);
  return table([
    ['target', 'wanted', 'measured', 'met'],
    ...Object.values(met).map((goal) => [goal.label, goal.wanted, measured(goal), goal.met === null ? 'n/a' : goal.met ? 'yes' : 'NO']),
  ]);
}

async function main(): Promise<void> {
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version };
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const wiremock = !values['skip-wiremock'] && java.status === 0;
  if (!values['skip-wiremock'] && !wiremock) log('java not found: WireMock is left out (install openjdk-17-jre-headless)');

  let startup: number | null = null;
  if (!values['skip-startup']) {
    log('start-up…');
    startup = await startupMs();
  }
  let memory: Awaited<ReturnType<typeof memoryGrowth>> | null = null;
  if (!values['skip-memory']) {
    log('memory after 200k requests…');
    memory = await memoryGrowth();
  }

  log(`load (${routes.map((route) => route.key).join(',')} at ${connectionCounts.join(',')} connections)…`);
  const targets = await startTargets(wiremock);
  let loads: LoadResult[];
  try {
    loads = await loadComparison(targets);
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
  }
  const failing = loads.filter((row) => row.errors + row.non2xx > 0);
  for (const row of failing) log(`warning: ${row.target} ${row.route} c=${row.connections}: ${row.errors} errors, ${row.non2xx} non-2xx`);

  let matrix: Awaited<ReturnType<typeof matrixWallTime>> | null = null;
  let call: CallCost | null = null;
  if (!values['skip-harness']) {
    log('hermetic call cost…');
    call = await hermeticCallCost();
    log(`reference matrix (${MATRIX.flows.join(',')} × ${MATRIX.scenarios.join(',')})…`);
    matrix = await matrixWallTime();
  }

  const comparison = compare(loads, routes, connectionCounts);
  const targetsMet = goals({
    comparison,
    startupMs: startup,
    memoryGrowthMb: memory?.growthMb ?? null,
    hermeticCallMs: call?.medianMs ?? null,
    matrixMs: matrix?.ms ?? null,
  });

  const results = {
    date: new Date().toISOString(),
    machine,
    settings: { seconds, rounds, routes: routes.map((route) => route.key), connections: connectionCounts, workers, wiremock },
    startupMs: startup,
    memory,
    loads,
    comparison,
    call,
    matrix,
    targets: targetsMet,
  };
  writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);

  process.stdout.write(`\n${loadTable(comparison)}\n\n${goalsTable(targetsMet)}\n`);
  if (call) {
    process.stdout.write(`\nhermetic call breakdown (median of ${call.calls}): ${JSON.stringify(call.breakdown)}\n`);
  }
  if (matrix) process.stdout.write(`reference matrix: ${matrix.runs} runs in ${matrix.ms} ms (all checks held: ${matrix.ok})\n`);
  if (failing.length > 0) process.stdout.write(`\n${failing.length} load cells had errors or non-2xx answers: a target is misconfigured\n`);
  process.stdout.write(`\nresults: ${values.out}\n`);
}

await main();
