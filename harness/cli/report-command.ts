// `guardrail-harness report`: the HTML report of an existing evidence bundle. commands.ts dispatches to it.
import { relative } from 'node:path';
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { writeHtmlReport } from '../reports/html/index.ts';

export const REPORT_HELP = `Usage: guardrail-harness report BUNDLE_DIR [--out FILE]

Writes a self-contained HTML report of an evidence bundle (the pair folder,
evidence-bundles/<SPEC-ID>/<pair-id>/): each flow's runs side by side with the
telemetry fields that differ highlighted, a timeline of every run's HAL requests,
the checks with failures first, and links to every evidence file. It needs no
network and opens from file://.

  --out FILE             where to write it (default BUNDLE_DIR/index.html); links stay relative

Example: guardrail-harness report evidence-bundles/SPEC-KIT-018/20261124T170553Z-62bcab
`;

export async function reportCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { help: REPORT_HELP, allowPositionals: true, options: { out: { type: 'string' } } });
  if (positionals.length !== 1) {
    throw new UsageError('report needs one BUNDLE_DIR, the pair folder: guardrail-harness report evidence-bundles/SPEC-KIT-018/<pair-id>');
  }
  const path = await writeHtmlReport(positionals[0] as string, values.out);
  io.stdout(`Report: ${relative(process.cwd(), path) || path}\n`);
  return 0;
}
