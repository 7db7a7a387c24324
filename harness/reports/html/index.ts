// The HTML report: one self-contained index.html per evidence bundle, for a person
// reading a CI artifact. It opens from file:// with no network (inline CSS and a few
// lines of inline JS, locked down by a Content-Security-Policy) and shows each
// flow's runs side by side with the telemetry fields that differ highlighted, a
// timeline of the HAL requests every run made, the checks with failures first and
// their structured detail, and links to every file in the bundle.
//
//   model.ts           the page's input        load.ts       bundle → input (via the bundle reader)
//   page.ts            head, CSS, sections     runs.ts       runs table and pairs
//   checks.ts          checks table            timeline.ts   HAL timeline
//   files.ts           file list, problems     telemetry-diff.ts, escape.ts
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../common/atomic-files.ts';
import { assertBundleFolder, loadHtmlReportInput } from './load.ts';
import { HTML_REPORT_NAME } from './model.ts';
import { renderHtmlReport } from './page.ts';

export { type CheckRow, detailValue, sortedCheckRows } from './checks.ts';
export { escapeHtml, link, relativeHref } from './escape.ts';
export { loadHtmlReportInput } from './load.ts';
export {
  HTML_REPORT_NAME,
  type HtmlCheck,
  type HtmlFileLink,
  type HtmlFlowPair,
  type HtmlJournalEntry,
  type HtmlReportInput,
  type HtmlRun,
  type HtmlTelemetry,
  runName,
} from './model.ts';
export { pageHead, renderHtmlReport } from './page.ts';
export { type DiffKind, diffTelemetry, renderJsonWithDiff } from './telemetry-diff.ts';

/** Writes the HTML report for a bundle (index.html inside it by default) and returns its path. */
export async function writeHtmlReport(bundleDir: string, outFile?: string): Promise<string> {
  const path = resolve(outFile ?? join(bundleDir, HTML_REPORT_NAME));
  await assertBundleFolder(bundleDir);
  const input = await loadHtmlReportInput(bundleDir, path);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, renderHtmlReport(input));
  return path;
}
