// The HAL timeline: every request the mock received in each run, from journal.json.
import { escapeHtml } from './escape.ts';
import { type HtmlReportInput, runName } from './model.ts';

function parseTime(time: string | null): number | null {
  if (time === null) return null;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

export function renderTimeline(input: HtmlReportInput): string {
  const out: string[] = [];
  for (const run of input.runs) {
    out.push(`<h3>${escapeHtml(runName(run))} · ${escapeHtml(run.flow)}</h3>`);
    if (run.journal === null) {
      out.push('<p class="muted">No readable journal.json in this run folder.</p>');
      continue;
    }
    if (run.journal.length === 0) {
      out.push('<p class="muted">The mock received no request in this run.</p>');
      continue;
    }
    const starts = run.journal.map((entry) => parseTime(entry.time));
    const known = starts.filter((t): t is number => t !== null);
    const first = known.length > 0 ? Math.min(...known) : 0;
    const ends = run.journal.map((entry, i) => (starts[i] ?? first) - first + Math.max(0, entry.durationMs ?? 0));
    const span = Math.max(1, ...ends);
    out.push(
      '<table class="timeline"><thead><tr><th>at</th><th>check</th><th>request</th><th>answer</th><th>latency</th><th class="gantt">timeline</th></tr></thead><tbody>',
    );
    run.journal.forEach((entry, i) => {
      const start = starts[i];
      const offset = start === null || start === undefined ? null : start - first;
      const ok = entry.status !== null && entry.status >= 200 && entry.status <= 299;
      const answer =
        entry.status === null
          ? `<span class="badge fail">${escapeHtml(entry.fault ?? 'no answer')}</span>`
          : `<span class="badge ${ok ? 'pass' : 'fail'}">${escapeHtml(entry.status)}</span>${entry.fault ? ` <span class="muted">${escapeHtml(entry.fault)}</span>` : ''}`;
      const left = offset === null ? 0 : (offset / span) * 100;
      const width = Math.max(0.5, ((entry.durationMs ?? 0) / span) * 100);
      out.push(
        `<tr class="${ok ? 'ok' : 'notok'}"><td class="num">${offset === null ? '?' : `+${escapeHtml(Math.round(offset))} ms`}</td>` +
          `<td>${escapeHtml(entry.check ?? '—')}</td><td><code>${escapeHtml(entry.method)} ${escapeHtml(entry.path)}</code></td>` +
          `<td>${answer}</td><td class="num">${entry.durationMs === null ? '?' : `${escapeHtml(entry.durationMs.toFixed(entry.durationMs < 10 ? 1 : 0))} ms`}</td>` +
          `<td class="gantt"><span class="bar ${ok ? 'pass' : 'fail'}" style="margin-left:${left.toFixed(2)}%;width:${Math.min(100 - left, width).toFixed(2)}%"></span></td></tr>`,
      );
    });
    out.push('</tbody></table>');
  }
  return out.join('\n');
}
