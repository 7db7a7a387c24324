// Sends the four smoke requests to the API, as the guardrails would, once or for several
// rounds, and keeps what came back.

import { redact } from '../../common/hal-contract/redact.ts';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import { DEFAULT_RECORD_TIMEOUT_MS, MAX_ANSWERS_PER_ENDPOINT, RecordError, type RecordedAnswer, unanswered } from './recorded-answer.ts';
import { keptHeaders } from './replay-headers.ts';
import { parseTarget, smokeRequestInit } from './target.ts';

export interface RecordSmokeOptions {
  target: string;
  apiKey?: string;
  checks?: readonly CheckName[];
  timeoutMs?: number;
  /** How many rounds of the smoke requests to send (default 1, at most MAX_ANSWERS_PER_ENDPOINT). */
  samples?: number;
  /** Called with each answer as it comes, and which round (0 first) it belongs to. */
  onAnswer?: (answer: RecordedAnswer, round: number) => void;
}

/** Sends one smoke request and describes what came back. */
export async function recordCheck(check: CheckName, target: URL, apiKey: string | undefined, timeoutMs: number): Promise<RecordedAnswer> {
  const { url, init } = smokeRequestInit(check, target, apiKey);
  const secrets = apiKey === undefined ? [] : [apiKey];
  const started = performance.now();
  try {
    // A redirect is an answer to record, not one to follow.
    const response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    return {
      check,
      kind: 'answer',
      latencyMs: performance.now() - started,
      status: response.status,
      headers: keptHeaders(response.headers, secrets),
      body: redact(body, secrets),
    };
  } catch (error) {
    return unanswered(check, error, performance.now() - started, timeoutMs, secrets);
  }
}

/**
 * Sends the smoke requests one after another, as the guardrails do, `samples` rounds of
 * them: an API that answers differently from one request to the next shows it.
 */
export async function recordSmoke(options: RecordSmokeOptions): Promise<RecordedAnswer[]> {
  const target = parseTarget(options.target);
  const samples = options.samples ?? 1;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_ANSWERS_PER_ENDPOINT) {
    throw new RecordError(`--samples must be a whole number from 1 to ${MAX_ANSWERS_PER_ENDPOINT}, got ${samples}`);
  }
  const answers: RecordedAnswer[] = [];
  for (let round = 0; round < samples; round += 1) {
    for (const check of options.checks ?? CHECK_NAMES) {
      const answer = await recordCheck(check, target, options.apiKey, options.timeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS);
      answers.push(answer);
      options.onAnswer?.(answer, round);
    }
  }
  return answers;
}
