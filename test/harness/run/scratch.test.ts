// Temporary folders the harness owns (removable one by one, or all at once from a
// signal handler) and the worker pool that runs the matrix.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pool, removeAllScratch, removeScratch, scratchDir } from '../../../harness/run/scratch.ts';

describe('scratch folders', () => {
  it('are fresh folders in the temp dir named after the prefix', async () => {
    const [a, b] = await Promise.all([scratchDir('scratch-test-'), scratchDir('scratch-test-')]);
    try {
      expect(a).not.toBe(b);
      for (const dir of [a, b] as string[]) {
        expect(dirname(dir)).toBe(tmpdir());
        expect(basename(dir)).toMatch(/^scratch-test-.{6}$/);
        expect(statSync(dir).isDirectory()).toBe(true);
      }
    } finally {
      await Promise.all([removeScratch(a as string), removeScratch(b as string)]);
    }
  });

  it('removeScratch removes a folder with its contents; removing it again is no error', async () => {
    const dir = await scratchDir('scratch-test-');
    writeFileSync(join(dir, 'file'), 'x');
    await removeScratch(dir);
    expect(existsSync(dir)).toBe(false);
    await expect(removeScratch(dir)).resolves.toBeUndefined();
  });

  it('removeAllScratch removes every folder still in use, and those made after it ran', async () => {
    const kept = await scratchDir('scratch-test-');
    const removed = await scratchDir('scratch-test-');
    await removeScratch(removed);
    writeFileSync(join(kept, 'file'), 'x');
    removeAllScratch();
    expect(existsSync(kept)).toBe(false);
    const later = await scratchDir('scratch-test-');
    try {
      removeAllScratch();
      expect(existsSync(later)).toBe(false);
      expect(() => removeAllScratch()).not.toThrow();
    } finally {
      await removeScratch(later);
    }
  });
});

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('pool', () => {
  it('keeps the items’ order whatever order the work finishes in', async () => {
    const delays = [30, 0, 20, 5, 10];
    const results = await pool(delays, 3, async (ms) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return `done ${ms}`;
    });
    expect(results).toEqual(['done 30', 'done 0', 'done 20', 'done 5', 'done 10']);
  });

  it('runs at most `limit` at a time, and that many when there is work for them', async () => {
    let running = 0;
    let peak = 0;
    const results = await pool(
      Array.from({ length: 10 }, (_, index) => index),
      3,
      async (item) => {
        running++;
        peak = Math.max(peak, running);
        await tick();
        await tick();
        running--;
        return item * 2;
      },
    );
    expect(peak).toBe(3);
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it('runs each item exactly once, also with a limit above the number of items', async () => {
    const seen: number[] = [];
    expect(
      await pool([1, 2, 3], 10, async (item) => {
        seen.push(item);
        return item;
      }),
    ).toEqual([1, 2, 3]);
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(await pool([], 4, async () => 1)).toEqual([]);
    // A limit below one still runs everything, one at a time, rather than nothing.
    expect(await pool([1, 2], 0, async (item) => item * 2)).toEqual([2, 4]);
  });

  it('a failing item rejects the pool with its error', async () => {
    await expect(
      pool([1, 2, 3], 2, async (item) => {
        if (item === 2) throw new Error('item 2 failed');
        return item;
      }),
    ).rejects.toThrow('item 2 failed');
  });
});
