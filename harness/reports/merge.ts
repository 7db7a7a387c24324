// guardrail-harness merge: shards of one run matrix, run in separate CI jobs,
// become one report, with the transition judged across the whole pair again.
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { renderConsoleSummary, writeJsonReport, writeJunitReport, writeMarkdownReport } from './index.ts';
import { addTransitions } from '../run/runner.ts';
import { CHECK_IDS, FLOWS, type HarnessReport, type RunReport } from '../run/types.ts';

export const MERGE_USAGE = `Usage: guardrail-harness merge [--report-json FILE] [--junit FILE] [--markdown FILE] REPORT.json...

Combines the JSON reports of the shards of one run (guardrail-harness run --shard I/N --report-json ...)
into one report, and judges the transition check across all runs of each flow.
Exit status: 0 every check holds, 1 some check failed, 2 the reports could not be merged.
`;

export class MergeError extends Error {}

const checkSchema = z.object({
  id: z.enum(CHECK_IDS),
  status: z.enum(['passed', 'failed', 'not-applicable']),
  ok: z.boolean().nullable(),
  message: z.string(),
});

const reportSchema = z.object({
  ok: z.boolean(),
  specId: z.string(),
  pairId: z.string(),
  bundleDir: z.string(),
  notes: z.array(z.string()),
  runs: z.array(
    z.object({
      scenario: z.string(),
      phase: z.string().optional(),
      flow: z.enum(FLOWS),
      exitCode: z.int().nullable(),
      durationMs: z.number(),
      evidenceDir: z.string(),
      matrixIndex: z.int().min(0).optional(),
      status: z.string().nullable().optional(),
      expectedStatus: z.enum(['passed', 'failed']).optional(),
      checks: z.array(checkSchema),
    }),
  ),
});

async function readReport(path: string): Promise<HarnessReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new MergeError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new MergeError(`${path}: not valid JSON (${(error as Error).message}); pass the report.json of each shard`);
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MergeError(`${path}: not a guardrail-harness JSON report (${issue?.path.join('.') || '(document)'}: ${issue?.message})`);
  }
  return parsed.data as HarnessReport;
}

export function mergeReports(reports: readonly HarnessReport[]): HarnessReport {
  const first = reports[0];
  if (!first) throw new MergeError('nothing to merge: pass at least one report');
  const specs = new Set(reports.map((report) => report.specId));
  if (specs.size > 1) throw new MergeError(`the reports are for different specs (${[...specs].join(', ')}); merge the shards of one run only`);
  const runs: RunReport[] = reports.flatMap((report) => report.runs.map((run) => ({ ...run, checks: [...run.checks] })));
  const seen = new Set<string>();
  for (const run of runs) {
    const key = `${run.scenario}/${run.phase ?? ''}/${run.flow}`;
    if (seen.has(key)) throw new MergeError(`run ${key} appears in two reports; each shard must be merged once`);
    seen.add(key);
  }
  runs.sort((a, b) => (a.matrixIndex ?? 0) - (b.matrixIndex ?? 0));
  addTransitions(runs);
  return {
    ok: runs.every((run) => run.checks.every((check) => check.ok !== false)),
    specId: first.specId,
    pairId: reports.map((report) => report.pairId).join('+'),
    bundleDir: dirname(first.bundleDir),
    notes: [...new Set(reports.flatMap((report) => report.notes)), `merged ${reports.length} report${reports.length === 1 ? '' : 's'}`],
    runs,
  };
}

export async function mergeMain(args: string[], io: { stdout: (text: string) => void }): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'report-json': { type: 'string' },
      junit: { type: 'string' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(MERGE_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new MergeError('merge needs the report.json of each shard: guardrail-harness merge shard-1/report.json shard-2/report.json');
  const merged = mergeReports(await Promise.all(positionals.map(readReport)));
  if (values['report-json']) await writeJsonReport(values['report-json'], merged);
  if (values.junit) await writeJunitReport(values.junit, merged);
  if (values.markdown) await writeMarkdownReport(values.markdown, merged);
  io.stdout(`${renderConsoleSummary(merged)}\n`);
  return merged.ok ? 0 : 1;
}
