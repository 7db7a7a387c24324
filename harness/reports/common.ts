// Small helpers every report format shares, so a run is named and judged the same way everywhere.
import type { CheckResult, RunReport } from '../run/types.ts';

/** `scenario` or `scenario/phase`. */
export function runLabel(run: Pick<RunReport, 'scenario' | 'phase'>): string {
  return run.phase === undefined ? run.scenario : `${run.scenario}/${run.phase}`;
}

export function failedChecks(run: RunReport): CheckResult[] {
  return run.checks.filter((check) => check.status === 'failed');
}

export function runPassed(run: RunReport): boolean {
  return failedChecks(run).length === 0;
}

/** `exit-code (zero-exit)`: the check and its reason code, as the reports name a failure. */
export function checkWithReason(check: CheckResult): string {
  return `${check.id} (${check.detail.reason})`;
}

/** A detail value as one line of JSON, cut at `max` characters (seen can hold whole telemetry issue lists). */
export function detailJson(value: unknown, max = 2000): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface CheckCounts {
  passed: number;
  failed: number;
  notApplicable: number;
}

export function countChecks(checks: readonly CheckResult[]): CheckCounts {
  const counts: CheckCounts = { passed: 0, failed: 0, notApplicable: 0 };
  for (const check of checks) {
    if (check.status === 'passed') counts.passed++;
    else if (check.status === 'failed') counts.failed++;
    else counts.notApplicable++;
  }
  return counts;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatExit(code: number | null): string {
  return code === null ? 'none' : String(code);
}

/** `failed [graphql_ping]` or `passed`: a run's expectation, as the reports write it. */
export function expectationText(run: Pick<RunReport, 'expectedStatus' | 'expectedFailedChecks'>): string {
  const checks = run.expectedFailedChecks ?? [];
  return `${run.expectedStatus ?? 'none'}${checks.length > 0 ? ` [${checks.join(', ')}]` : ''}`;
}

/** Runs whose expectation was read from their journal rather than their scenario's expect. */
export function journalJudgedRuns(runs: readonly RunReport[]): RunReport[] {
  return runs.filter((run) => run.expectedFrom === 'journal');
}
