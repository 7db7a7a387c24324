// The evidence file list: the bundle's own files, then each run folder's, all linked relatively.
import { anchorId, escapeHtml } from './escape.ts';
import type { HtmlFileLink, HtmlReportInput } from './model.ts';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function fileList(files: readonly HtmlFileLink[], base: string): string {
  return `<ul class="files">${files
    .map((file) => {
      const shown = base !== '' && file.path.startsWith(`${base}/`) ? file.path.slice(base.length + 1) : file.path;
      return `<li><a href="${escapeHtml(file.href)}">${escapeHtml(shown)}</a> <span class="muted">${escapeHtml(formatBytes(file.bytes))}</span></li>`;
    })
    .join('')}</ul>`;
}

export function renderFiles(input: HtmlReportInput): string {
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

/** What the bundle reader could not use; empty when the bundle is whole. */
export function renderProblems(input: HtmlReportInput): string {
  if (input.problems.length === 0) return '';
  return `<ul class="problems">${input.problems.map((problem) => `<li data-kind="${escapeHtml(problem.kind)}"><code>${escapeHtml(problem.path)}</code>: ${escapeHtml(problem.problem)}; ${escapeHtml(problem.fix)}</li>`).join('')}</ul>`;
}
