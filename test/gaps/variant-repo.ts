// Regressed guardrails for the gap tests: each variant is an overlay (only the
// files it changes, plus VARIANT.md) laid over a copy of the reference guardrails.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GapId } from '../../harness/gaps.ts';
import { REFERENCE_GUARDRAILS } from '../../harness/runner.ts';

export const VARIANTS_DIR = fileURLToPath(new URL('../fixtures/guardrails/variants', import.meta.url));

/** Every variant and the one gap it reintroduces. */
export const VARIANTS: readonly { id: string; gap: GapId }[] = [
  { id: 'baseline-ignores-exit', gap: 'baseline-exit' },
  { id: 'baseline-if-not-code', gap: 'baseline-exit' },
  { id: 'hal-failure-swallowed', gap: 'hal-failure-propagation' },
  { id: 'artifact-on-failure', gap: 'artifact-on-failure' },
  { id: 'no-manifest-path', gap: 'manifest-path' },
  { id: 'graphql-unescaped', gap: 'graphql-escaping' },
  { id: 'status-by-body', gap: 'status-by-body' },
  { id: 'hal-summary-flag', gap: 'hal-summary-flag' },
  { id: 'hal-summary-missing', gap: 'hal-summary-flag' },
  { id: 'secret-leak', gap: 'secret-leak' },
];

/** Files of an overlay, relative to its root, VARIANT.md left out. */
export async function overlayFiles(variant: string): Promise<string[]> {
  const root = join(VARIANTS_DIR, variant);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
    .filter((file) => file !== 'VARIANT.md')
    .sort();
}

export interface VariantRepo {
  dir: string;
  remove: () => Promise<void>;
}

/** A temp folder holding the reference guardrails with the variant's overlay on top. */
export async function materialiseVariant(variant: string): Promise<VariantRepo> {
  const base = await mkdtemp(join(tmpdir(), `gap-variant-${variant}-`));
  const dir = join(base, 'repo');
  await cp(REFERENCE_GUARDRAILS, dir, { recursive: true });
  for (const file of await overlayFiles(variant)) {
    await cp(join(VARIANTS_DIR, variant, file), join(dir, file));
  }
  return { dir, remove: () => rm(base, { recursive: true, force: true }) };
}
