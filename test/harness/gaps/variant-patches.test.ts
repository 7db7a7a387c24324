// The regressed variants the gaps tests probe: each is a small patch of the reference
// guardrails, names its gap, and materialises. Needs no probing, so it runs apart from
// gaps.test.ts and its long beforeAll.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE_GUARDRAILS_DIR } from '../../../harness/run/runner.ts';
import { materialiseVariant, patchStats, VARIANTS, variantNote } from '../../support/variant-repo.ts';

describe('the variant patches', () => {
  it.each(VARIANTS)('$id changes reference files by a small diff and says which gap', async ({ id, gap }) => {
    const { files, changedLines } = patchStats(id);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(join(REFERENCE_GUARDRAILS_DIR, file)), `${file} is a file of the reference guardrails`).toBe(true);
    expect(changedLines).toBeGreaterThan(0);
    expect(changedLines, `${id}: ${changedLines} changed lines`).toBeLessThanOrEqual(12);
    expect(variantNote(id).startsWith(`Gap ${gap}: `)).toBe(true);
    const repo = await materialiseVariant(id);
    await repo.remove();
  });
});
