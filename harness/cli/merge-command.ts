// `guardrail-harness merge`: its options, help and output. commands.ts dispatches to it.
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { renderConsoleSummary, writeJsonReport, writeJunitReport, writeMarkdownReport } from '../reports/index.ts';
import { mergeReports, readShardReport } from '../reports/merge.ts';

export const MERGE_HELP = `Usage: guardrail-harness merge [--report-json FILE] [--junit FILE] [--markdown FILE] REPORT.json...

Combines the JSON reports of the shards of one run (guardrail-harness run --shard I/N --report-json ...)
into one report, and judges the transition check across all runs of each flow.
Exit status: 0 every check holds, 1 some check failed, 2 the reports could not be merged.
`;

export async function mergeCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    help: MERGE_HELP,
    allowPositionals: true,
    options: { 'report-json': { type: 'string' }, junit: { type: 'string' }, markdown: { type: 'string' } },
  });
  if (positionals.length === 0)
    throw new UsageError('merge needs the report.json of each shard: guardrail-harness merge shard-1/report.json shard-2/report.json');
  const merged = mergeReports(await Promise.all(positionals.map(readShardReport)));
  if (values['report-json']) await writeJsonReport(values['report-json'], merged);
  if (values.junit) await writeJunitReport(values.junit, merged);
  if (values.markdown) await writeMarkdownReport(values.markdown, merged);
  io.stdout(`${renderConsoleSummary(merged)}\n`);
  return merged.ok ? 0 : 1;
}
