// What the cargo and npx shims share: their environment contract, the shim log,
// argv redaction and pass-through to the real tool.
import { spawn } from 'node:child_process';
import { accessSync, appendFileSync, constants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { REDACTED, redact } from '../../../common/hal-contract/redact.ts';
import { SECRET_ENV_PREFIX, secretValues } from '../../evidence/secrets.ts';
import type { ShimCall } from '../../run/types.ts';

/** JSON Lines file every shim call is appended to. */
export const SHIM_LOG_ENV = 'GUARDRAIL_HARNESS_SHIM_LOG';
/** PATH as it was without the shim directory: where pass-through finds the real tools. */
export const ORIGINAL_PATH_ENV = 'GUARDRAIL_HARNESS_ORIGINAL_PATH';
/** The shim directory itself, never searched for a "real" tool. */
export const SHIM_BIN_ENV = 'GUARDRAIL_HARNESS_SHIM_BIN';
/** JSON array: a command the npx shim runs in place of the built-in HAL server. */
export const MCP_SERVER_ENV = 'GUARDRAIL_HARNESS_MCP_SERVER';

export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGTERM'];

export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + (osConstants.signals[signal] ?? 15);
}

/**
 * Hides secrets in an argv before it is logged: the value of every
 * `--env HAL_SECRET_*=VALUE`, and anywhere in any word, the value of any
 * HAL_SECRET_ variable in the environment or given that way.
 */
export function redactArgv(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const flagged: string[] = [];
  const out = argv.map((word, i) => {
    const inline = word.startsWith('--env=');
    const pair = inline ? word.slice('--env='.length) : argv[i - 1] === '--env' ? word : null;
    if (pair === null || !pair.startsWith(SECRET_ENV_PREFIX) || !pair.includes('=')) return word;
    const name = pair.slice(0, pair.indexOf('='));
    flagged.push(pair.slice(name.length + 1));
    return `${inline ? '--env=' : ''}${name}=${REDACTED}`;
  });
  const secrets = secretValues(env, flagged);
  return out.map((word) => redact(word, secrets));
}

/** One write per line: O_APPEND writes this small do not interleave between processes. */
export function appendShimCall(logPath: string | undefined, call: ShimCall): void {
  if (!logPath) return;
  try {
    appendFileSync(logPath, `${JSON.stringify(call)}\n`);
  } catch (error) {
    process.stderr.write(`hermetic shim: could not append to the shim log ${logPath}: ${(error as Error).message}\n`);
  }
}

/** Times a shim call and writes its log line exactly once. */
export class ShimRecorder {
  readonly startedAt = new Date().toISOString();
  private readonly t0 = performance.now();
  private written = false;
  readonly shim: ShimCall['shim'];
  readonly argv: string[];
  readonly logPath: string | undefined;
  readonly cwd = process.cwd();

  constructor(shim: ShimCall['shim'], argv: readonly string[], env: NodeJS.ProcessEnv) {
    this.shim = shim;
    this.argv = redactArgv(argv, env);
    this.logPath = env[SHIM_LOG_ENV];
  }

  finish(action: ShimCall['action'], exitCode: number | null, note?: string): void {
    if (this.written) return;
    this.written = true;
    const call: ShimCall = {
      shim: this.shim,
      argv: this.argv,
      cwd: this.cwd,
      exitCode,
      startedAt: this.startedAt,
      durationMs: Math.round((performance.now() - this.t0) * 10) / 10,
      action,
    };
    if (note !== undefined) call.note = note;
    appendShimCall(this.logPath, call);
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Finds the real `name` on the original PATH, skipping the shim directory. */
export function findRealTool(name: string, env: NodeJS.ProcessEnv): string | null {
  const shimBin = env[SHIM_BIN_ENV] ? path.resolve(env[SHIM_BIN_ENV]) : null;
  const searchPath = env[ORIGINAL_PATH_ENV] ?? env.PATH ?? '';
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || (shimBin !== null && path.resolve(dir) === shimBin)) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * Runs `command` with this process's stdio and environment, passing on the
 * signals that would stop us, and resolves with its exit code (128+n for signal n).
 */
export function runInherited(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (sig: NodeJS.Signals): void => {
      child.kill(sig);
    };
    for (const sig of FORWARDED_SIGNALS) process.on(sig, forward);
    const done = (code: number): void => {
      for (const sig of FORWARDED_SIGNALS) process.off(sig, forward);
      resolve(code);
    };
    child.once('error', (error) => {
      process.stderr.write(`hermetic shim: could not run ${command}: ${error.message}\n`);
      done(127);
    });
    child.once('exit', (code, sig) => done(code ?? exitCodeForSignal(sig ?? 'SIGTERM')));
  });
}
