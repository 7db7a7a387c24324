// The one temp-file-then-rename writer: a final name holds the old file or the whole
// new one, never a part, and no temporary file is left behind, failure or not. (The
// SIGKILL version of this is test/harness/run/hygiene.test.ts.)
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { copyFileAtomic, writeFileAtomic, writeFileNoClobber } from '../../common/atomic-files.ts';

const root = await mkdtemp(join(tmpdir(), 'atomic-files-'));
afterAll(() => rm(root, { recursive: true, force: true }));

let dir: string;
let count = 0;
beforeEach(async () => {
  dir = join(root, `case-${count++}`);
  await mkdir(dir);
});

const temps = async (): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

describe('writeFileAtomic', () => {
  it('creates, then replaces, text or bytes', async () => {
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'first');
    expect(await readFile(file, 'utf8')).toBe('first');
    await writeFileAtomic(file, new TextEncoder().encode('second, longer'));
    expect(await readFile(file, 'utf8')).toBe('second, longer');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('leaves the old file and no temp file when the write fails', async () => {
    const file = join(dir, 'a.json');
    await writeFileAtomic(file, 'old');
    await expect(writeFileAtomic(file, { not: 'bytes' } as unknown as string)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await temps()).toEqual([]);
  });

  it('leaves no temp file when the rename fails', async () => {
    const target = join(dir, 'taken');
    await mkdir(join(target, 'child'), { recursive: true });
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect(await temps()).toEqual([]);
  });

  it('fails plainly in a folder that does not exist', async () => {
    await expect(writeFileAtomic(join(dir, 'missing', 'a.json'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('concurrent writers: the file is one of theirs, whole', async () => {
    const file = join(dir, 'race.txt');
    const bodies = Array.from({ length: 12 }, (_, i) => `${i}:`.padEnd(64 * 1024 + i, String(i % 10)));
    await Promise.all(bodies.map((body) => writeFileAtomic(file, body)));
    expect(bodies).toContain(await readFile(file, 'utf8'));
    expect(await temps()).toEqual([]);
  });
});

describe('writeFileNoClobber', () => {
  it('creates a new file', async () => {
    const file = join(dir, 'new.json');
    await writeFileNoClobber(file, 'made');
    expect(await readFile(file, 'utf8')).toBe('made');
    expect(await readdir(dir)).toEqual(['new.json']);
  });

  it('never replaces an existing one, and says EEXIST', async () => {
    const file = join(dir, 'kept.json');
    await writeFile(file, 'original');
    await expect(writeFileNoClobber(file, 'intruder')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(file, 'utf8')).toBe('original');
    expect(await temps()).toEqual([]);
  });

  it('of two racing writers, exactly one wins', async () => {
    const file = join(dir, 'race.json');
    const results = await Promise.allSettled(['one', 'two', 'three'].map((body) => writeFileNoClobber(file, body)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const winner = ['one', 'two', 'three'][results.findIndex((r) => r.status === 'fulfilled')];
    expect(await readFile(file, 'utf8')).toBe(winner);
    expect(await temps()).toEqual([]);
  });
});

describe('copyFileAtomic', () => {
  it('copies the bytes and reports their size and SHA-256', async () => {
    const source = join(dir, 'source.bin');
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 256));
    await writeFile(source, bytes);
    const copied = await copyFileAtomic(source, join(dir, 'dest.bin'));
    expect(copied).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    expect((await readFile(join(dir, 'dest.bin'))).equals(bytes)).toBe(true);
  });

  it('a missing source leaves the destination as it was and no temp file', async () => {
    const dest = join(dir, 'dest.bin');
    await writeFile(dest, 'before');
    await expect(copyFileAtomic(join(dir, 'nope'), dest)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(dest, 'utf8')).toBe('before');
    expect(await temps()).toEqual([]);
  });
});
