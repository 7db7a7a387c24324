// What `mock-hal record` keeps of one endpoint's answer, and how it is judged. The smoke
// sender and the proxy both produce these; the scenario builder turns them into behaviours.
import { checkFailure } from '../../common/hal-contract/check-outcome.ts';
import { redact } from '../../common/hal-contract/redact.ts';
import type { CheckName } from '../../common/hal-contract/routes.ts';

export const DEFAULT_RECORD_TIMEOUT_MS = 10_000;

/**
 * The most answers a recording keeps per endpoint (and the most --samples): enough to
 * show how often an endpoint fails, small enough that the scenario stays a file people read.
 */
export const MAX_ANSWERS_PER_ENDPOINT = 1_000;

export class RecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordError';
  }
}

/** One endpoint's answer as it was seen. */
export type RecordedAnswer =
  | { check: CheckName; kind: 'answer'; latencyMs: number; status: number; headers: Record<string, string>; body: string }
  | { check: CheckName; kind: 'reset'; latencyMs: number; error: string }
  | { check: CheckName; kind: 'hang'; latencyMs: number; error: string };

/**
 * Why a correct guardrail must count this answer as a failed check, or null when
 * it must count it as passed: the contract's rule (check-outcome.ts), which the
 * reference guardrails apply too.
 */
export function failureReason(answer: RecordedAnswer): string | null {
  return checkFailure(answer.check, answer.kind === 'answer' ? { kind: 'answer', status: answer.status, body: answer.body } : answer);
}

/**
 * Whether two answers count alike for a replay: the same kind, status and verdict by the
 * contract's rule. The body text is left out, like latency and headers: a steady API's
 * bodies differ by timestamps and request ids, and replaying those as a sequence would
 * call a healthy endpoint flaky.
 */
export function sameAnswer(a: RecordedAnswer, b: RecordedAnswer): boolean {
  if (a.kind !== b.kind || failureReason(a) !== failureReason(b)) return false;
  if (a.kind !== 'answer' || b.kind !== 'answer') return true;
  return a.status === b.status;
}

/** fetch hides the useful part (ECONNREFUSED and the like) in `cause`. */
export function fetchErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as (Error & { code?: unknown }) | undefined;
  if (cause instanceof Error && cause.message && cause.message !== error.message) {
    return typeof cause.code === 'string' ? `${cause.code}: ${cause.message}` : cause.message;
  }
  return error.message;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause as Error | undefined)?.name === 'TimeoutError');
}

/** The answer for a request that got none: a hang when our timeout fired, else a failed connection. */
export function unanswered(check: CheckName, error: unknown, latencyMs: number, timeoutMs: number, secrets: Iterable<string>): RecordedAnswer {
  if (isTimeout(error)) return { check, kind: 'hang', latencyMs, error: `timed out after ${timeoutMs} ms` };
  return { check, kind: 'reset', latencyMs, error: redact(fetchErrorText(error), secrets) };
}
