// An MCP server run as a child process, spoken to over its stdin/stdout, the way
// the Rust `call_tool` runs one (codex's McpClient::new_stdio_client):
//
// - a cleared environment: only SAFE_ENV_VARS (those that are set) plus the
//   caller's extra pairs;
// - stderr discarded;
// - killed when this process exits (tokio's kill_on_drop), here by an 'exit'
//   hook that SIGKILLs the server's process group.
//
// One difference matters for speed: the process is spawned in the constructor,
// before the caller has loaded anything heavy, so the server boots on the other
// core meanwhile. Kept free of runtime SDK imports for that reason.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * What a server inherits: codex's DEFAULT_ENV_VARS on Unix, the only variables
 * the Rust call_tool passes on from its own environment.
 */
export const SAFE_ENV_VARS = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'USER', 'LANG', 'LC_ALL', 'TERM', 'TMPDIR', 'TZ'] as const;

/** The SAFE_ENV_VARS that are set in `env`, values as they are. */
export function safeEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SAFE_ENV_VARS) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export interface ServerProcessOptions {
  command: string;
  args: readonly string[];
  /** The server's whole environment (nothing else is inherited). */
  env: Record<string, string>;
  /** Checks each decoded message; the default only checks the JSON-RPC tag. */
  validate?: (value: unknown) => JSONRPCMessage;
}

const CLOSE_GRACE_MS = 2000;

function defaultValidate(value: unknown): JSONRPCMessage {
  if (typeof value !== 'object' || value === null || (value as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
    throw new Error('the server wrote a line to stdout that is not a JSON-RPC 2.0 message');
  }
  return value as JSONRPCMessage;
}

export class ServerProcessTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  validate: (value: unknown) => JSONRPCMessage;

  /** Settles once the server process itself has exited (or never started). */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess | undefined;
  private readonly spawned: Promise<void>;
  private started = false;
  private hasExited = false;
  private hasClosed = false;
  private partial = '';
  private readonly early: JSONRPCMessage[] = [];
  /** Kills the server's group if this process exits first (process.exit from a signal handler, say). */
  private readonly killOnExit = (): void => this.signalGroup('SIGKILL');

  constructor(options: ServerProcessOptions) {
    this.validate = options.validate ?? defaultValidate;
    let child: ChildProcess | undefined;
    let syncError: Error | undefined;
    try {
      // Its own process group, so that stopping it also stops whatever it started
      // (npx runs the real server as a grandchild).
      child = spawn(options.command, [...options.args], {
        env: options.env,
        stdio: ['pipe', 'pipe', 'ignore'],
        detached: true,
      });
    } catch (error) {
      // Node refuses some commands before trying (an empty name, a NUL byte).
      syncError = error as Error;
    }
    this.child = child;
    if (child === undefined) {
      this.hasExited = true;
      this.spawned = Promise.reject(syncError);
      this.spawned.catch(() => {});
      this.exited = Promise.resolve();
      return;
    }
    this.spawned = new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    // Settle quietly if nobody is listening yet; start() reports the failure.
    this.spawned.catch(() => {});
    this.exited = new Promise((resolve) => {
      const done = (): void => {
        this.hasExited = true;
        process.removeListener('exit', this.killOnExit);
        resolve();
      };
      child.once('exit', done);
      // A process that never started never exits.
      child.once('error', done);
    });
    // Later 'error' events (a failed kill, say) must not become uncaught exceptions.
    child.on('error', () => {});
    process.on('exit', this.killOnExit);
    child.once('close', () => this.markClosed());
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.receive(chunk));
    // A write to a server that has gone (EPIPE) is dropped, as the Rust client's writer does.
    child.stdin!.on('error', (error) => this.onerror?.(error));
  }

  get pid(): number | null {
    return this.hasExited ? null : (this.child?.pid ?? null);
  }

  get isRunning(): boolean {
    return !this.hasExited;
  }

  private markClosed(): void {
    if (this.hasClosed) return;
    this.hasClosed = true;
    if (this.started) this.onclose?.();
  }

  private receive(chunk: string): void {
    this.partial += chunk;
    for (let newline = this.partial.indexOf('\n'); newline !== -1; newline = this.partial.indexOf('\n')) {
      const line = this.partial.slice(0, newline).replace(/\r$/, '');
      this.partial = this.partial.slice(newline + 1);
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = this.validate(JSON.parse(line));
      } catch (error) {
        this.onerror?.(new Error(`unreadable message from the server: ${(error as Error).message}`));
        continue;
      }
      if (this.started) this.onmessage?.(message);
      else this.early.push(message);
    }
  }

  /** Resolves once the process has been spawned; rejects with the spawn error if it could not be. */
  async start(): Promise<void> {
    if (this.started) throw new Error('ServerProcessTransport already started');
    await this.spawned;
    this.started = true;
    for (const message of this.early.splice(0)) this.onmessage?.(message);
    if (this.hasClosed) this.onclose?.();
  }

  /**
   * Writes one message line. A server that has exited is not an error here: the
   * line is dropped and whoever waits for an answer waits until its timeout.
   */
  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      const stdin = this.child?.stdin;
      if (this.hasExited || !stdin || stdin.destroyed || !stdin.writable) {
        resolve();
        return;
      }
      if (stdin.write(`${JSON.stringify(message)}\n`)) resolve();
      else {
        stdin.once('drain', resolve);
        stdin.once('close', resolve);
      }
    });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /** Lets go of the pipes, so a leftover grandchild holding them cannot keep this process alive. */
  private release(): void {
    this.partial = '';
    this.child?.stdin?.destroy();
    this.child?.stdout?.destroy();
  }

  /**
   * Sends `signal` to the server's process group, SIGKILL if the server outlives
   * `graceMs`, and finally SIGKILL to anything left in the group: nothing it
   * started may outlive a forced stop.
   */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 1000): Promise<void> {
    if (this.child?.pid === undefined) return;
    if (!this.hasExited) {
      this.signalGroup(signal);
      const escalate = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(escalate);
    }
    this.signalGroup('SIGKILL');
    this.release();
  }

  /** Closes stdin so the server can exit by itself, then escalates as the SDK's transport does. */
  async close(): Promise<void> {
    if (!this.hasExited) {
      this.child?.stdin?.end();
      const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CLOSE_GRACE_MS).unref());
      if ((await Promise.race([this.exited, late])) === 'late') await this.kill('SIGTERM', CLOSE_GRACE_MS);
    }
    this.release();
  }
}
