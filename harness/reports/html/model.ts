// What the HTML page is rendered from. load.ts fills it from a bundle; tests build it by hand.
import type { BundleProblem, ReadCheck } from '../../evidence/bundle-reader.ts';

export const HTML_REPORT_NAME = 'index.html';

/** One journal entry, reduced to what the timeline shows. */
export interface HtmlJournalEntry {
  time: string | null;
  method: string;
  path: string;
  check: string | null;
  status: number | null;
  fault: string | null;
  durationMs: number | null;
}

export interface HtmlFileLink {
  /** Path inside the bundle, "/"-separated. */
  path: string;
  /** Link relative to the report file. */
  href: string;
  bytes: number;
}

export interface HtmlTelemetry {
  text: string;
  /** The parsed document, or undefined when the text is not JSON (or was cut). */
  value?: unknown;
  truncated: boolean;
}

/** A check as the page shows it; `detail` is absent in reports written before checks carried one. */
export type HtmlCheck = ReadCheck;

export interface HtmlRun {
  scenario: string;
  phase?: string;
  flow: string;
  exitCode: number | null;
  durationMs: number;
  /** Run folder inside the bundle ("healthy/validate"); "" when unknown. */
  dir: string;
  checks: HtmlCheck[];
  reportedStatus: string | null;
  expectedStatus: string | null;
  /** `journal` when the expectation was read from what the mock answered; absent or null: the scenario's. */
  expectedFrom?: string | null;
  /** validate/audit: the checks expected in failed_checks, when known. */
  expectedFailedChecks?: string[] | null;
  telemetry: HtmlTelemetry | null;
  /** Link to the telemetry file, when there is one. */
  telemetryHref: string | null;
  journal: HtmlJournalEntry[] | null;
  files: HtmlFileLink[];
}

export interface HtmlFlowPair {
  flow: string;
  transition: string | null;
  expectedTransition: string | null;
  matched: boolean | null;
}

export interface HtmlReportInput {
  ok: boolean;
  specId: string;
  pairId: string;
  notes: string[];
  runs: HtmlRun[];
  pairs: HtmlFlowPair[];
  /** Files outside every run folder (pair.json, report.json, ...). */
  bundleFiles: HtmlFileLink[];
  /** What the bundle reader found missing or malformed; shown so a reader knows what the page lacks. */
  problems: BundleProblem[];
  generatedAt: string;
}

export function runName(run: Pick<HtmlRun, 'scenario' | 'phase'>): string {
  return run.phase === undefined ? run.scenario : `${run.scenario}/${run.phase}`;
}

export function runFailed(run: HtmlRun): boolean {
  return run.checks.some((check) => check.status === 'failed');
}
