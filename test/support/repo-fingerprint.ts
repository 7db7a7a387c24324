// Fingerprints of a folder, for tests that prove a command left a repository as it was.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Every file under `dir` with a hash of its content. */
export function fileHashes(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .map((file) => `${file} ${sha256(file)}`)
    .sort();
}

/** Every file and folder under `dir`, .git included, with its mode and the hash of its content: equal means byte for byte the same. */
export function fingerprint(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path) => {
      const info = lstatSync(path);
      const content = info.isFile() ? sha256(path) : info.isSymbolicLink() ? `-> ${readlinkSync(path)}` : 'dir';
      return `${relative(dir, path)} ${info.mode.toString(8)} ${content}`;
    })
    .sort();
}
