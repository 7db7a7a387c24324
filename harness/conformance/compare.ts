// Compares two sets of observations case by case and says exactly where they part:
// the case, the JSON path, and both values.
import { isDeepStrictEqual } from 'node:util';
import type { Observation } from './observe.ts';

export interface Difference {
  id: string;
  /** JSON path inside the observation, e.g. `answer.result.content[0].text`. */
  path: string;
  expected: unknown;
  actual: unknown;
}

const MISSING = '(absent)';

function walk(id: string, path: string, expected: unknown, actual: unknown, out: Difference[]): void {
  if (isDeepStrictEqual(expected, actual)) return;
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects =
    !bothArrays &&
    expected !== null &&
    actual !== null &&
    typeof expected === 'object' &&
    typeof actual === 'object' &&
    !Array.isArray(expected) &&
    !Array.isArray(actual);
  if (bothArrays) {
    const length = Math.max(expected.length, actual.length);
    for (let i = 0; i < length; i++) {
      walk(id, `${path}[${i}]`, i < expected.length ? expected[i] : MISSING, i < actual.length ? actual[i] : MISSING, out);
    }
    return;
  }
  if (bothObjects) {
    const left = expected as Record<string, unknown>;
    const right = actual as Record<string, unknown>;
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      walk(id, path ? `${path}.${key}` : key, key in left ? left[key] : MISSING, key in right ? right[key] : MISSING, out);
    }
    return;
  }
  out.push({ id, path, expected, actual });
}

/** Every place where `actual` differs from `expected`; cases are matched by id. */
export function compareObservations(expected: readonly Observation[], actual: readonly Observation[]): Difference[] {
  const out: Difference[] = [];
  const byId = new Map(actual.map((observation) => [observation.id, observation]));
  for (const want of expected) {
    const got = byId.get(want.id);
    if (got === undefined) {
      out.push({ id: want.id, path: '', expected: 'this case', actual: MISSING });
      continue;
    }
    byId.delete(want.id);
    walk(want.id, '', { answer: want.answer, requests: want.requests }, { answer: got.answer, requests: got.requests }, out);
  }
  for (const extra of byId.keys()) out.push({ id: extra, path: '', expected: MISSING, actual: 'this case' });
  return out;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** One paragraph per difference, naming both sides. */
export function formatDifferences(differences: readonly Difference[], expectedSide: string, actualSide: string): string {
  return differences.map((d) => `${d.id}${d.path ? ` ${d.path}` : ''}\n  ${expectedSide}: ${show(d.expected)}\n  ${actualSide}: ${show(d.actual)}`).join('\n');
}
