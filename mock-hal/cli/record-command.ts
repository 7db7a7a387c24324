// `mock-hal record`: a real API's smoke answers, or live traffic through a proxy, written
// as a scenario. commands.ts dispatches to it; the recording itself is in ../record/.
import { type Io, parseCommandLine, UsageError, waitForStopSignal } from '../../common/cli/index.ts';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import {
  assertWritable,
  type BuildScenarioOptions,
  buildRecordedScenario,
  checkScenarioName,
  DEFAULT_RECORD_TIMEOUT_MS,
  failureReason,
  MAX_ANSWERS_PER_ENDPOINT,
  parseTarget,
  type RecordedAnswer,
  recordSmoke,
  scenarioNameFromFile,
  startRecordingProxy,
  writeScenarioFile,
} from '../record/record.ts';
import type { Behaviour } from '../scenario/scenario-model.ts';
import { portOption, positiveInt } from './options.ts';

export const RECORD_HELP = `Usage: mock-hal record --target URL --out FILE [options]

Sends the four HAL smoke requests to a real API (or, with --proxy, forwards live
traffic to it) and writes a scenario that replays each answer: status, headers
(no hop-by-hop, length, date, cookie or secret headers), body text and latency.
A network failure is recorded as "reset", no answer within --timeout as "hang".
An endpoint whose answers are all alike (the same status and verdict; bodies may
differ, as timestamps do) replays the last one; one whose answers differ (status,
verdict, or no answer) replays them as a "sequence", in the order they came,
starting over after the last.
The expectation is derived: a check fails on a network failure or timeout, a
non-2xx status, or an empty or non-JSON body; graphql_ping also fails when the
body is not a GraphQL response. A 200 GraphQL response with errors (such as
FORBIDDEN) passes, as the guardrails count it. For a sequence it is the worst
case: the check is expected to fail if any of its answers fails; the harness
judges each run of the replay by the answers its journal shows.

  --target URL          the API's base URL, e.g. https://kavedarr.internal:7878
  --out FILE            scenario file to write (refused if it exists, unless --force)
  --api-key KEY         key sent in X-Api-Key and apikey (default $HAL_SECRET_KAVEDARR_API_KEY);
                        never written: headers that carry it are dropped, bodies get [REDACTED]
  --checks LIST         comma list of ${CHECK_NAMES.join(', ')} (default all four)
  --name NAME           scenario name (default: from the --out file name)
  --timeout SECONDS     how long to wait for an answer before recording "hang" (default ${DEFAULT_RECORD_TIMEOUT_MS / 1000})
  --samples N           send the smoke requests N times, one round after another, and record
                        every answer (default 1, at most ${MAX_ANSWERS_PER_ENDPOINT})
  --force               overwrite --out if it exists
  --proxy               run a recording reverse proxy instead; on SIGINT or SIGTERM it writes
                        the scenario from every answer seen per endpoint, in the order the
                        requests arrived (the last ${MAX_ANSWERS_PER_ENDPOINT} per endpoint; older ones are dropped)
  --host HOST           --proxy: address to bind (default 127.0.0.1)
  --port PORT           --proxy: port to listen on; 0 picks a free one (default 7878)

Replay: mock-hal serve --scenario FILE
Example: mock-hal record --target http://127.0.0.1:8080 --out scenarios/outage-today.json
`;

function recordedLine(answer: RecordedAnswer): string {
  const ms = `${Math.round(answer.latencyMs)} ms`;
  const what =
    answer.kind === 'answer' ? `${answer.status} in ${ms}` : answer.kind === 'reset' ? `reset after ${ms} (${answer.error})` : `hang (${answer.error})`;
  const reason = failureReason(answer);
  return `${answer.check.padEnd(12)}  ${what}${reason === null ? '' : `  → fails: ${reason}`}\n`;
}

export async function recordCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, {
    help: RECORD_HELP,
    options: {
      target: { type: 'string' },
      out: { type: 'string' },
      'api-key': { type: 'string' },
      checks: { type: 'string' },
      name: { type: 'string' },
      timeout: { type: 'string', default: String(DEFAULT_RECORD_TIMEOUT_MS / 1000) },
      samples: { type: 'string' },
      force: { type: 'boolean', default: false },
      proxy: { type: 'boolean', default: false },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '7878' },
    },
  });
  if (values.target === undefined) throw new UsageError('record needs --target URL, the base URL of the API to record');
  if (values.out === undefined) throw new UsageError('record needs --out FILE, the scenario file to write');
  const target = parseTarget(values.target);
  const out = values.out;
  const name = values.name === undefined ? scenarioNameFromFile(out) : checkScenarioName(values.name);
  let checks: CheckName[] = [...CHECK_NAMES];
  if (values.checks !== undefined) {
    checks = values.checks
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean) as CheckName[];
    const unknown = checks.filter((check) => !(CHECK_NAMES as readonly string[]).includes(check));
    if (unknown.length > 0) throw new UsageError(`--checks: unknown check ${unknown.join(', ')}; use ${CHECK_NAMES.join(', ')}`);
    if (checks.length === 0) throw new UsageError('--checks needs at least one check');
  }
  const timeoutMs = (positiveInt(values.timeout, '--timeout', 1) as number) * 1000;
  const samples = positiveInt(values.samples, '--samples', 1) ?? 1;
  if (samples > MAX_ANSWERS_PER_ENDPOINT) throw new UsageError(`--samples must be at most ${MAX_ANSWERS_PER_ENDPOINT}, got ${samples}`);
  if (values.proxy && values.samples !== undefined) {
    throw new UsageError('--samples is for the smoke requests; with --proxy every answer that goes through is recorded, so leave it out');
  }
  const apiKey = values['api-key'] ?? (process.env.HAL_SECRET_KAVEDARR_API_KEY || undefined);
  if (!values.proxy && apiKey === undefined) {
    io.stderr('mock-hal record: no --api-key (nor $HAL_SECRET_KAVEDARR_API_KEY): the authenticated checks go without a key\n');
  }
  // Fail before touching the network rather than after.
  await assertWritable(out, values.force);

  const finish = async (answers: RecordedAnswer[], options: Pick<BuildScenarioOptions, 'mode' | 'samples' | 'dropped'>): Promise<number> => {
    const scenario = buildRecordedScenario(answers, { name, target, ...options });
    await writeScenarioFile(out, scenario, values.force);
    const expect = scenario.expect as { status: string; failedChecks?: string[] };
    const failed = expect.failedChecks ?? [];
    const varying = (Object.entries(scenario.endpoints ?? {}) as [string, Behaviour | undefined][]).filter(([, behaviour]) => behaviour?.type === 'sequence');
    io.stdout(
      `wrote ${out} (scenario "${name}", expects ${expect.status}${failed.length > 0 ? `: ${failed.join(', ')}` : ''})\n` +
        (varying.length > 0
          ? `${varying.map(([check]) => check).join(', ')} answered differently from one request to the next: replayed in turn; the expectation is the worst case\n`
          : '') +
        `replay it: mock-hal serve --scenario ${out}\n`,
    );
    return 0;
  };

  if (!values.proxy) {
    const answers = await recordSmoke({
      target: values.target,
      apiKey,
      checks,
      timeoutMs,
      samples,
      onAnswer: (answer, round) => io.stdout(`${samples > 1 ? `${round + 1}/${samples}  ` : ''}${recordedLine(answer)}`),
    });
    return finish(answers, { mode: 'smoke', samples });
  }

  const port = portOption(values.port);
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
  const stopped = waitForStopSignal();
  io.stdout(`mock-hal record: proxy listening on ${proxy.url}, forwarding to ${values.target}; SIGINT or SIGTERM writes ${out}\n`);
  await stopped;
  await proxy.close();
  const answers = proxy.answers();
  if (answers.length === 0) {
    io.stderr(`mock-hal record: no smoke request went through the proxy, so nothing was written to ${out}\n`);
    return 1;
  }
  return finish(answers, { mode: 'proxy', dropped: proxy.dropped() });
}
