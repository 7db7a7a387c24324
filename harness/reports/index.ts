// Writes every report format for one harness run.
import { join } from 'node:path';
import type { HarnessReport } from '../run/types.ts';
import { writeJsonReport } from './json.ts';
import { writeJunitReport } from './junit.ts';
import { writeMarkdownReport } from './markdown.ts';

export { checkWithReason, countChecks, detailJson, failedChecks, runLabel, runPassed } from './common.ts';
export { formatProgressLine, formatTable, renderConsoleSummary } from './console.ts';
export { buildJsonReport, renderJsonReport, writeJsonReport } from './json.ts';
export { escapeXmlAttr, escapeXmlText, renderJunit, toXmlChars, writeJunitReport } from './junit.ts';
export { mdCode, mdText, renderMarkdown, writeMarkdownReport } from './markdown.ts';
export { CheckResultSchema, HarnessReportSchema, jsonPath, RunReportSchema } from './report-schema.ts';

export const REPORT_FILE_NAMES = { json: 'report.json', junit: 'junit.xml', markdown: 'summary.md' } as const;

export interface WrittenReports {
  json: string;
  junit: string;
  markdown: string;
}

/** Writes report.json, junit.xml and summary.md into `dir` (the bundle by default). */
export async function writeReports(report: HarnessReport, dir: string = report.bundleDir): Promise<WrittenReports> {
  const paths: WrittenReports = {
    json: join(dir, REPORT_FILE_NAMES.json),
    junit: join(dir, REPORT_FILE_NAMES.junit),
    markdown: join(dir, REPORT_FILE_NAMES.markdown),
  };
  await writeJsonReport(paths.json, report);
  await writeJunitReport(paths.junit, report);
  await writeMarkdownReport(paths.markdown, report);
  return paths;
}
