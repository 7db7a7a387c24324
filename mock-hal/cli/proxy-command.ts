// `mock-hal proxy`: the mock in front of a real API, answering where the scenario names a
// fault and forwarding the rest, until SIGINT or SIGTERM. commands.ts dispatches to it.
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { RecordError } from '../record/recorded-answer.ts';
import { joinTarget, parseTarget } from '../record/target.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR } from '../scenario/scenario-store.ts';
import { DEFAULT_API_KEY_HEADERS } from '../server/auth.ts';
import { startMockHal } from '../server/server.ts';
import { portOption } from './options.ts';
import { LIMIT_OPTIONS, LIMITS_HELP, limitsOption, listeningUrl, runUntilStopped, warnIfRemote } from './serve-command.ts';

export const PROXY_HELP = `Usage: mock-hal proxy --target URL [options]

Runs mock-hal in front of a real API. Each endpoint the scenario names answers as the
scenario says (status, delay, hang, reset, malformed, flaky...) without reaching the
API; every other request, smoke check or not, is forwarded to --target and its answer
sent back as the API gave it (hop-by-hop headers aside). The default scenario, ${DEFAULT_SCENARIO},
names no endpoint, so everything is forwarded until you start with another scenario or
switch (PUT /__mock/scenario). The API checks the keys: each key a client sends in a
${DEFAULT_API_KEY_HEADERS.join(' or ')} header, or a query parameter of that name, is hidden in the
journal (GET /__mock/requests).

  --target URL          the API's base URL, e.g. https://kavedarr.internal:7878
  --scenario NAME|FILE  bundled scenario name or a scenario file (default ${DEFAULT_SCENARIO}: forward everything)
  --scenarios-dir DIR   where scenario names are looked up (default: the bundled scenarios/)
  --host HOST           address to bind (default 127.0.0.1)
  --port PORT           port to listen on; 0 picks a free one (default 7878)
  --control-token TOKEN token the control API requires (or $MOCK_HAL_CONTROL_TOKEN); needed for
                        remote control when bound to a non-loopback address
  --api-key KEY         a value to hide in the journal wherever it appears (repeatable), for
                        keys clients send elsewhere, such as in a body

${LIMITS_HELP}

Prints one line when ready: mock-hal proxy listening on http://HOST:PORT (target: URL, scenario: NAME)
Example: mock-hal proxy --port 7879 --target http://127.0.0.1:7878 --scenario flaky
`;

export async function proxyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, {
    help: PROXY_HELP,
    options: {
      target: { type: 'string' },
      scenario: { type: 'string', default: DEFAULT_SCENARIO },
      'scenarios-dir': { type: 'string', default: DEFAULT_SCENARIOS_DIR },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7878' },
      'control-token': { type: 'string' },
      'api-key': { type: 'string', multiple: true, default: [] },
      ...LIMIT_OPTIONS,
    },
  });
  if (values.target === undefined) throw new UsageError('proxy needs --target URL, the base URL of the API to forward to');
  const target = targetOption(values.target);
  const port = portOption(values.port);
  const secrets = values['api-key'];
  if (secrets.includes('')) throw new UsageError('--api-key cannot be empty');
  const controlToken = values['control-token'] ?? (process.env.MOCK_HAL_CONTROL_TOKEN || undefined);
  const mock = await startMockHal({
    target: target.href,
    scenario: values.scenario,
    scenariosDir: values['scenarios-dir'],
    host: values.host,
    port,
    controlToken,
    secrets,
    limits: limitsOption(values),
  });
  warnIfRemote(values.host, controlToken, io);
  const line = `mock-hal proxy listening on ${listeningUrl(values.host, mock.port)} (target: ${joinTarget(target, '')}, scenario: ${mock.scenario().name})\n`;
  return runUntilStopped(line, () => mock.close(), io);
}

/** --target as a usage error, so a bad one points to --help like any other bad flag. */
function targetOption(value: string): URL {
  // The proxy sends no credentials of its own: it passes on what each client sends.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url !== undefined && (url.username !== '' || url.password !== '')) {
    throw new UsageError('--target must not carry a user name or password; clients send their own key through the proxy');
  }
  try {
    return parseTarget(value);
  } catch (error) {
    if (error instanceof RecordError) throw new UsageError(error.message);
    throw error;
  }
}
