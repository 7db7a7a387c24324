// Turns recorded answers into a scenario that replays them through the `raw`
// behaviour (status, headers, body and latency), with the expectation the contract's
// check rule derives from them.
import { basename, extname } from 'node:path';
import { CHECK_OUTCOME_RULE } from '../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import { isScenarioName, SCENARIO_NAME_MAX_LENGTH, SCENARIO_NAME_RULE } from '../../common/hal-contract/scenario-name.ts';
import { type Behaviour, parseScenario, type ScenarioInput } from '../scenario/scenario-model.ts';
import { failureReason, RecordError, type RecordedAnswer } from './recorded-answer.ts';
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

/** The longest delay a scenario accepts (scenario-model's `delay.ms`). */
const MAX_DELAY_MS = 600_000;

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

export interface BuildScenarioOptions {
  name: string;
  target: URL;
  mode: 'smoke' | 'proxy';
  recordedAt?: Date;
}

/** The scenario for these answers; checks with no answer are left out and answer "ok" in a replay. */
export function buildRecordedScenario(answers: readonly RecordedAnswer[], options: BuildScenarioOptions): ScenarioInput {
  const byCheck = new Map(answers.map((answer) => [answer.check, answer]));
  const recorded = CHECK_NAMES.filter((check) => byCheck.has(check));
  if (recorded.length === 0) throw new RecordError('no smoke check was answered or attempted; nothing to record');
  const endpoints: Partial<Record<CheckName, Behaviour>> = {};
  const failed: { check: CheckName; reason: string }[] = [];
  for (const check of recorded) {
    const answer = byCheck.get(check) as RecordedAnswer;
    endpoints[check] = behaviourOf(answer);
    const reason = failureReason(answer);
    if (reason !== null) failed.push({ check, reason });
  }
  const missing = CHECK_NAMES.filter((check) => !byCheck.has(check));
  const when = (options.recordedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const how = options.mode === 'proxy' ? 'as a proxy (the last answer per endpoint)' : 'with the four smoke requests';
  // The target has no credentials (parseTarget refuses them), so it can be shown as it is.
  const from = joinTarget(options.target, '') || options.target.origin;
  const parts = [
    `Recorded by mock-hal record from ${from} at ${when} ${how}: ${recorded.map((check) => describeAnswer(byCheck.get(check) as RecordedAnswer)).join('; ')}.`,
  ];
  if (missing.length > 0) parts.push(`Not recorded, so answering "ok": ${missing.join(', ')}.`);
  parts.push(
    failed.length > 0 ? `Expected to fail: ${failed.map((f) => `${f.check} (${f.reason})`).join(', ')}.` : 'Every recorded check is expected to pass.',
  );
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
