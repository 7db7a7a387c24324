// Temporary folders the harness owns (repository copies, shims, the guardrails' own
// temp files), tracked so a harness stopped by a signal can still remove them, and
// the small worker pool that runs the matrix.
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temporary folders in use, so a harness stopped by a signal can still remove them. */
const liveScratch = new Set<string>();

export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  liveScratch.add(dir);
  return dir;
}

export async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveScratch.delete(dir);
}

/** Removes every temporary folder still in use; synchronous, for a signal handler. */
export function removeAllScratch(): void {
  for (const dir of liveScratch) rmSync(dir, { recursive: true, force: true });
  liveScratch.clear();
}

/** Runs `work` on every item, at most `limit` (at least 1) at a time; results keep the items' order. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(Math.max(1, Math.floor(limit) || 1), items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}
