// `mock-hal serve`: the mock on a port until SIGINT or SIGTERM. commands.ts dispatches to it.
import { availableParallelism } from 'node:os';
import { type Io, parseCommandLine, UsageError, waitForStopSignal } from '../../common/cli/index.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR } from '../scenario/scenario-store.ts';
import { DEFAULT_API_KEY } from '../server/auth.ts';
import { DEFAULT_LIMITS, LIMIT_FLAGS, type Limits } from '../server/limits.ts';
import { isLoopback, startMockHal, toScenario } from '../server/server.ts';
import type { WorkerOptions } from '../server/workers/protocol.ts';
import { portOption, positiveInt } from './options.ts';

/** The limit flags' help, for every command that takes them. */
export const LIMITS_HELP = `Limits (each a whole number):
${LIMIT_FLAGS.map(({ key, flag, what }) => `  ${`${flag} N`.padEnd(30)}${what} (default ${DEFAULT_LIMITS[key]})`).join('\n')}`;

/** The limit flags as parseArgs options; limitsOption reads them back. */
export const LIMIT_OPTIONS = Object.fromEntries(LIMIT_FLAGS.map(({ flag }) => [flag.slice(2), { type: 'string' as const }]));

export function limitsOption(values: Record<string, unknown>): Partial<Limits> {
  return Object.fromEntries(LIMIT_FLAGS.map(({ key, flag }) => [key, positiveInt(values[flag.slice(2)] as string | undefined, flag, 1)]));
}

export const SERVE_HELP = `Usage: mock-hal serve [options]

  --host HOST           address to bind (default 127.0.0.1)
  --port PORT           port to listen on; 0 picks a free one (default 7878)
  --scenario NAME|FILE  bundled scenario name or a scenario file (default ${DEFAULT_SCENARIO}, or $MOCK_HAL_SCENARIO)
  --scenarios-dir DIR   where scenario names are looked up (default: the bundled scenarios/)
  --api-key KEY         the key the API accepts (default ${DEFAULT_API_KEY}, or $MOCK_HAL_API_KEY)
  --control-token TOKEN token the control API requires (or $MOCK_HAL_CONTROL_TOKEN); needed for
                        remote control when bound to a non-loopback address
  --workers N|auto      processes serving the port (default 1); auto is one per CPU. With more
                        than one, they share one scenario state and one journal: a scenario
                        switch reaches every worker before the control call answers

${LIMITS_HELP}

Prints one line when ready: mock-hal listening on http://HOST:PORT (scenario: NAME)
Example: mock-hal serve --port 0 --scenario degraded
`;

export async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, {
    help: SERVE_HELP,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7878' },
      scenario: { type: 'string', default: process.env.MOCK_HAL_SCENARIO || DEFAULT_SCENARIO },
      'scenarios-dir': { type: 'string', default: DEFAULT_SCENARIOS_DIR },
      'api-key': { type: 'string' },
      'control-token': { type: 'string' },
      workers: { type: 'string', default: '1' },
      ...LIMIT_OPTIONS,
    },
  });
  const port = portOption(values.port);
  const apiKey = values['api-key'] ?? process.env.MOCK_HAL_API_KEY ?? DEFAULT_API_KEY;
  if (apiKey === '') throw new UsageError('--api-key cannot be empty');
  const controlToken = values['control-token'] ?? (process.env.MOCK_HAL_CONTROL_TOKEN || undefined);
  const workers = workersOption(values.workers);
  const limits = limitsOption(values);
  const server = { host: values.host, port, scenariosDir: values['scenarios-dir'], apiKey, controlToken, limits, startedAt: Date.now() };
  if (workers > 1) return serveWorkers(workers, values.scenario, server, io);
  const mock = await startMockHal({ ...server, scenario: values.scenario });
  warnIfRemote(values.host, controlToken, io);
  return runUntilStopped(readyLine(values.host, mock.port, mock.scenario().name), () => mock.close(), io);
}

/** Prints the ready line, runs until SIGINT or SIGTERM, then closes: exit 0. */
export async function runUntilStopped(line: string, close: () => Promise<void>, io: Io): Promise<number> {
  // Handlers first: a signal sent the moment the ready line appears must still stop cleanly.
  const stopped = waitForStopSignal();
  io.stdout(line);
  await stopped;
  await close();
  return 0;
}

/** The most --workers accepts: more processes than this is a typo, not a plan. */
const MAX_WORKERS = 256;

/** --workers: a whole number from 1, or auto for one per CPU. */
export function workersOption(value: string): number {
  if (value === 'auto') return availableParallelism();
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new UsageError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, or auto (one per CPU, ${availableParallelism()} here), got "${value}"`);
  }
  return Number(value);
}

/** The address a ready line shows: the host as bound (an IPv6 one in brackets) and the port. */
export function listeningUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The line the harness and the container wait for: keep it byte-identical. */
function readyLine(host: string, port: number, scenario: string): string {
  return `mock-hal listening on ${listeningUrl(host, port)} (scenario: ${scenario})\n`;
}

export function warnIfRemote(host: string, controlToken: string | undefined, io: Io): void {
  if (!isLoopback(host) && controlToken === undefined) {
    io.stderr('mock-hal: bound to a non-loopback address without --control-token: the control API answers loopback clients only\n');
  }
}

/** Several processes on one port: ready once all listen; a worker that dies stops them all (exit 1). */
async function serveWorkers(workers: number, scenarioRef: string, server: WorkerOptions, io: Io): Promise<number> {
  // Loaded only here, so the single-process path does not load node:cluster.
  const { startWorkerPool } = await import('../server/workers/primary.ts');
  // Resolved once, here: every worker starts from the same scenario and the same clock.
  const scenario = toScenario(scenarioRef, server.scenariosDir);
  const pool = await startWorkerPool({ workers, scenario, options: server });
  warnIfRemote(server.host, server.controlToken, io);
  const stopped = waitForStopSignal();
  io.stdout(readyLine(server.host, pool.port, scenario.name));
  const failure = await Promise.race([stopped.then(() => undefined), pool.failure]);
  if (failure !== undefined) io.stderr(`mock-hal: ${failure}\n`);
  await pool.stop();
  return failure === undefined ? 0 : 1;
}
