// Shared by the MCP transport suites: real processes, real pipes, temp dirs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMPILE_CACHE_DIR } from '../../harness/fakes/shims/hermetic.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CALL_TOOL = path.join(ROOT, 'harness', 'fakes', 'call-tool', 'call-tool.ts');
export const HAL_SERVER = path.join(ROOT, 'harness', 'fakes', 'hal-server', 'hal-server.ts');

/** The project's Node 24 (type stripping); vitest may have been started by another node. */
export const NODE = (() => {
  const local = path.join(ROOT, 'node_modules', 'node', 'bin', 'node');
  return existsSync(local) ? local : process.execPath;
})();

export const API_KEY = 'kvd_test_5ecret_value_91';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; limitMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // A safety net against a hung child, not a timing assertion.
    const limit = setTimeout(() => child.kill('SIGKILL'), options.limitMs ?? 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runCallTool(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<RunResult> {
  return run(NODE, [CALL_TOOL, ...args], { env: { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, ...env } });
}

export interface ToolResult {
  content: Array<{ type: string; text: string }>;
  isError?: boolean;
}

export function parseResult(stdout: string): ToolResult {
  return JSON.parse(stdout) as ToolResult;
}

/** The text after the first "Body:\n", as the guardrail scripts cut it. */
export function bodyOf(text: string): string {
  const at = text.indexOf('Body:\n');
  if (at === -1) throw new Error(`no "Body:" section in:\n${text}`);
  return text.slice(at + 'Body:\n'.length);
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Environment with no HAL_SECRET_ variables leaking in from the caller. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('HAL_SECRET_') && !key.startsWith('GUARDRAIL_HARNESS_')) env[key] = value;
  return { ...env, ...extra };
}

/** A loopback port nothing listens on: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Collects what a command writes to stdout and stderr, for in-process runs. */
export function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: {
        write: (s: string) => {
          out += s;
          return true;
        },
      },
      stderr: {
        write: (s: string) => {
          err += s;
          return true;
        },
      },
    },
    out: () => out,
    err: () => err,
  };
}
