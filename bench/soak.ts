#!/usr/bin/env node
// Soak test for mock-hal (on demand, not part of the test suite):
//
//   npm run soak                      # 10 minutes
//   npm run soak -- --minutes 30
//   npm run soak -- --seconds 60      # a quick run
//
// Starts `mock-hal serve` as a child process, keeps 64 keep-alive connections busy
// with the four smoke requests, and switches the scenario every second through the
// control API (a failure-window phase held now and then). It counts
//   crashes   the mock process died, or refused connections;
//   outside   answers the active scenario does not give for that check (a request
//             is judged against every scenario active while it was in flight, so a
//             switch mid-request is not counted);
//   memory    the mock's RSS, sampled every 5 s: start, max, end.
// Exit status: 0 when there were no crashes and no answers outside the behaviour.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CHECK_NAMES, LIST_MOVIES_HAL_QUERY, smokeRequest } from '../common/hal-contract/index.ts';
import type { Behaviour, CheckName, Scenario } from '../mock-hal/index.ts';
import { listScenarios } from '../mock-hal/index.ts';
import { MOCK_HAL_NODE_FLAGS } from './http-targets.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'kvd_soak_key_2f8b71';
const CLIENT_TIMEOUT_MS = 1_500;
const SWITCH_EVERY_MS = 1_000;
const SAMPLE_EVERY_MS = 5_000;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '64' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write('Usage: node bench/soak.ts [--minutes N (default 10) | --seconds N] [--connections N (default 64)]\n');
  process.exit(0);
}
function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`soak: ${flag} must be a positive number, got "${text}"\n`);
    process.exit(2);
  }
  return value;
}
const durationMs = values.seconds !== undefined ? positive(values.seconds, '--seconds') * 1000 : positive(values.minutes ?? '10', '--minutes') * 60_000;
const connections = Math.round(positive(values.connections, '--connections'));

// --- what each scenario (phase) answers, per check ------------------------------------------

type Outcome = number | 'reset' | 'timeout';

function outcomes(behaviour: Behaviour | undefined): Outcome[] {
  if (!behaviour) return [200];
  switch (behaviour.type) {
    case 'ok':
      return [200];
    case 'graphql-errors':
      return [behaviour.status ?? 200];
    case 'status':
    case 'raw':
      return [behaviour.status];
    case 'empty':
    case 'malformed':
      return [behaviour.status ?? 200];
    case 'hang':
      return ['timeout'];
    case 'reset':
      return ['reset'];
    case 'delay':
      return behaviour.ms + (behaviour.jitter ?? 0) >= CLIENT_TIMEOUT_MS ? ['timeout'] : [...outcomes(behaviour.then), 'timeout'];
    // Any branch may answer; the soak only asks that every answer is one of them.
    case 'flaky':
      return [...outcomes(behaviour.fail), ...outcomes(behaviour.otherwise)];
    case 'sequence':
      return [...behaviour.steps.flatMap((step) => outcomes(step)), ...(behaviour.then ? outcomes(behaviour.then) : [])];
    case 'forward':
      return [502];
  }
}

interface Selection {
  scenario: Scenario;
  phase: number;
  label: string;
}

// Every bundled scenario, each phase of a timeline on its own.
const selections: Selection[] = listScenarios().scenarios.flatMap((scenario) =>
  scenario.phases.map((_phase, index) => ({ scenario, phase: index, label: scenario.phases.length > 1 ? `${scenario.name}#${index}` : scenario.name })),
);
const allowedOf = (selection: Selection, check: CheckName): Outcome[] => outcomes(selection.scenario.phases[selection.phase]!.endpoints[check]);

// The smoke requests as the HAL contract has them; list_movies with the paging a tool call carries.
const CHECKS: { check: CheckName; method: string; path: string; body?: string }[] = CHECK_NAMES.map((check) => {
  const { method, path, body } = smokeRequest(check, null);
  const query = check === 'list_movies' ? `?${new URLSearchParams(Object.entries(LIST_MOVIES_HAL_QUERY).map(([k, v]) => [k, String(v)]))}` : '';
  return { check, method, path: `${path}${query}`, ...(body === undefined ? {} : { body }) };
});

// --- the mock, as a child process ------------------------------------------------------------------

// The flags of the bin's shebang and the image's entrypoint: how users run the mock.
const child = spawn(process.execPath, [...MOCK_HAL_NODE_FLAGS, join(ROOT, 'mock-hal', 'cli', 'main.ts'), 'serve', '--port', '0', '--api-key', KEY], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
});
let crashed: string | null = null;
child.once('exit', (code, signal) => {
  crashed ??= `mock-hal exited (${signal ?? `code ${code}`})`;
});
const port = await new Promise<number>((resolve, reject) => {
  let seen = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
    const match = /listening on http:\/\/[^:]+:(\d+)/.exec(seen);
    if (match) resolve(Number(match[1]));
  });
  child.once('exit', () => reject(new Error(`mock-hal did not start: ${seen}`)));
});

function rssMiB(): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

// --- load ---------------------------------------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: connections });

function send(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ outcome: Outcome; error?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(error === undefined ? { outcome } : { outcome, error });
    };
    const req = request(
      { host: '127.0.0.1', port, method, path, agent, headers: { 'x-api-key': KEY, apikey: KEY, 'content-type': 'application/json', ...headers } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', (error: NodeJS.ErrnoException) => done('reset', error.code));
      },
    );
    const timer = setTimeout(() => {
      done('timeout');
      req.destroy();
    }, CLIENT_TIMEOUT_MS);
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') crashed ??= 'connection refused: the mock is gone';
      done('reset', error.code);
    });
    req.end(body);
  });
}

// The active selection over time: [from, selection], `from` being when its PUT was sent.
const timeline: { from: number; selection: Selection }[] = [];
function activeDuring(start: number, end: number): Selection[] {
  const found: Selection[] = [];
  for (let index = 0; index < timeline.length; index++) {
    const from = timeline[index]!.from;
    const until = timeline[index + 1]?.from ?? Infinity;
    // A switch takes effect somewhere between its PUT being sent and answered: count both sides.
    if (from <= end && until + 250 >= start) found.push(timeline[index]!.selection);
  }
  return found;
}

let switchNo = 0;
async function switchScenario(): Promise<void> {
  // A fixed rotation, not random: every run covers every scenario and phase alike.
  const selection = selections[switchNo++ % selections.length]!;
  const query = selection.scenario.phases.length > 1 ? `?phase=${selection.phase}&hold=true` : '';
  timeline.push({ from: performance.now(), selection });
  const { outcome } = await send('PUT', `/__mock/scenario${query}`, JSON.stringify({ name: selection.scenario.name }));
  if (outcome !== 200) crashed ??= `PUT /__mock/scenario answered ${outcome}`;
}

const counts = new Map<string, number>();
const outside: string[] = [];
let requests = 0;
let outsideCount = 0;
const started = performance.now();
const deadline = started + durationMs;
await switchScenario();

async function lane(seed: number): Promise<void> {
  for (let n = seed; performance.now() < deadline && crashed === null; n++) {
    const { check, method, path, body } = CHECKS[n % CHECKS.length]!;
    const start = performance.now();
    const { outcome, error } = await send(method, path, body);
    const end = performance.now();
    requests++;
    counts.set(String(outcome), (counts.get(String(outcome)) ?? 0) + 1);
    const candidates = activeDuring(start, end);
    if (!candidates.some((selection) => allowedOf(selection, check).includes(outcome))) {
      outsideCount++;
      if (outside.length < 10) {
        outside.push(
          `${check} got ${outcome}${error ? ` (${error})` : ''} while ${candidates.map((s) => s.label).join('/')} allowed ${candidates.map((s) => allowedOf(s, check).join('|')).join(' / ')}`,
        );
      }
    }
  }
}

const samples: number[] = [];
const sample = () => {
  const rss = rssMiB();
  if (rss !== null) samples.push(rss);
};
sample();
const switcher = setInterval(() => void switchScenario(), SWITCH_EVERY_MS);
const sampler = setInterval(sample, SAMPLE_EVERY_MS);
const progress = setInterval(() => {
  const elapsed = Math.round((performance.now() - started) / 1000);
  process.stderr.write(`soak: ${elapsed} s, ${requests} requests, ${outsideCount} outside, RSS ${samples.at(-1)?.toFixed(1) ?? '?'} MiB\n`);
}, 30_000);
await Promise.all(Array.from({ length: connections }, (_, index) => lane(index)));
clearInterval(switcher);
clearInterval(sampler);
clearInterval(progress);
sample();

// The mock must still answer after the load.
const after = crashed === null ? await send('GET', '/health') : { outcome: 'reset' as Outcome };
const stillServing = after.outcome === 200 || after.outcome === 503 || after.outcome === 'timeout' || after.outcome === 'reset';
const seconds = (performance.now() - started) / 1000;
agent.destroy();
child.kill('SIGTERM');

const mib = (value: number | undefined) => (value === undefined ? '?' : `${value.toFixed(1)} MiB`);
const lines = [
  `soak: ${seconds.toFixed(0)} s, ${connections} connections, ${switchNo} scenario switches (every ${SWITCH_EVERY_MS} ms over ${selections.length} scenarios/phases)`,
  `requests: ${requests} (${(requests / seconds).toFixed(0)}/s); answers: ${[...counts]
    .sort()
    .map(([key, value]) => `${key} ${value}`)
    .join(', ')}`,
  `crashes: ${crashed === null ? 0 : 1}${crashed === null ? '' : ` (${crashed})`}`,
  `answers outside the scenario's behaviour: ${outsideCount}`,
  ...outside.map((line) => `  - ${line}`),
  `memory (RSS of mock-hal, every ${SAMPLE_EVERY_MS / 1000} s): start ${mib(samples[0])}, max ${mib(Math.max(...samples))}, end ${mib(samples.at(-1))} (${samples.length} samples)`,
  `  samples (MiB): ${samples.map((value) => value.toFixed(0)).join(' ')}`,
  `after the load: GET /health answered ${after.outcome}${stillServing ? '' : ' (not serving)'}`,
];
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(crashed === null && outsideCount === 0 ? 0 : 1);
