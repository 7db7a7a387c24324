// What one probe run left, read back from its evidence folder (through the bundle
// reader): the run's checks, its telemetry, the mock's journal, the shim log and the
// manifest. Shared by `gaps` and `knobs`, which decide their rows from these facts.
import type { JournalEntry } from '../../mock-hal/index.ts';
import { type BundleManifest, type BundleProblem, readRunFileText, readRunFolder } from '../evidence/bundle-reader.ts';
import type { CheckId, CheckResult, Flow, RunReport, ShimCall } from '../run/types.ts';

export interface ProbeRun<P extends string = string> {
  probe: P;
  report: RunReport;
  scenario: string;
  flow: Flow;
  timedOut: boolean;
  telemetry: Record<string, unknown> | null;
  journal: JournalEntry[];
  shimCalls: ShimCall[];
  /** The run's manifest.json (null when it could not be read). */
  manifest: BundleManifest | null;
  /** What was missing or malformed in the run folder; a row built on it may lack a fact. */
  problems: BundleProblem[];
}

/** One fact that decided a row: a check of one probe run, or something read from that run's evidence. */
export interface ProbeEvidence<P extends string = string> {
  probe: P;
  scenario: string;
  flow: Flow;
  /** The harness check the fact comes from; null for a fact read from the evidence files. */
  check: CheckId | null;
  message: string;
  evidenceDir: string;
}

export function loadRun<P extends string>(report: RunReport, probe: P): ProbeRun<P> {
  const folder = readRunFolder(report.evidenceDir);
  const telemetry = folder.telemetry?.parsed ? folder.telemetry.value : null;
  return {
    probe,
    report,
    scenario: report.scenario,
    flow: report.flow,
    timedOut: folder.manifest?.timedOut === true,
    telemetry: telemetry !== null && typeof telemetry === 'object' && !Array.isArray(telemetry) ? (telemetry as Record<string, unknown>) : null,
    journal: folder.journal ?? [],
    shimCalls: folder.shimCalls,
    manifest: folder.manifest,
    problems: folder.problems,
  };
}

export function checkOf(run: ProbeRun, id: CheckId): CheckResult | undefined {
  return run.report.checks.find((check) => check.id === id);
}

export function fromCheck<P extends string>(run: ProbeRun<P>, id: CheckId, message?: string): ProbeEvidence<P> {
  return {
    probe: run.probe,
    scenario: run.scenario,
    flow: run.flow,
    check: id,
    message: message ?? checkOf(run, id)?.message ?? 'the check did not run',
    evidenceDir: run.report.evidenceDir,
  };
}

export function fact<P extends string>(run: ProbeRun<P>, message: string): ProbeEvidence<P> {
  return { probe: run.probe, scenario: run.scenario, flow: run.flow, check: null, message, evidenceDir: run.report.evidenceDir };
}

export function failed(run: ProbeRun, id: CheckId): boolean {
  return checkOf(run, id)?.status === 'failed';
}

export interface HalSummary {
  status: unknown;
  failedChecks: string[];
}

export function halSummary(run: ProbeRun): HalSummary | null {
  const summary = (run.telemetry?.hal as { summary?: unknown } | undefined)?.summary;
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return null;
  const listed = (summary as { failed_checks?: unknown }).failed_checks;
  return {
    status: (summary as { status?: unknown }).status,
    failedChecks: Array.isArray(listed) ? listed.filter((name): name is string => typeof name === 'string') : [],
  };
}

/** The scenario status of validate/audit telemetry: failed if any scenario failed, else the first one's. */
export function scenarioStatus(run: ProbeRun): string | null {
  const scenarios = Array.isArray(run.telemetry?.scenarios) ? (run.telemetry.scenarios as { status?: unknown }[]) : [];
  const statuses = scenarios.map((scenario) => scenario?.status);
  if (statuses.includes('failed')) return 'failed';
  return typeof statuses[0] === 'string' ? statuses[0] : null;
}

/** What the stage said about the HAL: hal.summary.status, else the scenario status. */
export function reportedStatus(run: ProbeRun): string | null {
  const summary = halSummary(run);
  if (typeof summary?.status === 'string') return summary.status;
  return scenarioStatus(run);
}

/** Plan's telemetry: baseline.status and hooks["session.start"], as written (null when missing). */
export function planFields(run: ProbeRun): { baseline: string | null; sessionStart: string | null; artifact: string | null } {
  const baseline = run.telemetry?.baseline as { status?: unknown; artifact?: unknown } | undefined;
  const hooks = run.telemetry?.hooks as Record<string, unknown> | undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { baseline: text(baseline?.status), sessionStart: text(hooks?.['session.start']), artifact: text(baseline?.artifact) };
}

/** "exit 1", or what stopped the run. */
export function exitText(run: ProbeRun): string {
  if (run.timedOut) return 'killed by the timeout';
  return run.report.exitCode === null ? 'no exit code' : `exit ${run.report.exitCode}`;
}

/** The roots of the run's repository copy (as given and through symlinks), where its scripts ran. */
export function repoRoots(run: ProbeRun): string[] {
  return Array.isArray(run.manifest?.repoCopy) ? run.manifest.repoCopy : [];
}

/** The text of a file the guardrail wrote, found in the evidence by its original path. */
export function evidenceFileText(run: ProbeRun, originalPath: string): string | null {
  const file = run.manifest?.files.find(
    (entry) => entry.source === originalPath || (entry.repoPath !== undefined && originalPath.endsWith(`/${entry.repoPath}`)),
  );
  if (!file) return null;
  return readRunFileText(run.report.evidenceDir, file.name).text;
}

/** The "- Status: X" line of a baseline report (interfaces doc, section 1). */
export function baselineReportStatus(text: string | null): string | null {
  const match = text === null ? null : /^- Status:\s*(\S+)/m.exec(text);
  return match ? (match[1] as string) : null;
}
