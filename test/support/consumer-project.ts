// Running commands the way a user of the installed kit does: a user's shell environment
// (the pinned Node first, none of the outer `npm test`'s settings), output collected.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';

const NODE_DIR = path.dirname(process.execPath);

/** The environment of a user's shell: Node 24 first, and none of the outer `npm test`'s own settings. */
export function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    // npm_package_*, npm_lifecycle_* and the prefixes describe this checkout, not the temp project.
    if (/^npm_(?!config_)|^npm_config_(local_prefix|prefix|global_prefix)$/i.test(name)) continue;
    if (name === 'INIT_CWD' || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  env.PATH = [NODE_DIR, process.env.PATH ?? ''].join(path.delimiter);
  return env;
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { out: () => stdout, err: () => stderr };
}

/** Runs a command to its end (the `close` event: exited and every stream drained). */
export async function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  const child = spawn(command, args, { cwd, env: { ...userEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  return { code, signal, stdout: output.out(), stderr: output.err() };
}

export function describeRun(label: string, result: Finished): string {
  return `${label}: exit ${result.code}${result.signal ? ` (${result.signal})` : ''}\n--- stdout\n${result.stdout.slice(-4000)}\n--- stderr\n${result.stderr.slice(-4000)}`;
}

/** A Node older than the kit needs, as these machines have on PATH; null where there is none. */
export const OLD_NODE = ((): { path: string; version: string } | null => {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (!existsSync(candidate)) continue;
    const version = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 18)) return { path: candidate, version };
  }
  return null;
})();
