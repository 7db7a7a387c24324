// Sends the four smoke requests to the API once, as the guardrails would, and keeps
// what came back.

import { redact } from '../../common/hal-contract/redact.ts';
import { CHECK_NAMES, type CheckName } from '../../common/hal-contract/routes.ts';
import { DEFAULT_RECORD_TIMEOUT_MS, type RecordedAnswer, unanswered } from './recorded-answer.ts';
import { keptHeaders } from './replay-headers.ts';
import { parseTarget, smokeRequestInit } from './target.ts';

export interface RecordSmokeOptions {
  target: string;
  apiKey?: string;
  checks?: readonly CheckName[];
  timeoutMs?: number;
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

/** Sends the smoke requests one after another, as the guardrails do. */
export async function recordSmoke(options: RecordSmokeOptions): Promise<RecordedAnswer[]> {
  const target = parseTarget(options.target);
  const answers: RecordedAnswer[] = [];
  for (const check of options.checks ?? CHECK_NAMES) {
    answers.push(await recordCheck(check, target, options.apiKey, options.timeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS));
  }
  return answers;
}
