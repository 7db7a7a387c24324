// Plain-text output for a terminal: a live line per finished run and a closing table.
// No colour, so it reads the same in CI logs and when piped.
import type { HarnessReport, RunReport } from '../run/types.ts';
import { checkWithReason, countChecks, expectationText, failedChecks, formatDuration, formatExit, journalJudgedRuns, runLabel, runPassed } from './common.ts';

/** Columns are measured in code points; scenario and check names are ASCII in practice. */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return right ? fill + text : text + fill;
}

/** Lays out rows as aligned columns separated by two spaces; `numeric` columns align right. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const sizes = header.map((title, col) => Math.max(width(title), ...rows.map((row) => width(row[col] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, col) => pad(cell, sizes[col] ?? 0, numeric.includes(col)))
      .join('  ')
      .trimEnd();
  const rule = sizes.map((size) => '-'.repeat(size)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The live line printed as each run finishes. */
export function formatProgressLine(run: RunReport): string {
  const counts = countChecks(run.checks);
  // The reason code says which way a check failed without the whole message.
  const failed = failedChecks(run).map(checkWithReason);
  const verdict = runPassed(run) ? 'ok  ' : 'FAIL';
  const tail = failed.length > 0 ? `: ${failed.join(', ')}` : '';
  return (
    `${verdict}  ${runLabel(run)} ${run.flow}  exit ${formatExit(run.exitCode)}  ${formatDuration(run.durationMs)}  ` +
    `${counts.passed} passed, ${counts.failed} failed, ${counts.notApplicable} n/a${tail}`
  );
}

export function renderConsoleSummary(report: HarnessReport): string {
  const rows = report.runs.map((run) => {
    const counts = countChecks(run.checks);
    return [
      runPassed(run) ? 'ok' : 'FAIL',
      runLabel(run),
      run.flow,
      formatExit(run.exitCode),
      formatDuration(run.durationMs),
      String(counts.passed),
      String(counts.failed),
      String(counts.notApplicable),
      failedChecks(run)
        .map((check) => check.id)
        .join(', '),
    ];
  });
  const table = formatTable(['RESULT', 'RUN', 'FLOW', 'EXIT', 'TIME', 'PASS', 'FAIL', 'N/A', 'FAILED CHECKS'], rows, [3, 4, 5, 6, 7]);
  const failedRuns = report.runs.filter((run) => !runPassed(run)).length;
  const lines = [
    table,
    '',
    `${report.ok ? 'PASSED' : 'FAILED'}: ${report.specId}, ${report.runs.length} run${report.runs.length === 1 ? '' : 's'}, ${failedRuns} failed`,
  ];
  const fromJournal = journalJudgedRuns(report.runs);
  if (fromJournal.length > 0) {
    lines.push(`expected from the journal: ${fromJournal.map((run) => `${runLabel(run)} ${run.flow} ${expectationText(run)}`).join(', ')}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}
