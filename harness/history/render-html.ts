// history --html: one self-contained page (no network, like the bundle's index.html) with the
// commits × gaps grid, each commit linked to the evidence bundles its verdicts came from,
// and each gap's changes. Everything shown goes through escapeHtml.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { newPairId } from '../evidence/evidence.ts';
import { GAP_IDS } from '../gaps/index.ts';
import { escapeHtml, HTML_REPORT_NAME, link, pageHead, relativeHref } from '../reports/html/index.ts';
import type { HistoryResult, HistoryRow } from './model.ts';
import { rowSource } from './render-console.ts';

const CSS = `
:root{--fg:#1d2330;--muted:#667085;--line:#dde1e7;--panel:#f6f7f9;--pass:#17803d;--pass-bg:#e5f5ea;--fail:#b42318;--fail-bg:#fdecea;--none-bg:#eceef2}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg)}
header{padding:18px 28px;border-bottom:1px solid var(--line);background:var(--panel)}
header h1{margin:0 0 4px;font-size:20px}
main{padding:8px 28px 40px}
h2{margin:28px 0 10px;font-size:17px;border-bottom:1px solid var(--line);padding-bottom:4px}
a{color:#1849a9} code{font:12px/1.45 ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace}
.muted{color:var(--muted)}
table{border-collapse:collapse;margin:4px 0 10px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;background:var(--panel)}
td.state{font-size:12px;font-weight:600;white-space:nowrap}
td.present{background:var(--fail-bg);color:var(--fail)} td.closed{background:var(--pass-bg);color:var(--pass)} td.not-testable{background:var(--none-bg);color:var(--muted)}
td.changed{box-shadow:inset 3px 0 0 #d49b00}
ul.links{margin:0;padding-left:16px}
`;

/** The bundle's page when it has one (history --html writes them), else the folder. */
function bundleTarget(bundle: string): string {
  const page = join(bundle, HTML_REPORT_NAME);
  return existsSync(page) ? page : bundle;
}

function evidenceCell(row: HistoryRow, from: string): string {
  const there = row.verdicts.bundles.filter((bundle) => existsSync(bundle));
  if (row.verdicts.bundles.length === 0) return `<span class="muted">${escapeHtml(row.verdicts.problem ?? 'none')}</span>`;
  if (there.length === 0) return '<span class="muted">the bundles of that probe are no longer there</span>';
  const label = (bundle: string) => {
    const name = basename(bundle);
    const at = name.lastIndexOf('-gaps');
    return at < 0 ? name : name.slice(at + 1);
  };
  return `<ul class="links">${there.map((bundle) => `<li>${link(relativeHref(from, bundleTarget(bundle)), label(bundle))}</li>`).join('')}</ul>`;
}

export function renderHistoryHtml(result: HistoryResult, htmlFile: string, generatedAt: string): string {
  const from = dirname(resolve(htmlFile));
  const shortOf = (sha: string) => result.rows.find((row) => row.commit.sha === sha)?.commit.short ?? sha.slice(0, 7);
  const changed = new Set(result.changes.map((change) => `${change.sha} ${change.gap}`));
  const head = `<tr><th>commit</th><th>date</th><th>subject</th><th>verdicts</th>${GAP_IDS.map((id) => `<th>${escapeHtml(id)}</th>`).join('')}<th>evidence</th></tr>`;
  const rows = result.rows.map((row) => {
    const cells = row.verdicts.gaps.map(
      (gap) =>
        `<td class="state ${escapeHtml(gap.state)}${changed.has(`${row.commit.sha} ${gap.id}`) ? ' changed' : ''}" title="${escapeHtml(gap.reason)}">${escapeHtml(gap.state)}</td>`,
    );
    return (
      `<tr id="c-${escapeHtml(row.commit.sha)}"><td><code title="${escapeHtml(row.commit.sha)}">${escapeHtml(row.commit.short)}</code></td>` +
      `<td>${escapeHtml(row.commit.date.slice(0, 10))}</td><td>${escapeHtml(row.commit.subject)}</td><td>${escapeHtml(rowSource(row, shortOf))}</td>` +
      `${cells.join('')}<td>${evidenceCell(row, from)}</td></tr>`
    );
  });
  const changes = GAP_IDS.flatMap((gap) =>
    result.changes
      .filter((change) => change.gap === gap)
      .map(
        (change) =>
          `<li><code>${escapeHtml(gap)}</code>: ${escapeHtml(change.from)} → ${escapeHtml(change.to)} at <a href="#c-${escapeHtml(change.sha)}"><code>${escapeHtml(shortOf(change.sha))}</code></a></li>`,
      ),
  );
  const title = `Guardrail gaps across ${result.range}`;
  return [
    ...pageHead(title, CSS),
    '<body><header>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<div class="muted">${escapeHtml(result.repo)} · paths ${escapeHtml(result.paths.join(', '))} · ${result.rows.length} commits touched them · ` +
      `${result.probes} probed, ${result.cacheHits} from the cache, ${result.reused} reused a tree · written ${escapeHtml(generatedAt)}</div>`,
    '</header><main>',
    '<h2>Commits × gaps</h2>',
    '<p class="muted">Oldest first. A marked cell changed against the row before; hover a cell for why.</p>',
    `<table><thead>${head}</thead><tbody>${rows.join('\n')}</tbody></table>`,
    '<h2>Changes</h2>',
    changes.length > 0 ? `<ul>${changes.join('')}</ul>` : '<p class="muted">No gap changed state.</p>',
    '</main></body></html>',
    '',
  ].join('\n');
}

/** Writes OUT/<SPEC-ID>/<id>-history.html, beside the evidence bundles it links to, and returns its path. */
export async function writeHistoryHtml(result: HistoryResult, out: string, specId: string): Promise<string> {
  const path = resolve(out, specId, `${newPairId()}-history.html`);
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, renderHistoryHtml(result, path, new Date().toISOString()));
  return path;
}
