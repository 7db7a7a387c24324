// Turns recorded answers into a scenario that replays them through the `raw`
// behaviour (status, headers, body and latency), in turn when an endpoint's answers
// differ, with the expectation the contract's check rule derives from them.
import { basename, extname } from 'node:path';
import { CHECK_OUTCOME_RULE } from '../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import { isScenarioName, SCENARIO_NAME_MAX_LENGTH, SCENARIO_NAME_RULE } from '../../common/hal-contract/scenario-name.ts';
import { MAX_DELAY_MS } from '../scenario/behaviour-model.ts';
import { type Behaviour, parseScenario, type ScenarioInput } from '../scenario/scenario-model.ts';
import { failureReason, MAX_ANSWERS_PER_ENDPOINT, RecordError, type RecordedAnswer, sameAnswer } from './recorded-answer.ts';
import { joinTarget } from './target.ts';

/** A scenario name from the output file name: `Outage 2026.json` → `outage-2026`. */
export function scenarioNameFromFile(file: string): string {
  const stem = basename(file, extname(file))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, SCENARIO_NAME_MAX_LENGTH)
    .replace(/[^a-z0-9]+$/, '');
  return isScenarioName(stem) ? stem : 'recording';
}

export function checkScenarioName(name: string): string {
  if (!isScenarioName(name)) throw new RecordError(`--name ${JSON.stringify(name)} is not a scenario name; ${SCENARIO_NAME_RULE}`);
  return name;
}

function behaviourOf(answer: RecordedAnswer): Behaviour {
  if (answer.kind === 'hang') return { type: 'hang' };
  const ms = Math.min(MAX_DELAY_MS, Math.max(0, Math.round(answer.latencyMs)));
  if (answer.kind === 'reset') return { type: 'delay', ms, then: { type: 'reset' } };
  const then: Behaviour =
    answer.body === '' && answer.headers['content-type'] === undefined && Object.keys(answer.headers).length === 0
      ? // `raw` would label even an empty string text/plain; `empty` sends no content type.
        { type: 'empty', status: answer.status }
      : { type: 'raw', status: answer.status, headers: answer.headers, body: answer.body };
  return { type: 'delay', ms, then };
}

function describeAnswer(answer: RecordedAnswer): string {
  const ms = Math.round(answer.latencyMs);
  if (answer.kind === 'hang') return `${answer.check} no answer within ${ms} ms`;
  if (answer.kind === 'reset') return `${answer.check} connection failed after ${ms} ms`;
  return `${answer.check} ${answer.status} after ${ms} ms`;
}

function outcomeOf(answer: RecordedAnswer): string {
  if (answer.kind === 'hang') return 'no answer';
  if (answer.kind === 'reset') return 'connection failed';
  return String(answer.status);
}

/** What one endpoint answered, in order, and how it replays. */
interface Endpoint {
  check: CheckName;
  answers: RecordedAnswer[];
  /** The answers differ, so the replay is a sequence of them. */
  varies: boolean;
}

/** Answers alike replay as the last of them; answers that differ replay in turn and start over. */
function behaviourFor(endpoint: Endpoint): Behaviour {
  const { answers } = endpoint;
  if (!endpoint.varies) return behaviourOf(answers[answers.length - 1] as RecordedAnswer);
  return { type: 'sequence', steps: answers.map(behaviourOf) };
}

function describeEndpoint({ check, answers, varies }: Endpoint): string {
  const last = answers[answers.length - 1] as RecordedAnswer;
  if (answers.length === 1) return describeAnswer(last);
  if (!varies) return `${describeAnswer(last)} (the same answer ${answers.length} times)`;
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(outcomeOf(answer), (counts.get(outcomeOf(answer)) ?? 0) + 1);
  return `${check} ${answers.length} answers, replayed in turn (${[...counts].map(([outcome, count]) => `${outcome} ×${count}`).join(', ')})`;
}

/** Why the check is expected to fail, or null: for several answers, the worst case, since a run may meet any of them. */
function failureOf({ answers }: Endpoint): string | null {
  const reasons = answers.map(failureReason).filter((reason): reason is string => reason !== null);
  if (reasons.length === 0) return null;
  if (answers.length === 1) return reasons[0] as string;
  return `${reasons.length} of ${answers.length} answers: ${[...new Set(reasons)].join('; ')}`;
}

export interface BuildScenarioOptions {
  name: string;
  target: URL;
  mode: 'smoke' | 'proxy';
  /** Smoke mode: how many rounds of the smoke requests were sent (default 1). */
  samples?: number;
  /** Proxy mode: how many older answers each endpoint dropped to stay within the bound. */
  dropped?: Partial<Record<CheckName, number>>;
  recordedAt?: Date;
}

function howRecorded(options: BuildScenarioOptions): string {
  if (options.mode === 'proxy') return 'as a proxy (every answer per endpoint, in the order the requests arrived)';
  const samples = options.samples ?? 1;
  return samples > 1 ? `with the four smoke requests, ${samples} rounds` : 'with the four smoke requests';
}

/**
 * The scenario for these answers, taken in order per endpoint; checks with no answer are
 * left out and answer "ok" in a replay. An endpoint whose answers differ (kind, status or
 * body) replays them as a sequence, and its check is expected to fail if any of them fails.
 */
export function buildRecordedScenario(answers: readonly RecordedAnswer[], options: BuildScenarioOptions): ScenarioInput {
  const byCheck = new Map<CheckName, RecordedAnswer[]>();
  for (const answer of answers) {
    const list = byCheck.get(answer.check);
    if (list === undefined) byCheck.set(answer.check, [answer]);
    else list.push(answer);
  }
  const recorded: Endpoint[] = CHECK_NAMES.filter((check) => byCheck.has(check)).map((check) => {
    const list = byCheck.get(check) as RecordedAnswer[];
    const last = list[list.length - 1] as RecordedAnswer;
    return { check, answers: list, varies: !list.every((answer) => sameAnswer(answer, last)) };
  });
  if (recorded.length === 0) throw new RecordError('no smoke check was answered or attempted; nothing to record');
  const endpoints: Partial<Record<CheckName, Behaviour>> = {};
  const failed: { check: CheckName; reason: string }[] = [];
  for (const endpoint of recorded) {
    endpoints[endpoint.check] = behaviourFor(endpoint);
    const reason = failureOf(endpoint);
    if (reason !== null) failed.push({ check: endpoint.check, reason });
  }
  const missing = CHECK_NAMES.filter((check) => !byCheck.has(check));
  const varying = recorded.filter((endpoint) => endpoint.varies).map((endpoint) => endpoint.check);
  const dropped = Object.entries(options.dropped ?? {}).filter(([, count]) => (count ?? 0) > 0);
  const when = (options.recordedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  // The target has no credentials (parseTarget refuses them), so it can be shown as it is.
  const from = joinTarget(options.target, '') || options.target.origin;
  const parts = [`Recorded by mock-hal record from ${from} at ${when} ${howRecorded(options)}: ${recorded.map(describeEndpoint).join('; ')}.`];
  if (missing.length > 0) parts.push(`Not recorded, so answering "ok": ${missing.join(', ')}.`);
  if (dropped.length > 0) {
    parts.push(
      `Only each endpoint's newest answers were kept (at most ${MAX_ANSWERS_PER_ENDPOINT}); left out: ${dropped.map(([check, count]) => `${count} earlier ${check} answers`).join(', ')}.`,
    );
  }
  parts.push(
    failed.length > 0 ? `Expected to fail: ${failed.map((f) => `${f.check} (${f.reason})`).join(', ')}.` : 'Every recorded check is expected to pass.',
  );
  if (varying.length > 0) {
    parts.push(
      `${varying.join(', ')} answered differently from one request to the next, so each replays its answers in turn and starts over after the last. ` +
        'The expectation is the worst case (a check fails if any of its answers does), and the harness judges each run of this scenario from the answers its journal shows.',
    );
  }
  parts.push(CHECK_OUTCOME_RULE);
  const scenario: ScenarioInput = {
    name: options.name,
    description: parts.join(' '),
    endpoints,
    expect: { status: failed.length > 0 ? 'failed' : 'passed', failedChecks: failed.map((f) => f.check) },
  };
  parseScenario(scenario, `recorded scenario "${options.name}"`);
  return scenario;
}
