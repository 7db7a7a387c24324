// File names CI artifact uploaders accept: the guardrails' names have colons, which
// some uploaders (and Windows disks) reject. The evidence writer and the export use these.
import { extname } from 'node:path';

// Characters GitHub's upload-artifact (and Windows file systems) reject, plus path
// separators and every other control character, which would break the layout.
const UNSAFE_CHARS = /[:"<>|*?\\/\u0000-\u001f\u007f]/g;
/** Leaves room for the "-NN" a collision adds within the usual 255-byte name limit. */
const MAX_NAME_BYTES = 200;

/** A file name CI artifact uploaders accept; the same input always gives the same output. */
export function safeFileName(name: string): string {
  let safe = name.replace(UNSAFE_CHARS, '-');
  // Leading dots and spaces: hidden files, and names Windows silently trims.
  safe = safe.replace(/^[. ]+/, (m) => '-'.repeat(m.length));
  if (safe === '') safe = 'unnamed';
  if (Buffer.byteLength(safe) > MAX_NAME_BYTES) {
    const ext = extOf(safe);
    const budget = MAX_NAME_BYTES - Buffer.byteLength(ext);
    let stem = '';
    let bytes = 0;
    // Cut by whole code points so the name stays valid UTF-8.
    for (const char of safe.slice(0, safe.length - ext.length)) {
      const size = Buffer.byteLength(char);
      if (bytes + size > budget) break;
      stem += char;
      bytes += size;
    }
    safe = stem + ext;
  }
  // Trailing ones after the cut, which can end the name on one.
  return safe.replace(/[. ]+$/, (m) => '-'.repeat(m.length));
}

function extOf(name: string): string {
  const ext = extname(name);
  // Keep only short, plain extensions; "a.b c d" has no extension worth preserving.
  return /^\.[A-Za-z0-9]{1,10}$/.test(ext) ? ext : '';
}

/**
 * safeFileName, made unique against `used` (compared case-insensitively, since
 * artifact stores and macOS/Windows disks are): `a.json`, `a-2.json`, `a-3.json`.
 * The chosen name is added to `used`.
 */
export function uniqueSafeFileName(name: string, used: Set<string>): string {
  const safe = safeFileName(name);
  const taken = new Set([...used].map((n) => n.toLowerCase()));
  let candidate = safe;
  if (taken.has(candidate.toLowerCase())) {
    const ext = extOf(safe);
    const stem = safe.slice(0, safe.length - ext.length);
    for (let n = 2; ; n++) {
      candidate = `${stem}-${n}${ext}`;
      if (!taken.has(candidate.toLowerCase())) break;
    }
  }
  used.add(candidate);
  return candidate;
}
