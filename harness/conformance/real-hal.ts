// Finds or prepares the real hal-mcp to compare against: a folder holding its build
// (`dist/index.js`), installed in place when it has its packages, else copied to a
// temporary folder and installed there from its own lockfile (the reference copy in
// ../shared is read-only).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PACKAGE_ROOT } from '../../common/package-root.ts';

const run = promisify(execFile);

/** Where the workplace keeps the real hal-mcp 1.0.14, beside the project. */
export const DEFAULT_REAL_HAL_DIR = path.resolve(PACKAGE_ROOT, '..', 'shared', 'reference', 'hal-mcp');

export interface RealHal {
  command: string[];
  /** Removes the temporary install, if one was made. */
  dispose(): Promise<void>;
}

export class RealHalError extends Error {}

export async function prepareRealHal(dir: string, log: (line: string) => void = () => {}): Promise<RealHal> {
  const entry = path.join(dir, 'dist', 'index.js');
  if (!existsSync(entry)) {
    throw new RealHalError(`${dir} holds no hal-mcp build (no dist/index.js); pass the folder of a built hal-mcp with --hal-mcp DIR`);
  }
  if (existsSync(path.join(dir, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
    return { command: [process.execPath, entry], dispose: async () => {} };
  }
  const copy = await mkdtemp(path.join(tmpdir(), 'real-hal-mcp-'));
  try {
    await cp(dir, copy, { recursive: true });
    log(`installing hal-mcp's runtime packages in ${copy} (npm ci --omit=dev)…`);
    await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: copy });
  } catch (error) {
    await rm(copy, { recursive: true, force: true });
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new RealHalError(`could not install hal-mcp's packages from ${dir}: ${detail}`);
  }
  return {
    command: [process.execPath, path.join(copy, 'dist', 'index.js')],
    dispose: () => rm(copy, { recursive: true, force: true }),
  };
}
