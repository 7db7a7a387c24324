// The Markdown summary, written for a CI job summary or a pull-request comment.
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { CHECK_IDS, type CheckResult, type HarnessReport, type RunReport } from '../run/types.ts';
import { expectationText, failedChecks, formatDuration, formatExit, journalJudgedRuns, runLabel } from './common.ts';

/** Escapes text so it renders literally in a paragraph, list item or table cell. */
export function mdText(text: string): string {
  return (
    text
      .replace(/\r\n?|\n/g, ' ')
      // Control characters (ANSI colours from a script's output) would be invisible or garble the page.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
      // A lone surrogate cannot be written as UTF-8; say so the same way the file would.
      .replace(/[\uD800-\uDFFF]/gu, '\uFFFD')
      .replace(/[\\`*_[\]<>|~&]/g, (ch) => `\\${ch}`)
  );
}

/** A code span that survives backticks inside the text. */
export function mdCode(text: string): string {
  const flat = text.replace(/\r\n?|\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

const MARK: Record<CheckResult['status'], string> = { passed: '✅', failed: '❌', 'not-applicable': '—' };

/** Check ids in CHECK_IDS order, then any others the runs carry, so columns are stable. */
function columns(runs: readonly RunReport[]): string[] {
  const present = new Set(runs.flatMap((run) => run.checks.map((check) => check.id as string)));
  const known = (CHECK_IDS as readonly string[]).filter((id) => present.has(id));
  const other = [...present].filter((id) => !(CHECK_IDS as readonly string[]).includes(id)).sort();
  return [...known, ...other];
}

export function renderMarkdown(report: HarnessReport): string {
  const out: string[] = [];
  const failedRuns = report.runs.filter((run) => failedChecks(run).length > 0);
  const failedCount = report.runs.reduce((n, run) => n + failedChecks(run).length, 0);
  out.push(`# ${report.ok ? '✅ Guardrail harness passed' : '❌ Guardrail harness failed'}: ${mdText(report.specId)}`);
  out.push('');
  out.push(
    `Pair ${mdCode(report.pairId)}: ${report.runs.length} run${report.runs.length === 1 ? '' : 's'}, ` +
      `${failedCount} failed check${failedCount === 1 ? '' : 's'} in ${failedRuns.length} run${failedRuns.length === 1 ? '' : 's'}.`,
  );
  out.push('');

  const ids = columns(report.runs);
  if (report.runs.length === 0) {
    out.push('No runs were recorded.');
  } else {
    out.push(`| run | flow | exit | time | ${ids.map((id) => mdText(id)).join(' | ')} |`);
    out.push(`| --- | --- | ---: | ---: |${ids.map(() => ' :---: |').join('')}`);
    for (const run of report.runs) {
      const cells = ids.map((id) => {
        const check = run.checks.find((c) => c.id === id);
        return check ? MARK[check.status] : '—';
      });
      out.push(`| ${mdText(runLabel(run))} | ${run.flow} | ${formatExit(run.exitCode)} | ${formatDuration(run.durationMs)} | ${cells.join(' | ')} |`);
    }
  }
  out.push('');
  out.push('✅ passed · ❌ failed · — not applicable');
  out.push('');

  out.push('## Failed checks');
  out.push('');
  if (failedCount === 0) {
    out.push('None.');
  } else {
    for (const run of failedRuns) {
      for (const check of failedChecks(run)) {
        out.push(`- **${mdText(runLabel(run))} · ${run.flow}** ${mdCode(check.id)} (${mdCode(check.detail.reason)}): ${mdText(check.message)}`);
      }
    }
  }
  out.push('');

  const fromJournal = journalJudgedRuns(report.runs);
  if (fromJournal.length > 0) {
    out.push('## Expected from the journal');
    out.push('');
    out.push("These runs were judged by what the mock actually answered, not by the scenario's expect:");
    out.push('');
    for (const run of fromJournal) out.push(`- ${mdText(runLabel(run))} · ${run.flow}: ${mdText(expectationText(run))}`);
    out.push('');
  }

  if (report.notes.length > 0) {
    out.push('## Notes');
    out.push('');
    for (const note of report.notes) out.push(`- ${mdText(note)}`);
    out.push('');
  }

  out.push('## Evidence');
  out.push('');
  out.push(`Bundle: ${mdCode(report.bundleDir)}`);
  if (failedRuns.length > 0) {
    out.push('');
    out.push('Evidence of the failed runs:');
    out.push('');
    for (const run of failedRuns) {
      out.push(`- ${mdText(runLabel(run))} · ${run.flow}: ${mdCode(run.evidenceDir)}`);
    }
  }
  out.push('');
  return out.join('\n');
}

export async function writeMarkdownReport(path: string, report: HarnessReport): Promise<void> {
  await writeFileAtomic(path, renderMarkdown(report));
}
