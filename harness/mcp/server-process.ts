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

  /** Settles once the process has exited and its stdio has closed. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly spawned: Promise<void>;
  private started = false;
  private hasExited = false;
  private partial = '';
  private readonly early: JSONRPCMessage[] = [];

  constructor(options: ServerProcessOptions) {
    this.validate = options.validate ?? defaultValidate;
    this.child = spawn(options.command, [...options.args], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.spawned = new Promise((resolve, reject) => {
      this.child.once('spawn', () => resolve());
      this.child.once('error', reject);
    });
    // Settle quietly if nobody is listening yet; start() reports the failure.
    this.spawned.catch(() => {});
    this.exited = new Promise((resolve) => {
      this.child.once('close', () => {
        this.hasExited = true;
        resolve();
        if (this.started) this.onclose?.();
      });
      // A process that never started never closes.
      this.child.once('error', () => {
        this.hasExited = true;
        resolve();
      });
    });
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
    if (this.hasExited) this.onclose?.();
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

  /** Sends `signal` now and SIGKILL if the process outlives `graceMs`; resolves once it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 1000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill(signal);
    const escalate = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(escalate);
  }

  /** Closes stdin so the server can exit by itself, then escalates as the SDK's transport does. */
  async close(): Promise<void> {
    if (!this.hasExited) {
      this.child.stdin?.end();
      const timer = (ms: number) => new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), ms).unref());
      if ((await Promise.race([this.exited, timer(CLOSE_GRACE_MS)])) === 'late') {
        await this.kill('SIGTERM', CLOSE_GRACE_MS);
      }
    }
    this.partial = '';
  }
}
