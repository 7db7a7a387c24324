// What several checks read from one run, read the same way for all of them: the
// telemetry (once per run), its HAL part, how a journal answer reads in a message, and the
// status the run reported against the one a correct guardrail reports. What the journal
// says per smoke check is journal-expectation.ts.
import { isSuccessStatus } from '../../common/hal-contract/check-outcome.ts';
import type { Expectation } from '../../mock-hal/index.ts';
import { type Flow, type RunRecord, SMOKE_FLOWS } from '../run/types.ts';
import { readTelemetryFileSync } from '../telemetry/telemetry-schema.ts';
import type { JournalOutcome } from './journal-expectation.ts';

export const isSmoke = (run: RunRecord): boolean => SMOKE_FLOWS.includes(run.flow);

/** What the guardrail's telemetry holds, read once per run. */
export interface TelemetryView {
  data: Record<string, unknown> | null;
  problems: string[];
}

export function readTelemetry(run: RunRecord): TelemetryView {
  if (!run.telemetryPath) return { data: null, problems: ['no telemetry file was written'] };
  const read = readTelemetryFileSync(run.telemetryPath);
  if (!read.ok) return { data: null, problems: read.problems };
  const data = read.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { data: null, problems: ['telemetry is not a JSON object'] };
  return { data: data as Record<string, unknown>, problems: [] };
}

/** `seen` of a check that needed the telemetry and could not read it. */
export function unreadable(view: TelemetryView): { telemetry: null; problems: string[] } {
  return { telemetry: null, problems: view.problems };
}

export interface HalView {
  scenarioStatus: string | null;
  summary: { status?: unknown; failed_checks?: unknown; artifacts?: unknown } | null;
}

export function halView(data: Record<string, unknown> | null): HalView {
  const scenarios = Array.isArray(data?.scenarios) ? (data.scenarios as { status?: unknown }[]) : [];
  const statuses = scenarios.map((scenario) => scenario?.status);
  // Several scenarios: the stage failed if any did.
  const scenarioStatus = statuses.includes('failed') ? 'failed' : typeof statuses[0] === 'string' ? (statuses[0] as string) : null;
  const hal = data?.hal as { summary?: HalView['summary'] } | undefined;
  return { scenarioStatus, summary: hal?.summary && typeof hal.summary === 'object' ? hal.summary : null };
}

/** hal.summary.failed_checks as listed; null when the summary has no such list. */
export function listedFailedChecks(hal: HalView): string[] | null {
  return Array.isArray(hal.summary?.failed_checks) ? (hal.summary.failed_checks as unknown[]).filter((item): item is string => typeof item === 'string') : null;
}

/** The status a run reported, as pair.json and the transition check see it. */
export function observedStatus(run: RunRecord, view: TelemetryView): 'passed' | 'failed' | 'skipped' | null {
  if (run.flow === 'plan') {
    const baseline = (view.data?.baseline as { status?: unknown } | undefined)?.status;
    if (baseline === 'failed' || run.exitCode !== 0) return view.data ? 'failed' : null;
    return view.data ? 'passed' : null;
  }
  if (isSmoke(run)) {
    const hal = halView(view.data);
    const status = hal.summary?.status ?? hal.scenarioStatus;
    return status === 'passed' || status === 'failed' || status === 'skipped' ? status : null;
  }
  if (!view.data) return null;
  return run.exitCode === 0 ? 'passed' : 'failed';
}

/**
 * What a correct guardrail reports: the run's expectation for the HAL smoke (the
 * scenario's, or the journal's for a run judged by it: journal-expectation.ts) and for
 * plan (whose baseline fails under a failing scenario); flows that make no HAL calls must
 * pass whatever the scenario.
 */
export function expectedStatus(flow: Flow, expect: Expectation): 'passed' | 'failed' {
  return flow === 'plan' || SMOKE_FLOWS.includes(flow) ? expect.status : 'passed';
}

/** "got 503", "got 200 (body is not JSON)", "got no answer (reset)", "never reached the mock". */
export function answerText(outcome: Pick<JournalOutcome, 'requests' | 'status' | 'fault'> & { failure?: string | null }): string {
  if (outcome.requests === 0) return 'never reached the mock';
  if (outcome.fault) return `got no answer (${outcome.fault})`;
  // A failing 2xx failed by its body: say why, since the status alone reads as a pass.
  const why = outcome.failure && outcome.status !== null && isSuccessStatus(outcome.status) ? ` (${outcome.failure})` : '';
  return `got ${outcome.status}${why}`;
}
