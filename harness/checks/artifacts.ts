// artifacts: every file the telemetry lists exists and is non-empty, and no capture of a
// check that failed (or fell back to the synthetic body) is listed as if it were an answer.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { CHECK_NAMES, type CheckName } from '../../mock-hal/index.ts';
import type { CheckResult, RunRecord } from '../run/types.ts';
import { journalOutcomes } from './journal-expectation.ts';
import { type CheckResultOf, result } from './result.ts';
import { answerText, halView, isSmoke, listedFailedChecks, type TelemetryView, unreadable } from './run-view.ts';

export const ARTIFACT_PROBLEM_KINDS = [
  'missing',
  'empty',
  /** The capture holds the scripts' synthetic `{"status":N,"note":"… returned no body"}`, not an answer. */
  'fallback-body',
  /** The capture's check is in hal.summary.failed_checks. */
  'failed-check-listed',
  /** The capture's check failed at the mock (its last answer fails the contract rule, or none came) though failed_checks does not say so. */
  'failed-call-listed',
] as const;
export type ArtifactProblemKind = (typeof ARTIFACT_PROBLEM_KINDS)[number];

/** `clean`/`none-listed-allowed` pass; a problem kind names the first problem found. */
export type ArtifactsReason = 'no-telemetry' | 'none-listed' | 'none-listed-allowed' | 'clean' | ArtifactProblemKind;

/** One listed artifact that should not be listed; `check`, `status` and `fault` only for a capture. */
export const ArtifactProblemSchema = z.object({
  path: z.string(),
  kind: z.enum(ARTIFACT_PROBLEM_KINDS),
  /** The capture's check, from its file name (hal-<check>.json). */
  check: z.string().optional(),
  /** For failed-call-listed: what the mock's journal saw; absent when the name is no smoke check. */
  requests: z.int().optional(),
  status: z.int().nullable().optional(),
  fault: z.string().nullable().optional(),
  /** Why that answer fails the check (journal-expectation.ts entryFailure). */
  failure: z.string().nullable().optional(),
});
export type ArtifactProblem = z.infer<typeof ArtifactProblemSchema>;

export const ArtifactsSeenSchema = z.object({ listed: z.array(z.string()), problems: z.array(ArtifactProblemSchema) });
export type ArtifactsSeen = z.infer<typeof ArtifactsSeenSchema>;

/** The problems an artifacts result saw; [] for any other result (or one of another shape). */
export function artifactProblemsOf(check: CheckResult | undefined): ArtifactProblem[] {
  if (check?.id !== 'artifacts') return [];
  const seen = ArtifactsSeenSchema.safeParse(check.detail.seen);
  return seen.success ? seen.data.problems : [];
}

export function describeArtifactProblem(problem: ArtifactProblem): string {
  switch (problem.kind) {
    case 'missing':
      return `${problem.path} is listed but does not exist`;
    case 'empty':
      return `${problem.path} is listed but empty`;
    case 'fallback-body':
      return `${problem.path} is listed but holds the synthetic fallback body, not an answer`;
    case 'failed-check-listed':
      return `${problem.path} is listed although ${problem.check} is in failed_checks`;
    case 'failed-call-listed':
      return problem.requests === undefined
        ? `${problem.path} is listed although ${problem.check} is unknown`
        : `${problem.path} is listed although ${problem.check} ${answerText({ requests: problem.requests, status: problem.status ?? null, fault: problem.fault ?? null, failure: problem.failure ?? null })}`;
  }
}

const FALLBACK_BODY = /^\s*\{\s*"status"\s*:\s*\d+\s*,\s*"note"\s*:\s*"[^"]*returned no body"\s*\}\s*$/;
const CAPTURE_NAME = /(\d{8}-\d{6}Z)-hal-([a-z_]+)\.json$/;

function artifactPaths(data: Record<string, unknown>): string[] {
  const listed = Array.isArray(data.artifacts) ? (data.artifacts as { path?: unknown }[]) : [];
  const summary = halView(data).summary;
  const halListed = Array.isArray(summary?.artifacts) ? (summary.artifacts as unknown[]) : [];
  return [...listed.map((artifact) => artifact?.path), ...halListed].filter((path): path is string => typeof path === 'string');
}

function problemOf(
  run: RunRecord,
  path: string,
  failedChecks: ReadonlySet<string>,
  outcomes: ReturnType<typeof journalOutcomes> | null,
): ArtifactProblem | null {
  const absolute = isAbsolute(path) ? path : resolve(run.repoDir, path);
  if (!existsSync(absolute)) return { path, kind: 'missing' };
  const size = statSync(absolute).size;
  if (size === 0) return { path, kind: 'empty' };
  const capture = CAPTURE_NAME.exec(path);
  if (!capture) return null;
  const check = capture[2] as string;
  const content = size < 65_536 ? readFileSync(absolute, 'utf8') : '';
  if (FALLBACK_BODY.test(content)) return { path, kind: 'fallback-body', check };
  if (failedChecks.has(check)) return { path, kind: 'failed-check-listed', check };
  if (!outcomes) return null;
  if (!(CHECK_NAMES as readonly string[]).includes(check)) return { path, kind: 'failed-call-listed', check };
  const outcome = outcomes[check as CheckName];
  return outcome.ok
    ? null
    : { path, kind: 'failed-call-listed', check, requests: outcome.requests, status: outcome.status, fault: outcome.fault, failure: outcome.failure };
}

export function checkArtifacts(run: RunRecord, view: TelemetryView): CheckResultOf<ArtifactsReason> {
  const id = 'artifacts';
  const minimum = run.flow === 'validate' ? 0 : 1;
  const expected = { minimum, problems: [] };
  if (!view.data)
    return result(id, 'failed', `cannot read artifacts: ${view.problems.join('; ')}`, { reason: 'no-telemetry', expected, seen: unreadable(view) });
  const listed = [...new Set(artifactPaths(view.data))];
  if (listed.length === 0) {
    const seen: ArtifactsSeen = { listed, problems: [] };
    return minimum === 0
      ? result(id, 'passed', 'no artifacts listed (allowed for validate)', { reason: 'none-listed-allowed', expected, seen })
      : result(id, 'failed', 'expected at least one artifact (the log), saw none', { reason: 'none-listed', expected, seen });
  }
  const failedChecks = new Set(listedFailedChecks(halView(view.data)) ?? []);
  const outcomes = isSmoke(run) ? journalOutcomes(run.journal) : null;
  const problems = listed.flatMap((path) => problemOf(run, path, failedChecks, outcomes) ?? []);
  const seen: ArtifactsSeen = { listed, problems };
  const first = problems[0];
  if (first) return result(id, 'failed', problems.map(describeArtifactProblem).join('; '), { reason: first.kind, expected, seen });
  return result(id, 'passed', `${listed.length} listed artifact${listed.length === 1 ? '' : 's'} exist, are non-empty, and no failed capture is listed`, {
    reason: 'clean',
    expected,
    seen,
  });
}
