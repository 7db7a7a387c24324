// Files that are never seen half-written: each is written under a temporary name in the
// same folder, synced, then renamed (or, for writeFileNoClobber, hard-linked, which fails
// on an existing name instead of replacing it).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

async function fsyncDir(dir: string): Promise<void> {
  // Makes the rename itself durable; some platforms cannot open a folder, which is harmless.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only.
  }
}

/** Creates `file` (never an existing one) with `data`, on disk before it returns. */
async function writeSynced(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes via a temp file in the same folder + fsync + rename: the final name never holds a partial file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempNameFor(path);
  try {
    await writeSynced(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dirname(path));
}

export interface CopiedFile {
  bytes: number;
  sha256: string;
}

/** Copies a file atomically (same guarantees as writeFileAtomic) and hashes it on the way. */
export async function copyFileAtomic(source: string, dest: string): Promise<CopiedFile> {
  const temp = tempNameFor(dest);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      for await (const chunk of createReadStream(source)) {
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        await handle.write(buffer);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncDir(dirname(dest));
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Like writeFileAtomic, but never replaces a file: the final name is made with link(2),
 * which fails with EEXIST when the name is taken (even if it appeared a moment ago).
 */
export async function writeFileNoClobber(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempNameFor(path);
  try {
    await writeSynced(temp, data);
    await link(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
  await fsyncDir(dirname(path));
}
