// The side-by-side telemetry view: which leaves differ between a flow's runs, and the
// documents pretty-printed with those lines marked.
import { escapeHtml } from './escape.ts';

type PathPart = string | number;

function pathKey(path: readonly PathPart[]): string {
  return JSON.stringify(path);
}

/** Every leaf (scalar, empty object or empty array) of a JSON value, by path. */
function leaves(value: unknown, path: PathPart[] = [], out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length > 0) {
    for (const [index, item] of value.entries()) leaves(item, [...path, index], out);
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
