// Turns a bundle, as the bundle reader reads it, into the page's input. Reading is the
// reader's job; this file only decides what the page shows and how it links.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { JournalEntry } from '../../../mock-hal/index.ts';
import { type JsonRead, problemLine, readBundle } from '../../evidence/bundle-reader.ts';
import { EvidenceError } from '../../evidence/evidence.ts';
import { relativeHref } from './escape.ts';
import { HTML_REPORT_NAME, type HtmlFileLink, type HtmlJournalEntry, type HtmlReportInput, type HtmlRun, type HtmlTelemetry } from './model.ts';

/** Telemetry bigger than this is linked but not shown inline: the page must stay openable. */
const MAX_INLINE_CHARS = 200_000;

function toTelemetry(read: JsonRead): HtmlTelemetry | null {
  if (read.text === null) return null;
  const truncated = read.truncated || read.text.length > MAX_INLINE_CHARS;
  const text = read.text.length > MAX_INLINE_CHARS ? read.text.slice(0, MAX_INLINE_CHARS) : read.text;
  return read.parsed && !truncated ? { text, value: read.value, truncated } : { text, truncated };
}

function toJournal(entries: readonly JournalEntry[]): HtmlJournalEntry[] {
  // The reader marks what an older mock did not record as "" and NaN; the page shows "?".
  return entries.map((entry) => ({
    time: entry.time === '' ? null : entry.time,
    method: entry.method,
    path: entry.path,
    check: entry.check,
    status: entry.status,
    fault: entry.fault ?? null,
    durationMs: Number.isFinite(entry.durationMs) ? entry.durationMs : null,
  }));
}

/** Reads a bundle (report.json, pair.json and each run folder) into the renderer's input. */
export async function loadHtmlReportInput(bundleDir: string, outFile: string = join(bundleDir, HTML_REPORT_NAME)): Promise<HtmlReportInput> {
  const outPath = resolve(outFile);
  const bundle = readBundle(bundleDir, { skip: [outPath] });
  const report = bundle.report;
  if (report === null) {
    // Without report.json there is nothing to render; the reader's problem says what to give instead.
    const problem = bundle.problems[0];
    throw new EvidenceError(
      problem === undefined
        ? `${bundle.dir} is not an evidence bundle`
        : problem.kind === 'missing'
          ? `${problem.problem}; ${problem.fix}`
          : problemLine(problem),
    );
  }
  const fromDir = dirname(outPath);
  const fileLink = (file: { path: string; bytes: number }): HtmlFileLink => ({
    path: file.path,
    href: relativeHref(fromDir, join(bundle.dir, ...file.path.split('/'))),
    bytes: file.bytes,
  });

  const runs: HtmlRun[] = bundle.runs.map(({ report: run, pair, dir, folder }) => {
    const manifest = folder?.manifest ?? null;
    const expect = manifest !== null && typeof manifest.expect === 'object' && manifest.expect !== null ? (manifest.expect as { status?: unknown }) : {};
    const telemetry = folder?.telemetry ? toTelemetry(folder.telemetry) : null;
    return {
      scenario: run.scenario,
      ...(run.phase !== undefined ? { phase: run.phase } : {}),
      flow: run.flow,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      dir: dir ?? '',
      checks: run.checks,
      reportedStatus: typeof manifest?.reportedStatus === 'string' ? manifest.reportedStatus : (run.status ?? pair?.status ?? null),
      expectedStatus: typeof expect.status === 'string' ? expect.status : (run.expectedStatus ?? pair?.expectedStatus ?? null),
      expectedFrom: run.expectedFrom ?? (typeof manifest?.expectedFrom === 'string' ? manifest.expectedFrom : null),
      expectedFailedChecks: run.expectedFailedChecks,
      telemetry,
      telemetryHref:
        telemetry !== null && folder !== null && folder.telemetryName !== null ? relativeHref(fromDir, join(folder.dir, folder.telemetryName)) : null,
      journal: folder?.journal ? toJournal(folder.journal) : null,
      files: dir === null ? [] : bundle.files.filter((file) => file.path.startsWith(`${dir}/`)).map(fileLink),
    };
  });

  const runDirs = runs.map((run) => run.dir).filter((dir) => dir !== '');
  return {
    ok: report.ok,
    specId: report.specId,
    pairId: report.pairId,
    notes: report.notes,
    runs,
    pairs: bundle.pairFlows.map(({ flow, transition, expectedTransition, matched }) => ({ flow, transition, expectedTransition, matched })),
    bundleFiles: bundle.files.filter((file) => !runDirs.some((dir) => file.path.startsWith(`${dir}/`))).map(fileLink),
    problems: bundle.problems,
    generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** Fails with what to give when `bundleDir` is not a folder at all. */
export async function assertBundleFolder(bundleDir: string): Promise<void> {
  try {
    if ((await stat(resolve(bundleDir))).isDirectory() === false) {
      throw new EvidenceError(`${bundleDir} is not a folder; give the pair folder of an evidence bundle (evidence-bundles/<SPEC-ID>/<pair-id>)`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EvidenceError(`no such evidence bundle: ${bundleDir}; give the pair folder of an evidence bundle (evidence-bundles/<SPEC-ID>/<pair-id>)`);
    }
    throw error;
  }
}
