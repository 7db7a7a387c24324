// The page: its head (with the Content-Security-Policy that allows no network), the
// inline CSS and the one inline script, and the sections in reading order.
import { renderChecks } from './checks.ts';
import { escapeHtml } from './escape.ts';
import { renderFiles, renderProblems } from './files.ts';
import { type HtmlReportInput, runFailed } from './model.ts';
import { renderPairs, renderRunsTable } from './runs.ts';
import { renderTimeline } from './timeline.ts';

const CSS = `
:root{--fg:#1d2330;--muted:#667085;--bg:#fff;--panel:#f6f7f9;--line:#dde1e7;--pass:#17803d;--pass-bg:#e5f5ea;--fail:#b42318;--fail-bg:#fdecea;--mark:#ffe58a;--soft:#eef2ff}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px;border-bottom:1px solid var(--line);background:var(--panel)}
header h1{margin:0 0 4px;font-size:20px}
header.failed{border-top:6px solid var(--fail)} header.passed{border-top:6px solid var(--pass)}
nav{margin-top:8px} nav a{margin-right:14px}
main{padding:8px 28px 40px}
h2{margin:28px 0 10px;font-size:17px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{margin:18px 0 8px;font-size:15px}
a{color:#1849a9}
code,pre{font:12px/1.45 ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace}
.muted{color:var(--muted)} .small{font-size:12px;font-weight:normal} .good{color:var(--pass)} .bad{color:var(--fail)}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;line-height:18px}
.badge.pass{background:var(--pass-bg);color:var(--pass)} .badge.fail{background:var(--fail-bg);color:var(--fail)} .badge.none{background:#eceef2;color:var(--muted)}
.verdict{font-size:13px;padding:2px 10px;vertical-align:middle}
table{border-collapse:collapse;width:100%;margin:4px 0 10px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;background:var(--panel)}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.check.failed td{background:var(--fail-bg)} tr.check.failed td.msg{color:var(--fail);font-weight:500}
tr.check.not-applicable td{color:var(--muted)}
td.msg{word-break:break-word}
.columns{display:grid;grid-template-columns:repeat(var(--n),minmax(300px,1fr));gap:12px;overflow-x:auto}
.column{border:1px solid var(--line);border-radius:6px;background:var(--panel);min-width:0}
.column.failing{border-color:var(--fail)}
.colhead{padding:8px 10px;border-bottom:1px solid var(--line);background:#fff;border-radius:6px 6px 0 0}
pre.json{margin:0;padding:8px 0;white-space:pre-wrap}
pre.json .ln{display:block;padding:0 10px 0 10px;white-space:pre-wrap;overflow-wrap:anywhere}
pre.json .ln.differs{background:var(--mark);box-shadow:inset 3px 0 0 #d49b00}
pre.json .ln.volatile{background:var(--soft)}
pre.json .k{color:#6b2fa3} pre.json .s{color:#0b6b3a} pre.json .n{color:#1849a9} pre.json .b{color:#a15c00}
.legend span{display:inline-block;padding:0 8px;margin-right:10px;border-radius:3px}
.legend .differs{background:var(--mark)} .legend .volatile{background:var(--soft)}
table.timeline{max-width:1100px} th.gantt,td.gantt{width:38%}
td.gantt{padding-top:8px}
.bar{display:block;height:9px;border-radius:3px;min-width:2px}
.bar.pass{background:#3fa66a} .bar.fail{background:#d9534f}
ul.files{columns:2 360px;margin:0 0 8px;padding-left:20px} ul.files li{break-inside:avoid;word-break:break-all}
label.filter{display:inline-block;margin:4px 0 6px;user-select:none}
body.only-failed tr.check:not(.failed){display:none}
.notes li{color:#8a5a00}
.problems li{color:var(--fail)}
code.val{word-break:break-all}
td.reason,td.expected,td.seen{max-width:260px}
`;

// The only script: a filter for the checks table. It reads no data from the page.
const SCRIPT = `
document.getElementById('only-failed')?.addEventListener('change', function (event) {
  document.body.classList.toggle('only-failed', event.target.checked);
});
`;

/** The start of a self-contained page, up to </head>: the title, the inline CSS, and a policy that allows no network. */
export function pageHead(title: string, css: string): string[] {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No network at all: only the page's inline style and script may run.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style></head>`,
  ];
}

export function renderHtmlReport(input: HtmlReportInput): string {
  const failedChecks = input.runs.reduce((n, run) => n + run.checks.filter((check) => check.status === 'failed').length, 0);
  const failedRuns = input.runs.filter(runFailed).length;
  const title = `Guardrail harness ${input.ok ? 'passed' : 'failed'}: ${input.specId}`;
  const parts: string[] = [];
  parts.push(
    ...pageHead(title, CSS),
    '<body>',
    `<header class="${input.ok ? 'passed' : 'failed'}">`,
    `<h1>${escapeHtml(input.specId)} guardrail evidence <span class="badge verdict ${input.ok ? 'pass' : 'fail'}">${input.ok ? 'PASSED' : 'FAILED'}</span></h1>`,
    `<div class="muted">pair <code>${escapeHtml(input.pairId)}</code> · ${input.runs.length} run${input.runs.length === 1 ? '' : 's'} · ` +
      `${failedChecks} failed check${failedChecks === 1 ? '' : 's'} in ${failedRuns} run${failedRuns === 1 ? '' : 's'} · report written ${escapeHtml(input.generatedAt)}</div>`,
    '<nav><a href="#pairs">pairs</a><a href="#timeline">HAL timeline</a><a href="#checks-section">checks</a><a href="#files">evidence files</a></nav>',
    '</header><main>',
  );
  if (input.notes.length > 0) {
    parts.push(`<ul class="notes">${input.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`);
  }
  if (input.problems.length > 0) {
    parts.push(
      '<h2 id="problems">Bundle problems</h2>',
      '<p class="muted">Files the report could not use; what they would have shown is missing below.</p>',
      renderProblems(input),
    );
  }
  parts.push('<h2>Runs</h2>', renderRunsTable(input));
  parts.push(
    '<h2 id="pairs">Pairs</h2>',
    '<p class="legend muted">Each flow\'s runs side by side. <span class="differs">field differs</span><span class="volatile">differs only in times, ids or run folders</span></p>',
    renderPairs(input),
  );
  parts.push('<h2 id="checks-section">Checks</h2>', renderChecks(input));
  parts.push(
    '<h2 id="timeline">HAL timeline</h2>',
    '<p class="muted">Every request the mock received in each run (from journal.json): when, what it answered, how long it took.</p>',
    renderTimeline(input),
  );
  parts.push('<h2 id="files">Evidence files</h2>', renderFiles(input));
  parts.push('</main>', `<script>${SCRIPT}</script>`, '</body></html>', '');
  return parts.join('\n');
}
