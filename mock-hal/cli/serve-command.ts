// `mock-hal serve`: the mock on a port until SIGINT or SIGTERM. commands.ts dispatches to it.
import { type Io, parseCommandLine, UsageError, waitForStopSignal } from '../../common/cli/index.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR } from '../scenario/scenario-store.ts';
import { DEFAULT_API_KEY } from '../server/auth.ts';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from '../server/limits.ts';
import { isLoopback, startMockHal } from '../server/server.ts';
import { portOption, positiveInt } from './options.ts';

export const SERVE_HELP = `Usage: mock-hal serve [options]

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
      ...Object.fromEntries(LIMIT_FLAGS.map(({ flag }) => [flag.slice(2), { type: 'string' as const }])),
    },
  });
  const port = portOption(values.port);
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
  const stopped = waitForStopSignal();
  io.stdout(`mock-hal listening on http://${shownHost}:${mock.port} (scenario: ${mock.scenario().name})\n`);
  await stopped;
  await mock.close();
  return 0;
}
