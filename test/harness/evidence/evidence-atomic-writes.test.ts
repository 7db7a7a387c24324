// The atomic writes evidence is written with: a whole new file or the old one, never a
// half-written one or a temp file left behind; copies report their size and hash.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyFileAtomic, writeFileAtomic } from '../../../common/atomic-files.ts';
import { sha256, useTempDir } from './evidence-fixtures.ts';

const temp = useTempDir();

describe('writeFileAtomic', () => {
  it('writes, replaces, and leaves no temp file', async () => {
    const path = join(temp.dir, 'out.json');
    await writeFileAtomic(path, '{"a":1}\n');
    await writeFileAtomic(path, Buffer.from('{"a":2}\n'));
    expect(await readFile(path, 'utf8')).toBe('{"a":2}\n');
    expect(await readdir(temp.dir)).toEqual(['out.json']);
  });

  it('keeps the old file whole and cleans up when the write fails', async () => {
    const path = join(temp.dir, 'keep.json');
    await writeFileAtomic(path, 'old content');
    await expect(writeFileAtomic(path, { not: 'bytes' } as unknown as string)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old content');
    expect(await readdir(temp.dir)).toEqual(['keep.json']);
  });

  it('cleans up when the rename fails', async () => {
    const path = join(temp.dir, 'a-folder');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow();
    expect(await readdir(temp.dir)).toEqual(['a-folder']);
  });

  it('copyFileAtomic copies bytes and hashes them', async () => {
    const source = join(temp.dir, 'src.bin');
    const data = Buffer.from([0, 1, 2, 255, 10, 13]);
    await writeFile(source, data);
    const copied = await copyFileAtomic(source, join(temp.dir, 'dest.bin'));
    expect(copied).toEqual({ bytes: 6, sha256: sha256(data) });
    expect(await readFile(join(temp.dir, 'dest.bin'))).toEqual(data);
    expect((await readdir(temp.dir)).sort()).toEqual(['dest.bin', 'src.bin']);
  });
});
