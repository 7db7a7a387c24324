// Runs one guardrail script in its own process group, so a timeout (or the
// harness being stopped) kills the script and everything it started.
import { spawn } from 'node:child_process';

export interface GuardrailProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface GuardrailProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL when the timeout fires. */
  graceMs?: number;
}

const MAX_OUTPUT = 8 * 1024 * 1024;
const liveGroups = new Set<number>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Kills every guardrail process group still running; for the harness's own shutdown. */
export function killAllGuardrails(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const pid of liveGroups) killGroup(pid, signal);
}

function collector() {
  const chunks: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  return {
    add(chunk: Buffer) {
      if (size + chunk.length > MAX_OUTPUT) {
        dropped += chunk.length;
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    },
    text() {
      const text = Buffer.concat(chunks).toString('utf8');
      return dropped > 0 ? `${text}\n[guardrail-harness: ${dropped} more bytes dropped]\n` : text;
    },
  };
}

export function runGuardrailProcess(options: GuardrailProcessOptions): Promise<GuardrailProcessResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout = collector();
    const stderr = collector();
    child.stdout.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.add(chunk));
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killGroup(child.pid, 'SIGTERM');
      killer = setTimeout(() => child.pid && killGroup(child.pid, 'SIGKILL'), options.graceMs ?? 2_000);
    }, options.timeoutMs);
    if (child.pid) liveGroups.add(child.pid);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Whatever the script left running in its group (an MCP server, a sleep) goes
    // with it; otherwise a leftover holding the pipes would keep 'close' away.
    child.once('exit', () => child.pid && killGroup(child.pid, 'SIGKILL'));
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      if (child.pid) liveGroups.delete(child.pid);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: stdout.text(),
        stderr: stderr.text(),
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}
