// An MCP client transport over a child process's stdio, like the SDK's
// StdioClientTransport, with one difference that matters for speed: the process
// is spawned in the constructor, before the SDK is even imported, so the server
// boots on the other core while this process loads the client. Kept free of
// runtime SDK imports for that reason.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** What a server inherits by default: the SDK's list, itself modelled on sudo's. */
export const SAFE_ENV_VARS = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'] as const;

export function safeEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SAFE_ENV_VARS) {
    const value = env[name];
    // A value starting with "()" is an exported bash function: never pass those on.
    if (value !== undefined && !value.startsWith('()')) out[name] = value;
  }
  return out;
}

export interface ServerProcessOptions {
  command: string;
  args: readonly string[];
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

  /** Settles once the server process itself has exited. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly spawned: Promise<void>;
  private started = false;
  private hasExited = false;
  private hasClosed = false;
  private partial = '';
  private readonly early: JSONRPCMessage[] = [];

  constructor(options: ServerProcessOptions) {
    this.validate = options.validate ?? defaultValidate;
    // Its own process group, so that stopping it also stops whatever it started
    // (npx runs the real server as a grandchild).
    this.child = spawn(options.command, [...options.args], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: true,
    });
    this.spawned = new Promise((resolve, reject) => {
      this.child.once('spawn', () => resolve());
      this.child.once('error', reject);
    });
    // Settle quietly if nobody is listening yet; start() reports the failure.
    this.spawned.catch(() => {});
    this.exited = new Promise((resolve) => {
      const done = (): void => {
        this.hasExited = true;
        resolve();
      };
      this.child.once('exit', done);
      // A process that never started never exits.
      this.child.once('error', done);
    });
    this.child.once('close', () => this.markClosed());
    // stdout closes only when every process holding it is gone: a leftover
    // grandchild must not keep requests waiting on a server that has died.
    this.child.once('exit', () => setTimeout(() => this.markClosed(), 200).unref());
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => this.receive(chunk));
    this.child.stdin!.on('error', (error) => this.onerror?.(error));
  }

  get pid(): number | null {
    return this.hasExited ? null : (this.child.pid ?? null);
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
    let newline: number;
    while ((newline = this.partial.indexOf('\n')) !== -1) {
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

  async start(): Promise<void> {
    if (this.started) throw new Error('ServerProcessTransport already started');
    await this.spawned;
    this.started = true;
    for (const message of this.early.splice(0)) this.onmessage?.(message);
    if (this.hasClosed) this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child.stdin;
      if (this.hasExited || !stdin || stdin.destroyed) {
        reject(new Error('the server process is not running'));
        return;
      }
      if (stdin.write(`${JSON.stringify(message)}\n`)) resolve();
      else stdin.once('drain', resolve);
    });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  }

  /**
   * Sends `signal` to the server's process group, SIGKILL if the server outlives
   * `graceMs`, and finally SIGKILL to anything left in the group: nothing it
   * started may outlive a forced stop.
   */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 1000): Promise<void> {
    if (this.child.pid === undefined) return;
    if (!this.hasExited) {
      this.signalGroup(signal);
      const escalate = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(escalate);
    }
    this.signalGroup('SIGKILL');
  }

  /** Closes stdin so the server can exit by itself, then escalates as the SDK's transport does. */
  async close(): Promise<void> {
    if (!this.hasExited) {
      this.child.stdin?.end();
      const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), CLOSE_GRACE_MS).unref());
      if ((await Promise.race([this.exited, late])) === 'late') await this.kill('SIGTERM', CLOSE_GRACE_MS);
    }
    this.partial = '';
  }
}
