// The mock-hal commands: serve, scenarios, check, schema, record. cli.ts runs them.
import { parseArgs } from 'node:util';
import { isParseArgsError } from '../../common/cli/parse-args-error.ts';
import { DEFAULT_API_KEY } from '../server/auth.ts';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../server/limits.ts';
import {
  DEFAULT_RECORD_TIMEOUT_MS,
  RecordError,
  assertWritable,
  buildRecordedScenario,
  checkScenarioName,
  failureReason,
  parseTarget,
  recordSmoke,
  scenarioNameFromFile,
  startRecordingProxy,
  writeScenarioFile,
  type RecordedAnswer,
} from '../record/record.ts';
import { CHECK_NAMES, ScenarioError, isTimeline, scenarioJsonSchema, type CheckName } from '../scenario/scenario-model.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR, listScenarios, loadScenarioFile } from '../scenario/scenario-store.ts';
import { isLoopback, startMockHal } from '../server/server.ts';

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const HELP = `mock-hal: a stand-in for the API behind HAL, answering from scenarios

Usage:
  mock-hal serve [options]     run the mock until SIGINT or SIGTERM
  mock-hal scenarios [--scenarios-dir DIR]
                               list scenarios with a one-line description
  mock-hal check FILE...       validate scenario files; names each bad field
  mock-hal schema              print the scenario JSON Schema
  mock-hal record --target URL --out FILE [options]
                               record a real API's smoke answers into a scenario
  mock-hal <command> --help    help for one command
`;

const SERVE_HELP = `Usage: mock-hal serve [options]

  --host HOST           address to bind (default 127.0.0.1)
  --port PORT           port to listen on; 0 picks a free one (default 7878)
  --scenario NAME|FILE  bundled scenario name or a scenario file (default ${DEFAULT_SCENARIO}, or $MOCK_HAL_SCENARIO)
  --scenarios-dir DIR   where scenario names are looked up (default: the bundled scenarios/)
  --api-key KEY         the key the API accepts (default ${DEFAULT_API_KEY}, or $MOCK_HAL_API_KEY)
  --control-token TOKEN token the control API requires (or $MOCK_HAL_CONTROL_TOKEN); needed for
                        remote control when bound to a non-loopback address

Limits (each a whole number):
${LIMIT_FLAGS.map(({ key, flag, what }) => `  ${`${flag} N`.padEnd(30)}${what} (default ${DEFAULT_LIMITS[key]})`).join('\n')}

Prints one line when ready: mock-hal listening on http://HOST:PORT (scenario: NAME)
Example: mock-hal serve --port 0 --scenario degraded
`;

const RECORD_HELP = `Usage: mock-hal record --target URL --out FILE [options]

Sends the four HAL smoke requests to a real API (or, with --proxy, forwards live
traffic to it) and writes a scenario that replays each answer: status, headers
(no hop-by-hop, length, date, cookie or secret headers), body text and latency.
A network failure is recorded as "reset", no answer within --timeout as "hang".
The expectation is derived: a check fails on a network failure or timeout, a
non-2xx status, or an empty or non-JSON body; graphql_ping also fails when the
body is not a GraphQL response. A 200 GraphQL response with errors (such as
FORBIDDEN) passes, as the guardrails count it.

  --target URL          the API's base URL, e.g. https://kavedarr.internal:7878
  --out FILE            scenario file to write (refused if it exists, unless --force)
  --api-key KEY         key sent in X-Api-Key and apikey (default $HAL_SECRET_KAVEDARR_API_KEY);
                        never written: headers that carry it are dropped, bodies get [REDACTED]
  --checks LIST         comma list of ${CHECK_NAMES.join(', ')} (default all four)
  --name NAME           scenario name (default: from the --out file name)
  --timeout SECONDS     how long to wait for an answer before recording "hang" (default ${DEFAULT_RECORD_TIMEOUT_MS / 1000})
  --force               overwrite --out if it exists
  --proxy               run a recording reverse proxy instead; on SIGINT or SIGTERM it writes
                        the scenario from the last answer seen per endpoint
  --host HOST           --proxy: address to bind (default 127.0.0.1)
  --port PORT           --proxy: port to listen on; 0 picks a free one (default 7878)

Replay: mock-hal serve --scenario FILE
Example: mock-hal record --target http://127.0.0.1:8080 --out scenarios/outage-today.json
`;

class UsageError extends Error {}

function positiveInt(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 2 ** 31) {
    throw new UsageError(`${flag} must be a whole number >= ${min}, got "${value}"`);
  }
  return Number(value);
}

async function serveCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7878' },
      scenario: { type: 'string', default: process.env.MOCK_HAL_SCENARIO || DEFAULT_SCENARIO },
      'scenarios-dir': { type: 'string', default: DEFAULT_SCENARIOS_DIR },
      'api-key': { type: 'string' },
      'control-token': { type: 'string' },
      ...Object.fromEntries(LIMIT_FLAGS.map(({ flag }) => [flag.slice(2), { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(SERVE_HELP);
    return 0;
  }
  const port = positiveInt(values.port, '--port', 0) as number;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const apiKey = values['api-key'] ?? process.env.MOCK_HAL_API_KEY ?? DEFAULT_API_KEY;
  if (apiKey === '') throw new UsageError('--api-key cannot be empty');
  const controlToken = values['control-token'] ?? (process.env.MOCK_HAL_CONTROL_TOKEN || undefined);
  const mock = await startMockHal({
    host: values.host,
    port,
    scenario: values.scenario,
    scenariosDir: values['scenarios-dir'],
    apiKey,
    controlToken,
    limits: Object.fromEntries(
      LIMIT_FLAGS.map(({ key, flag }) => [key, positiveInt((values as Record<string, unknown>)[flag.slice(2)] as string | undefined, flag, 1)]),
    ),
  });
  if (!isLoopback(values.host) && controlToken === undefined) {
    io.stderr('mock-hal: bound to a non-loopback address without --control-token: the control API answers loopback clients only\n');
  }
  const shownHost = values.host.includes(':') ? `[${values.host}]` : values.host;
  // Handlers first: a signal sent the moment the ready line appears must still stop cleanly.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void mock.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout(`mock-hal listening on http://${shownHost}:${mock.port} (scenario: ${mock.scenario().name})\n`);
  await stopped;
  return 0;
}

function recordedLine(answer: RecordedAnswer): string {
  const ms = `${Math.round(answer.latencyMs)} ms`;
  const what =
    answer.kind === 'answer' ? `${answer.status} in ${ms}` : answer.kind === 'reset' ? `reset after ${ms} (${answer.error})` : `hang (${answer.error})`;
  const reason = failureReason(answer);
  return `${answer.check.padEnd(12)}  ${what}${reason === null ? '' : `  → fails: ${reason}`}\n`;
}

async function recordCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      out: { type: 'string' },
      'api-key': { type: 'string' },
      checks: { type: 'string' },
      name: { type: 'string' },
      timeout: { type: 'string', default: String(DEFAULT_RECORD_TIMEOUT_MS / 1000) },
      force: { type: 'boolean', default: false },
      proxy: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7878' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(RECORD_HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.target === undefined) throw new UsageError('record needs --target URL, the base URL of the API to record');
  if (values.out === undefined) throw new UsageError('record needs --out FILE, the scenario file to write');
  const target = parseTarget(values.target);
  const out = values.out;
  const name = values.name === undefined ? scenarioNameFromFile(out) : checkScenarioName(values.name);
  let checks: CheckName[] = [...CHECK_NAMES];
  if (values.checks !== undefined) {
    checks = values.checks.split(',').map((item) => item.trim()).filter(Boolean) as CheckName[];
    const unknown = checks.filter((check) => !(CHECK_NAMES as readonly string[]).includes(check));
    if (unknown.length > 0) throw new UsageError(`--checks: unknown check ${unknown.join(', ')}; use ${CHECK_NAMES.join(', ')}`);
    if (checks.length === 0) throw new UsageError('--checks needs at least one check');
  }
  const timeoutMs = (positiveInt(values.timeout, '--timeout', 1) as number) * 1000;
  const apiKey = values['api-key'] ?? (process.env.HAL_SECRET_KAVEDARR_API_KEY || undefined);
  if (!values.proxy && apiKey === undefined) {
    io.stderr('mock-hal record: no --api-key (nor $HAL_SECRET_KAVEDARR_API_KEY): the authenticated checks go without a key\n');
  }
  // Fail before touching the network rather than after.
  await assertWritable(out, values.force);

  const finish = async (answers: RecordedAnswer[], mode: 'smoke' | 'proxy'): Promise<number> => {
    const scenario = buildRecordedScenario(answers, { name, target, mode });
    await writeScenarioFile(out, scenario, values.force);
    const expect = scenario.expect as { status: string; failedChecks?: string[] };
    const failed = expect.failedChecks ?? [];
    io.stdout(
      `wrote ${out} (scenario "${name}", expects ${expect.status}${failed.length > 0 ? `: ${failed.join(', ')}` : ''})\n` +
        `replay it: mock-hal serve --scenario ${out}\n`,
    );
    return 0;
  };

  if (!values.proxy) {
    const answers = await recordSmoke({ target: values.target, apiKey, checks, timeoutMs });
    for (const answer of answers) io.stdout(recordedLine(answer));
    return finish(answers, 'smoke');
  }

  const port = positiveInt(values.port, '--port', 0) as number;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const proxy = await startRecordingProxy({
    target: values.target,
    host: values.host,
    port,
    checks,
    secrets: apiKey === undefined ? [] : [apiKey],
    timeoutMs,
    onAnswer: (answer) => io.stdout(recordedLine(answer)),
  });
  // Listen for the signals before saying we are ready, so a signal right after the line is not fatal.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.stdout(`mock-hal record: proxy listening on ${proxy.url}, forwarding to ${values.target}; SIGINT or SIGTERM writes ${out}\n`);
  await stopped;
  await proxy.close();
  const answers = proxy.answers();
  if (answers.length === 0) {
    io.stderr(`mock-hal record: no smoke request went through the proxy, so nothing was written to ${out}\n`);
    return 1;
  }
  return finish(answers, 'proxy');
}

function scenariosCommand(args: string[], io: Io): number {
  const { values } = parseArgs({
    args,
    options: { 'scenarios-dir': { type: 'string', default: DEFAULT_SCENARIOS_DIR }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout('Usage: mock-hal scenarios [--scenarios-dir DIR]\n\nLists every scenario in the folder with its description and expectation.\n');
    return 0;
  }
  const { scenarios, errors } = listScenarios(values['scenarios-dir']);
  const width = Math.max(0, ...scenarios.map((scenario) => scenario.name.length));
  for (const scenario of scenarios) {
    const expectation = isTimeline(scenario)
      ? `timeline: ${scenario.phases.map((phase) => `${phase.name}=${phase.expect.status}`).join(' → ')}`
      : `expects ${scenario.phases[0]?.expect.status}`;
    io.stdout(`${scenario.name.padEnd(width)}  ${scenario.description} [${expectation}]\n`);
  }
  for (const error of errors) io.stderr(`${error.message}\n`);
  return errors.length > 0 ? 1 : 0;
}

function checkCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.stdout('Usage: mock-hal check FILE...\n\nValidates scenario files against the scenario model; prints each bad field.\n');
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('check needs at least one scenario file: mock-hal check scenarios/degraded.json');
  let failures = 0;
  for (const file of positionals) {
    try {
      const scenario = loadScenarioFile(file);
      io.stdout(`${file}: ok (scenario "${scenario.name}", ${scenario.phases.length} phase${scenario.phases.length === 1 ? '' : 's'})\n`);
    } catch (error) {
      failures += 1;
      io.stderr(`${(error as Error).message}\n`);
    }
  }
  return failures > 0 ? 1 : 0;
}

export async function mockHalMain(argv: string[], io: Io = processIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, io);
      case 'scenarios':
        return scenariosCommand(rest, io);
      case 'check':
        return checkCommand(rest, io);
      case 'record':
        return await recordCommand(rest, io);
      case 'schema':
        io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"; run mock-hal --help`);
    }
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof RecordError) {
      io.stderr(`mock-hal: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`mock-hal: ${(error as Error).message}\nRun mock-hal ${command ?? ''} --help for usage.\n`);
      return 2;
    }
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      io.stderr(`mock-hal: cannot listen (${code}): ${(error as Error).message}; pick another --port or --host\n`);
      return 2;
    }
    throw error;
  }
}
