// The checks table, failures first. Each row shows the check's structured detail
// (reason code, expected, seen) from the data itself, never parsed out of the message:
// the message is for people and its wording may change.
import type { CheckStatus } from '../../run/types.ts';
import { anchorId, escapeHtml, link } from './escape.ts';
import { type HtmlCheck, type HtmlReportInput, type HtmlRun, runName } from './model.ts';

const STATUS_ORDER: Record<CheckStatus, number> = { failed: 0, passed: 1, 'not-applicable': 2 };
const STATUS_LABEL: Record<CheckStatus, string> = { failed: 'failed', passed: 'passed', 'not-applicable': 'n/a' };

/** Expected/seen values longer than this are cut: the evidence files hold them whole. */
const MAX_VALUE_CHARS = 300;

export interface CheckRow {
  run: HtmlRun;
  check: HtmlCheck;
}

/** Every check of every run, failures first, then passes, then not applicable; run order kept within each. */
export function sortedCheckRows(runs: readonly HtmlRun[]): CheckRow[] {
  const rows = runs.flatMap((run) => run.checks.map((check) => ({ run, check })));
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => (STATUS_ORDER[a.row.check.status] ?? 3) - (STATUS_ORDER[b.row.check.status] ?? 3) || a.index - b.index)
    .map(({ row }) => row);
}

/** A detail value as compact JSON, so a string "1" and a number 1 read differently. */
export function detailValue(value: unknown): string {
  // null and absent both mean "nothing to compare" (report-schema.ts).
  if (value === null || value === undefined) return '<span class="muted">—</span>';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  const cut = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
  return `<code class="val">${escapeHtml(cut)}</code>`;
}

function detailCells(check: HtmlCheck): string {
  const detail = check.detail;
  if (detail === undefined) {
    return '<td class="reason"><span class="muted" title="written by a harness whose checks carried no detail">no detail</span></td><td></td><td></td>';
  }
  const reason = detail.reason === undefined ? '<span class="muted">—</span>' : `<code>${escapeHtml(detail.reason)}</code>`;
  return `<td class="reason">${reason}</td><td class="expected">${detailValue(detail.expected)}</td><td class="seen">${detailValue(detail.seen)}</td>`;
}

/** The run's own anchor in the file list. */
export function dirHref(run: HtmlRun): string {
  return `#files-${anchorId(run.dir)}`;
}

export function renderChecks(input: HtmlReportInput): string {
  const rows = sortedCheckRows(input.runs);
  if (rows.length === 0) return '<p class="muted">No checks were recorded.</p>';
  const out: string[] = [];
  out.push(
    '<label class="filter"><input type="checkbox" id="only-failed"> show failed checks only</label>',
    '<table id="checks"><thead><tr><th>result</th><th>run</th><th>flow</th><th>check</th><th>reason</th><th>expected</th><th>seen</th><th>message</th></tr></thead><tbody>',
  );
  for (const { run, check } of rows) {
    const status: CheckStatus = Object.hasOwn(STATUS_LABEL, check.status) ? check.status : 'not-applicable';
    const evidence = run.dir === '' ? escapeHtml(runName(run)) : link(run.files.length > 0 ? dirHref(run) : null, runName(run));
    const reasonAttr = check.detail?.reason !== undefined ? ` data-reason="${escapeHtml(check.detail.reason)}"` : '';
    out.push(
      `<tr class="check ${status}" data-status="${escapeHtml(status)}"${reasonAttr}><td><span class="badge ${status === 'failed' ? 'fail' : status === 'passed' ? 'pass' : 'none'}">${STATUS_LABEL[status]}</span></td>` +
        `<td>${evidence}</td><td>${escapeHtml(run.flow)}</td><td><code>${escapeHtml(check.id)}</code></td>${detailCells(check)}<td class="msg">${escapeHtml(check.message)}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out.join('\n');
}
