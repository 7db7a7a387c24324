// Shared by the evidence-*.test.ts suites: a fresh temp folder per test, and how they
// look at what was written.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/** A new empty folder for each test of the file, removed after it; `dir` is the current one. */
export function useTempDir(): { readonly dir: string } {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evidence-'));
  });
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (dir === undefined) throw new Error('the temp folder exists only while a test runs');
      return dir;
    },
  };
}

/** Every file below `root`, relative, sorted. */
export async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
