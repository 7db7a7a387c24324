// The machine-readable report: the HarnessReport passed through its zod schema
// (report-schema.ts), so every field the schema names is kept, check `detail` and the
// user's `environment` included, and the key order is the schema's (documented there),
// so other tools can diff two reports.
import { writeFileAtomic } from '../../common/atomic-files.ts';
import type { HarnessReport } from '../run/types.ts';
import { HarnessReportSchema } from './report-schema.ts';

/**
 * The report as report.json holds it. Throws when the report breaks the schema (a check
 * without detail, a status that contradicts ok): a bug to fix, not a report to write.
 */
export function buildJsonReport(report: HarnessReport): HarnessReport {
  return HarnessReportSchema.parse(report);
}

export function renderJsonReport(report: HarnessReport): string {
  return `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
}

export async function writeJsonReport(path: string, report: HarnessReport): Promise<void> {
  await writeFileAtomic(path, renderJsonReport(report));
}
