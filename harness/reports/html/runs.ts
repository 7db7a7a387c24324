// The runs table and each flow's runs side by side with their telemetry diffed.
import { FLOWS } from '../../run/types.ts';
import { formatDuration, formatExit } from '../common.ts';
import { escapeHtml, link, statusBadge } from './escape.ts';
import { type HtmlReportInput, type HtmlRun, runFailed, runName } from './model.ts';
import { type DiffKind, diffTelemetry, renderJsonWithDiff } from './telemetry-diff.ts';

/** Marks an expectation read from the journal, with the checks it expects to fail; nothing for a scenario's own. */
function expectedFromText(run: HtmlRun): string {
  if (run.expectedFrom !== 'journal') return '';
  const checks = run.expectedFailedChecks ?? [];
  const title = "judged by what the mock answered, not by the scenario's expect";
  return ` <span class="muted small" title="${escapeHtml(title)}">from the journal${checks.length > 0 ? `: ${checks.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}` : ''}</span>`;
}

function flowOrder(flow: string): number {
  const index = (FLOWS as readonly string[]).indexOf(flow);
  return index === -1 ? FLOWS.length : index;
}

export function renderRunsTable(input: HtmlReportInput): string {
  const rows = input.runs.map((run) => {
    const failed = run.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    return (
      `<tr class="${failed.length > 0 ? 'notok' : 'ok'}"><td>${failed.length > 0 ? '<span class="badge fail">FAIL</span>' : '<span class="badge pass">ok</span>'}</td>` +
      `<td>${escapeHtml(runName(run))}</td><td>${escapeHtml(run.flow)}</td><td class="num">${escapeHtml(formatExit(run.exitCode))}</td>` +
      `<td class="num">${escapeHtml(formatDuration(run.durationMs))}</td><td>${statusBadge(run.reportedStatus)} / ${statusBadge(run.expectedStatus)}${expectedFromText(run)}</td>` +
      `<td>${failed.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}</td></tr>`
    );
  });
  return (
    '<table class="runs"><thead><tr><th>result</th><th>run</th><th>flow</th><th>exit</th><th>time</th><th>reported / expected</th><th>failed checks</th></tr></thead><tbody>' +
    rows.join('') +
    '</tbody></table>'
  );
}

export function renderPairs(input: HtmlReportInput): string {
  const flows = [...new Set(input.runs.map((run) => run.flow))].sort((a, b) => flowOrder(a) - flowOrder(b));
  if (flows.length === 0) return '<p class="muted">No runs were recorded.</p>';
  const out: string[] = [];
  for (const flow of flows) {
    const runs = input.runs.filter((run) => run.flow === flow);
    const pair = input.pairs.find((p) => p.flow === flow);
    const parsed = runs.filter((run) => run.telemetry?.value !== undefined);
    const diff = parsed.length >= 2 ? diffTelemetry(parsed.map((run) => run.telemetry?.value)) : new Map<string, DiffKind>();
    const changed = [...diff.values()].filter((kind) => kind === 'differs').length;
    const transition =
      pair && pair.transition !== null
        ? `<span class="${pair.matched === false ? 'bad' : 'good'}">${escapeHtml(pair.transition)}</span>` +
          (pair.expectedTransition !== null ? ` <span class="muted">(expected ${escapeHtml(pair.expectedTransition)})</span>` : '')
        : '';
    out.push(`<section class="pair" data-flow="${escapeHtml(flow)}">`);
    out.push(`<h3>${escapeHtml(flow)} ${transition}<span class="muted small"> · ${changed} differing field${changed === 1 ? '' : 's'}</span></h3>`);
    out.push(`<div class="columns" style="--n:${runs.length}">`);
    for (const run of runs) {
      const verdict = runFailed(run) ? '<span class="badge fail">checks failed</span>' : '<span class="badge pass">checks ok</span>';
      out.push(`<div class="column${runFailed(run) ? ' failing' : ''}" data-run="${escapeHtml(runName(run))}">`);
      out.push(
        `<div class="colhead"><strong>${escapeHtml(runName(run))}</strong> ${verdict}<br>` +
          `reported ${statusBadge(run.reportedStatus)} expected ${statusBadge(run.expectedStatus)}${expectedFromText(run)} · exit ${escapeHtml(formatExit(run.exitCode))} · ${escapeHtml(formatDuration(run.durationMs))}` +
          `${run.telemetryHref !== null ? ` · ${link(run.telemetryHref, 'telemetry.json')}` : ''}</div>`,
      );
      if (run.telemetry === null) {
        out.push('<p class="muted">The run wrote no telemetry.</p>');
      } else if (run.telemetry.value === undefined) {
        out.push(
          run.telemetry.truncated
            ? '<p class="muted">The telemetry is too large to show whole; its start:</p>'
            : '<p class="bad">telemetry.json is not valid JSON; its text:</p>',
        );
        out.push(`<pre class="json">${escapeHtml(run.telemetry.text)}</pre>`);
      } else {
        out.push(`<pre class="json">${renderJsonWithDiff(run.telemetry.value, diff)}</pre>`);
      }
      if (run.telemetry?.truncated) out.push('<p class="muted">(cut: the file is too large to show whole; follow the link)</p>');
      out.push('</div>');
    }
    out.push('</div></section>');
  }
  return out.join('\n');
}
