// Regressed guardrails for the gap and knob tests: each variant is a small patch against
// the reference guardrails (its first line says which gap it reintroduces or which knob it
// breaks), applied to a copy.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GapId } from '../../harness/gaps/index.ts';
import type { KnobId } from '../../harness/knobs/index.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../harness/run/runner.ts';

export const VARIANTS_DIR = fileURLToPath(new URL('../fixtures/guardrails/variants', import.meta.url));

/** Every variant and the one gap it reintroduces. */
export const VARIANTS: readonly { id: string; gap: GapId }[] = [
  { id: 'baseline-ignores-exit', gap: 'baseline-exit' },
  { id: 'baseline-if-not-code', gap: 'baseline-exit' },
  { id: 'baseline-exit-report-masks', gap: 'baseline-exit' },
  { id: 'hal-failure-swallowed', gap: 'hal-failure-propagation' },
  { id: 'artifact-on-failure', gap: 'artifact-on-failure' },
  { id: 'no-manifest-path', gap: 'manifest-path' },
  { id: 'graphql-unescaped', gap: 'graphql-escaping' },
  { id: 'status-by-body', gap: 'status-by-body' },
  { id: 'hal-summary-flag', gap: 'hal-summary-flag' },
  { id: 'hal-summary-missing', gap: 'hal-summary-flag' },
  { id: 'secret-leak', gap: 'secret-leak' },
];

/** Every knob variant and the one row of `knobs` it breaks. */
export const KNOB_VARIANTS: readonly { id: string; knob: KnobId }[] = [
  { id: 'hal-skip-ignored', knob: 'hal-skip' },
  { id: 'allow-dirty-ignored', knob: 'allow-dirty' },
  { id: 'baseline-allow-fail-ignored', knob: 'baseline-allow-fail' },
  { id: 'manifest-default-root', knob: 'manifest-default' },
  { id: 'plan-manifest-path-ignored', knob: 'plan-manifest-path' },
  { id: 'empty-baseline-passes', knob: 'empty-baseline' },
];

export function patchFile(variant: string): string {
  return join(VARIANTS_DIR, `${variant}.patch`);
}

/** The patch's first line: which gap it reintroduces (or knob it breaks) and how. */
export function variantNote(variant: string): string {
  return readFileSync(patchFile(variant), 'utf8').split('\n')[0] ?? '';
}

/** Lines the patch adds or removes, and the files it touches. */
export function patchStats(variant: string): { files: string[]; changedLines: number } {
  const lines = readFileSync(patchFile(variant), 'utf8').split('\n');
  return {
    files: lines.filter((line) => line.startsWith('+++ b/')).map((line) => line.slice('+++ b/'.length)),
    changedLines: lines.filter((line) => /^[+-](?![+-]{2} [ab]\/)/.test(line)).length,
  };
}

export interface VariantRepo {
  dir: string;
  remove: () => Promise<void>;
}

/** A temp folder holding the reference guardrails with the variant's patch applied. */
export async function materialiseVariant(variant: string): Promise<VariantRepo> {
  const base = await mkdtemp(join(tmpdir(), `gap-variant-${variant}-`));
  const dir = join(base, 'repo');
  await cp(REFERENCE_GUARDRAILS_DIR, dir, { recursive: true });
  // git apply works outside a repository and refuses a patch that no longer fits.
  execFileSync('git', ['apply', '--whitespace=nowarn', patchFile(variant)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  return { dir, remove: () => rm(base, { recursive: true, force: true }) };
}
