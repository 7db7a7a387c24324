// Everything the page shows comes from files a guardrail or a run wrote, so every
// string goes through escapeHtml on its way out, and links are built here only.
import { relative, sep } from 'node:path';

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

export function link(href: string | null, text: string): string {
  return href === null ? escapeHtml(text) : `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>`;
}

export function statusBadge(status: string | null): string {
  if (status === null) return '<span class="badge none">none</span>';
  const cls = status === 'passed' ? 'pass' : status === 'failed' ? 'fail' : 'none';
  return `<span class="badge ${cls}">${escapeHtml(status)}</span>`;
}

/** An id safe in an attribute and a fragment, one-to-one with the text. */
export function anchorId(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)?.toString(16)}`);
}
