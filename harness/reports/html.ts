// The HTML report: one self-contained index.html per evidence bundle, for a person
// reading a CI artifact. It opens from file:// with no network (inline CSS and a few
// lines of inline JS, locked down by a Content-Security-Policy) and shows each
// flow's runs side by side with the telemetry fields that differ highlighted, a
// timeline of the HAL requests every run made, the checks with failures first, and
// links to every file in the bundle.
//
// Everything shown comes from files a guardrail or a run wrote, so every string is
// escaped on the way out; nothing from the bundle ever lands in a script or a style.
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { EvidenceError, writeFileAtomic } from '../evidence/evidence.ts';
import { FLOWS, type CheckResult, type CheckStatus } from '../run/types.ts';
import { formatDuration, formatExit } from './common.ts';

export const HTML_REPORT_NAME = 'index.html';

/** Files bigger than this are linked but not shown inline. */
const MAX_INLINE_CHARS = 200_000;
const MAX_LISTED_FILES = 5_000;

// --- input -----------------------------------------------------------------------

/** One journal entry, reduced to what the timeline shows. */
export interface HtmlJournalEntry {
  time: string | null;
  method: string;
  path: string;
  check: string | null;
  status: number | null;
  fault: string | null;
  durationMs: number | null;
}

export interface HtmlFileLink {
  /** Path inside the bundle, "/"-separated. */
  path: string;
  /** Link relative to the report file. */
  href: string;
  bytes: number;
}

export interface HtmlTelemetry {
  text: string;
  /** The parsed document, or undefined when the text is not JSON. */
  value?: unknown;
  truncated: boolean;
}

export interface HtmlRun {
  scenario: string;
  phase?: string;
  flow: string;
  exitCode: number | null;
  durationMs: number;
  /** Run folder inside the bundle ("healthy/validate"); "" when unknown. */
  dir: string;
  checks: CheckResult[];
  reportedStatus: string | null;
  expectedStatus: string | null;
  telemetry: HtmlTelemetry | null;
  /** Link to the telemetry file, when there is one. */
  telemetryHref: string | null;
  journal: HtmlJournalEntry[] | null;
  files: HtmlFileLink[];
}

export interface HtmlFlowPair {
  flow: string;
  transition: string | null;
  expectedTransition: string | null;
  matched: boolean | null;
}

export interface HtmlReportInput {
  ok: boolean;
  specId: string;
  pairId: string;
  notes: string[];
  runs: HtmlRun[];
  pairs: HtmlFlowPair[];
  /** Files outside every run folder (pair.json, report.json, ...). */
  bundleFiles: HtmlFileLink[];
  generatedAt: string;
}

// --- escaping --------------------------------------------------------------------

/**
 * Escapes text for HTML element content and quoted attribute values alike. Control
 * characters (ANSI colours in a script's output) become a visible \uXXXX, and a lone
 * surrogate, which UTF-8 cannot carry, becomes U+FFFD.
 */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A relative link from `fromDir` to `file`, each segment percent-encoded. */
export function relativeHref(fromDir: string, file: string): string {
  return relative(fromDir, file)
    .split(sep)
    .map((part) => (part === '..' ? part : encodeURIComponent(part)))
    .join('/');
}

// --- telemetry diff -----------------------------------------------------------------

type PathPart = string | number;

function pathKey(path: readonly PathPart[]): string {
  return JSON.stringify(path);
}

/** Every leaf (scalar, empty object or empty array) of a JSON value, by path. */
function leaves(value: unknown, path: PathPart[] = [], out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, index) => leaves(item, [...path, index], out));
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) leaves(item, [...path, key], out);
  } else {
    out.set(pathKey(path), JSON.stringify(value) ?? 'undefined');
  }
  return out;
}

/**
 * Values that differ from run to run by construction: times, session ids, and the
 * random folder each run works in. Used to tell an expected difference from a real one.
 */
function normalised(value: string): string {
  return value.replace(/guardrail-run-[A-Za-z0-9]+/g, 'guardrail-run-*').replace(/\d+/g, '#');
}

export type DiffKind = 'same' | 'differs' | 'volatile';

/**
 * Compares the leaves of several telemetry documents. A leaf `differs` when some
 * document lacks it or holds another value; it is only `volatile` when every
 * document has it and the values match once digits and run folders are masked
 * (timestamps, session ids, artifact paths).
 */
export function diffTelemetry(documents: readonly unknown[]): Map<string, DiffKind> {
  const maps = documents.map((doc) => leaves(doc));
  const keys = new Set(maps.flatMap((map) => [...map.keys()]));
  const result = new Map<string, DiffKind>();
  for (const key of keys) {
    const values = maps.map((map) => map.get(key));
    if (values.every((value) => value === values[0])) {
      result.set(key, 'same');
    } else if (values.every((value) => value !== undefined && normalised(value) === normalised(values[0] as string))) {
      result.set(key, 'volatile');
    } else {
      result.set(key, 'differs');
    }
  }
  return result;
}

/** Pretty-prints JSON like JSON.stringify(v, null, 2), one span per line, marking differing leaves. */
export function renderJsonWithDiff(value: unknown, diff: ReadonlyMap<string, DiffKind>): string {
  const lines: string[] = [];
  const line = (depth: number, text: string, kind: DiffKind = 'same') => {
    const cls = kind === 'same' ? 'ln' : `ln ${kind}`;
    lines.push(`<span class="${cls}">${'  '.repeat(depth)}${text}</span>`);
  };
  const walk = (node: unknown, path: PathPart[], depth: number, label: string, comma: string) => {
    const isArray = Array.isArray(node);
    const entries: [PathPart, unknown][] = isArray
      ? (node as unknown[]).map((item, index) => [index, item])
      : node !== null && typeof node === 'object'
        ? Object.entries(node)
        : [];
    if ((isArray || (node !== null && typeof node === 'object')) && entries.length > 0) {
      line(depth, `${label}${isArray ? '[' : '{'}`);
      entries.forEach(([key, item], index) => {
        const childLabel = isArray ? '' : `<span class="k">${escapeHtml(JSON.stringify(key))}</span>: `;
        walk(item, [...path, key], depth + 1, childLabel, index < entries.length - 1 ? ',' : '');
      });
      line(depth, `${isArray ? ']' : '}'}${comma}`);
      return;
    }
    const text = JSON.stringify(node) ?? 'null';
    const cls = typeof node === 'string' ? 's' : typeof node === 'number' ? 'n' : 'b';
    line(depth, `${label}<span class="${cls}">${escapeHtml(text)}</span>${comma}`, diff.get(pathKey(path)) ?? 'same');
  };
  walk(value, [], 0, '', '');
  return lines.join('');
}

// --- rendering ----------------------------------------------------------------------

const STATUS_ORDER: Record<CheckStatus, number> = { failed: 0, passed: 1, 'not-applicable': 2 };
const STATUS_LABEL: Record<CheckStatus, string> = { failed: 'failed', passed: 'passed', 'not-applicable': 'n/a' };

export function runName(run: Pick<HtmlRun, 'scenario' | 'phase'>): string {
  return run.phase === undefined ? run.scenario : `${run.scenario}/${run.phase}`;
}

export interface CheckRow {
  run: HtmlRun;
  check: CheckResult;
}

/** Every check of every run, failures first, then passes, then not applicable; run order kept within each. */
export function sortedCheckRows(runs: readonly HtmlRun[]): CheckRow[] {
  const rows = runs.flatMap((run) => run.checks.map((check) => ({ run, check })));
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => (STATUS_ORDER[a.row.check.status] ?? 3) - (STATUS_ORDER[b.row.check.status] ?? 3) || a.index - b.index)
    .map(({ row }) => row);
}

function runFailed(run: HtmlRun): boolean {
  return run.checks.some((check) => check.status === 'failed');
}

function statusBadge(status: string | null): string {
  if (status === null) return '<span class="badge none">none</span>';
  const cls = status === 'passed' ? 'pass' : status === 'failed' ? 'fail' : 'none';
  return `<span class="badge ${cls}">${escapeHtml(status)}</span>`;
}

function link(href: string | null, text: string): string {
  return href === null ? escapeHtml(text) : `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function flowOrder(flow: string): number {
  const index = (FLOWS as readonly string[]).indexOf(flow);
  return index === -1 ? FLOWS.length : index;
}

function renderPairs(input: HtmlReportInput): string {
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
    out.push(
      `<h3>${escapeHtml(flow)} ${transition}<span class="muted small"> · ${changed} differing field${changed === 1 ? '' : 's'}</span></h3>`,
    );
    out.push(`<div class="columns" style="--n:${runs.length}">`);
    for (const run of runs) {
      const verdict = runFailed(run) ? '<span class="badge fail">checks failed</span>' : '<span class="badge pass">checks ok</span>';
      out.push(`<div class="column${runFailed(run) ? ' failing' : ''}" data-run="${escapeHtml(runName(run))}">`);
      out.push(
        `<div class="colhead"><strong>${escapeHtml(runName(run))}</strong> ${verdict}<br>` +
          `reported ${statusBadge(run.reportedStatus)} expected ${statusBadge(run.expectedStatus)} · exit ${escapeHtml(formatExit(run.exitCode))} · ${escapeHtml(formatDuration(run.durationMs))}` +
          `${run.telemetryHref !== null ? ` · ${link(run.telemetryHref, 'telemetry.json')}` : ''}</div>`,
      );
      if (run.telemetry === null) {
        out.push('<p class="muted">The run wrote no telemetry.</p>');
      } else if (run.telemetry.value === undefined) {
        out.push('<p class="bad">telemetry.json is not valid JSON; its text:</p>');
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

function parseTime(time: string | null): number | null {
  if (time === null) return null;
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

function renderTimeline(input: HtmlReportInput): string {
  const out: string[] = [];
  for (const run of input.runs) {
    out.push(`<h3>${escapeHtml(runName(run))} · ${escapeHtml(run.flow)}</h3>`);
    if (run.journal === null) {
      out.push('<p class="muted">No journal.json in this run folder.</p>');
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
    out.push('<table class="timeline"><thead><tr><th>at</th><th>check</th><th>request</th><th>answer</th><th>latency</th><th class="gantt">timeline</th></tr></thead><tbody>');
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

function renderChecks(input: HtmlReportInput): string {
  const rows = sortedCheckRows(input.runs);
  if (rows.length === 0) return '<p class="muted">No checks were recorded.</p>';
  const out: string[] = [];
  out.push(
    '<label class="filter"><input type="checkbox" id="only-failed"> show failed checks only</label>',
    '<table id="checks"><thead><tr><th>result</th><th>run</th><th>flow</th><th>check</th><th>message</th></tr></thead><tbody>',
  );
  for (const { run, check } of rows) {
    const status = (Object.hasOwn(STATUS_LABEL, check.status) ? check.status : 'not-applicable') as CheckStatus;
    const evidence = run.dir === '' ? escapeHtml(runName(run)) : link(run.files.length > 0 ? dirHref(run) : null, runName(run));
    out.push(
      `<tr class="check ${status}" data-status="${escapeHtml(status)}"><td><span class="badge ${status === 'failed' ? 'fail' : status === 'passed' ? 'pass' : 'none'}">${STATUS_LABEL[status]}</span></td>` +
        `<td>${evidence}</td><td>${escapeHtml(run.flow)}</td><td><code>${escapeHtml(check.id)}</code></td><td class="msg">${escapeHtml(check.message)}</td></tr>`,
    );
  }
  out.push('</tbody></table>');
  return out.join('\n');
}

/** The run's own anchor in the file list. */
function dirHref(run: HtmlRun): string {
  return `#files-${anchorId(run.dir)}`;
}

function anchorId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)?.toString(16)}`);
}

function fileList(files: readonly HtmlFileLink[], base: string): string {
  return `<ul class="files">${files
    .map((file) => {
      const shown = base !== '' && file.path.startsWith(`${base}/`) ? file.path.slice(base.length + 1) : file.path;
      return `<li><a href="${escapeHtml(file.href)}">${escapeHtml(shown)}</a> <span class="muted">${escapeHtml(formatBytes(file.bytes))}</span></li>`;
    })
    .join('')}</ul>`;
}

function renderFiles(input: HtmlReportInput): string {
  const out: string[] = [];
  if (input.bundleFiles.length > 0) {
    out.push('<h3>bundle</h3>', fileList(input.bundleFiles, ''));
  }
  for (const run of input.runs) {
    if (run.files.length === 0) continue;
    out.push(`<h3 id="files-${escapeHtml(anchorId(run.dir))}">${escapeHtml(run.dir)}</h3>`, fileList(run.files, run.dir));
  }
  return out.length > 0 ? out.join('\n') : '<p class="muted">No files found in the bundle.</p>';
}

function renderRunsTable(input: HtmlReportInput): string {
  const rows = input.runs.map((run) => {
    const failed = run.checks.filter((check) => check.status === 'failed').map((check) => check.id);
    return (
      `<tr class="${failed.length > 0 ? 'notok' : 'ok'}"><td>${failed.length > 0 ? '<span class="badge fail">FAIL</span>' : '<span class="badge pass">ok</span>'}</td>` +
      `<td>${escapeHtml(runName(run))}</td><td>${escapeHtml(run.flow)}</td><td class="num">${escapeHtml(formatExit(run.exitCode))}</td>` +
      `<td class="num">${escapeHtml(formatDuration(run.durationMs))}</td><td>${statusBadge(run.reportedStatus)} / ${statusBadge(run.expectedStatus)}</td>` +
      `<td>${failed.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}</td></tr>`
    );
  });
  return (
    '<table class="runs"><thead><tr><th>result</th><th>run</th><th>flow</th><th>exit</th><th>time</th><th>reported / expected</th><th>failed checks</th></tr></thead><tbody>' +
    rows.join('') +
    '</tbody></table>'
  );
}

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
`;

// The only script: a filter for the checks table. It reads no data from the page.
const SCRIPT = `
document.getElementById('only-failed')?.addEventListener('change', function (event) {
  document.body.classList.toggle('only-failed', event.target.checked);
});
`;

export function renderHtmlReport(input: HtmlReportInput): string {
  const failedChecks = input.runs.reduce((n, run) => n + run.checks.filter((check) => check.status === 'failed').length, 0);
  const failedRuns = input.runs.filter(runFailed).length;
  const title = `Guardrail harness ${input.ok ? 'passed' : 'failed'}: ${input.specId}`;
  const parts: string[] = [];
  parts.push(
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    // No network at all: only the inline style and script below may run.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style></head>`,
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

// --- loading a bundle -------------------------------------------------------------------

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

async function readJson(path: string): Promise<{ text: string; value?: unknown; truncated: boolean } | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  let parsed = false;
  try {
    value = JSON.parse(text);
    parsed = true;
  } catch {
    // Shown as text.
  }
  const truncated = text.length > MAX_INLINE_CHARS;
  const shown = truncated ? text.slice(0, MAX_INLINE_CHARS) : text;
  return parsed && !truncated ? { text: shown, value, truncated } : { text: shown, truncated };
}

/** A "/"-separated path inside the bundle, or null when it would leave it. */
function insideBundle(path: string): string | null {
  if (path === '' || isAbsolute(path)) return null;
  const parts = path.split(/[\\/]+/).filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) return null;
  return parts.join('/');
}

async function walk(root: string, dir: string, out: string[], skip: ReadonlySet<string>): Promise<void> {
  if (out.length >= MAX_LISTED_FILES) return;
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) await walk(root, rel, out, skip);
    else if (entry.isFile() && !skip.has(rel)) out.push(rel);
    if (out.length >= MAX_LISTED_FILES) return;
  }
}

function toCheck(value: unknown): CheckResult | null {
  if (!isRecord(value)) return null;
  const status = value.status === 'passed' || value.status === 'failed' || value.status === 'not-applicable' ? value.status : null;
  if (status === null) return null;
  return {
    id: str(value.id, '?') as CheckResult['id'],
    status,
    ok: status === 'passed' ? true : status === 'failed' ? false : null,
    message: str(value.message),
  };
}

function toJournal(value: unknown): HtmlJournalEntry[] | null {
  if (!Array.isArray(value)) return null;
  return value.filter(isRecord).map((entry) => ({
    time: typeof entry.time === 'string' ? entry.time : null,
    method: str(entry.method, '?'),
    path: str(entry.path, '?'),
    check: typeof entry.check === 'string' ? entry.check : null,
    status: num(entry.status),
    fault: typeof entry.fault === 'string' ? entry.fault : null,
    durationMs: num(entry.durationMs),
  }));
}

/** Reads a bundle (report.json, pair.json and each run folder) into the renderer's input. */
export async function loadHtmlReportInput(bundleDir: string, outFile: string = join(bundleDir, HTML_REPORT_NAME)): Promise<HtmlReportInput> {
  const root = resolve(bundleDir);
  const outPath = resolve(outFile);
  const reportFile = await readJson(join(root, 'report.json'));
  if (reportFile === null) {
    throw new EvidenceError(
      `${root} has no report.json; give the pair folder of an evidence bundle (evidence-bundles/<SPEC-ID>/<pair-id>), written by guardrail-harness run`,
    );
  }
  if (!isRecord(reportFile.value) || !Array.isArray(reportFile.value.runs)) {
    throw new EvidenceError(`${join(root, 'report.json')} is not a harness report (no "runs" list); regenerate it with guardrail-harness run`);
  }
  const report = reportFile.value;
  const pairFile = await readJson(join(root, 'pair.json'));
  const pairFlows = pairFile !== null && isRecord(pairFile.value) && isRecord(pairFile.value.flows) ? pairFile.value.flows : {};
  const recordedRoot = str(report.bundleDir);

  const skip = new Set<string>();
  const outRel = relative(root, outPath).split(sep).join('/');
  if (!outRel.startsWith('..')) skip.add(outRel);
  const allFiles: string[] = [];
  await walk(root, '', allFiles, skip);
  const fromDir = dirname(outPath);
  const fileLink = async (rel: string): Promise<HtmlFileLink> => {
    const abs = join(root, ...rel.split('/'));
    const info = await stat(abs);
    return { path: rel, href: relativeHref(fromDir, abs), bytes: info.size };
  };

  const runs: HtmlRun[] = [];
  for (const raw of report.runs as unknown[]) {
    if (!isRecord(raw)) continue;
    const scenario = str(raw.scenario, '?');
    const phase = typeof raw.phase === 'string' ? raw.phase : undefined;
    const flow = str(raw.flow, '?');
    // report.json holds absolute paths from the machine that ran; the bundle may have moved since.
    const evidenceDir = str(raw.evidenceDir);
    let dir: string | null = null;
    if (recordedRoot !== '' && evidenceDir !== '' && isAbsolute(evidenceDir)) dir = insideBundle(relative(recordedRoot, evidenceDir));
    const pairRuns = isRecord(pairFlows[flow]) && Array.isArray(pairFlows[flow].runs) ? pairFlows[flow].runs.filter(isRecord) : [];
    const pairRun = pairRuns.find((p) => p.scenario === scenario && (p.phase ?? undefined) === phase);
    if (dir === null && pairRun !== undefined) dir = insideBundle(str(pairRun.evidenceDir));
    const runRoot = dir === null ? null : join(root, ...dir.split('/'));
    const manifestFile = runRoot === null ? null : await readJson(join(runRoot, 'manifest.json'));
    const manifest = manifestFile !== null && isRecord(manifestFile.value) ? manifestFile.value : {};
    const telemetryName = typeof manifest.telemetry === 'string' && insideBundle(manifest.telemetry) === manifest.telemetry ? manifest.telemetry : 'telemetry.json';
    const telemetry = runRoot === null ? null : await readJson(join(runRoot, telemetryName));
    const journalFile = runRoot === null ? null : await readJson(join(runRoot, 'journal.json'));
    const files = dir === null ? [] : await Promise.all(allFiles.filter((file) => file.startsWith(`${dir}/`)).map(fileLink));
    const expect = isRecord(manifest.expect) ? manifest.expect : {};
    runs.push({
      scenario,
      ...(phase !== undefined ? { phase } : {}),
      flow,
      exitCode: num(raw.exitCode),
      durationMs: num(raw.durationMs) ?? Number.NaN,
      dir: dir ?? '',
      checks: (Array.isArray(raw.checks) ? raw.checks : []).map(toCheck).filter((check): check is CheckResult => check !== null),
      reportedStatus:
        typeof manifest.reportedStatus === 'string' ? manifest.reportedStatus : typeof pairRun?.status === 'string' ? pairRun.status : null,
      expectedStatus:
        typeof expect.status === 'string' ? expect.status : typeof pairRun?.expectedStatus === 'string' ? pairRun.expectedStatus : null,
      telemetry,
      telemetryHref: telemetry !== null && runRoot !== null ? relativeHref(fromDir, join(runRoot, telemetryName)) : null,
      journal: journalFile === null ? null : toJournal(journalFile.value),
      files,
    });
  }

  const runDirs = runs.map((run) => run.dir).filter((dir) => dir !== '');
  const bundleFiles = await Promise.all(
    allFiles.filter((file) => !runDirs.some((dir) => file.startsWith(`${dir}/`))).map(fileLink),
  );
  const pairs: HtmlFlowPair[] = Object.entries(pairFlows)
    .filter((entry): entry is [string, Record<string, unknown>] => isRecord(entry[1]))
    .map(([flow, value]) => ({
      flow,
      transition: typeof value.transition === 'string' ? value.transition : null,
      expectedTransition: typeof value.expectedTransition === 'string' ? value.expectedTransition : null,
      matched: typeof value.matched === 'boolean' ? value.matched : null,
    }));
  return {
    ok: report.ok === true,
    specId: str(report.specId, '?'),
    pairId: str(report.pairId, '?'),
    notes: Array.isArray(report.notes) ? report.notes.map((note) => String(note)) : [],
    runs,
    pairs,
    bundleFiles,
    generatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

/** Writes the HTML report for a bundle (index.html inside it by default) and returns its path. */
export async function writeHtmlReport(bundleDir: string, outFile?: string): Promise<string> {
  const path = resolve(outFile ?? join(bundleDir, HTML_REPORT_NAME));
  try {
    if ((await stat(resolve(bundleDir))).isDirectory() === false) throw new EvidenceError(`${bundleDir} is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceError(`no such evidence bundle: ${bundleDir}`);
    throw error;
  }
  const input = await loadHtmlReportInput(bundleDir, path);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, renderHtmlReport(input));
  return path;
}
