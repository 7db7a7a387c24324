// `mock-hal serve` as a real process for the --workers tests: started until its ready
// line (or its exit), its child processes read from /proc, requests on connections of
// their own, and which worker holds a connection. Linux only, like the mock's image.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { type Agent, request } from 'node:http';
import { createInterface } from 'node:readline';

const NODE = new URL('../../../../node_modules/.bin/node', import.meta.url).pathname;
const CLI = new URL('../../../../mock-hal/cli/main.ts', import.meta.url).pathname;

export const READY_LINE = /^mock-hal listening on http:\/\/127\.0\.0\.1:(\d+) \(scenario: ([^)]+)\)$/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Served {
  child: ChildProcess;
  pid: number;
  line: string;
  url: string;
  port: number;
  /** Everything written on stderr so far. */
  stderr(): string;
  exited: Promise<Exit>;
}

/** Runs the CLI to completion (usage errors). */
export function runCli(args: string[]): Promise<Exit & { stderr: string; stdout: string }> {
  const child = spawn(NODE, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** Starts `mock-hal serve ARGS` and resolves at its ready line; rejects with its stderr if it exits first. */
export async function serveCli(args: string[]): Promise<Served> {
  const child = spawn(NODE, [CLI, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  const first = await Promise.race([lines.next(), exited.then((exit) => exit)]);
  if (!('value' in first) || typeof first.value !== 'string') {
    throw new Error(`mock-hal serve ${args.join(' ')} exited before it was ready (${JSON.stringify(first)}): ${stderr}`);
  }
  const line = first.value;
  const port = Number(READY_LINE.exec(line)?.[1] ?? Number.NaN);
  return { child, pid: child.pid as number, line, url: `http://127.0.0.1:${port}`, port, stderr: () => stderr, exited };
}

/** Stops it with SIGTERM (if still running) and resolves at its exit. */
export async function stopServed(served: Served | undefined): Promise<Exit | undefined> {
  if (served === undefined) return undefined;
  if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill('SIGTERM');
  return served.exited;
}

/** Polls until `done()`; fails only when `boundMs` passes first. */
export async function waitFor(what: string, done: () => boolean, boundMs = 20_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${boundMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Answer {
  status: number;
  body: string;
  json(): any;
  /** The client's port of the connection it came on. */
  localPort: number;
}

export interface Send {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A keep-alive agent to hold the connection open afterwards; by default a fresh connection, closed after. */
  agent?: Agent;
}

/** One request; without an agent, on a connection of its own. */
export function send(url: string, { method = 'GET', headers = {}, body, agent }: Send = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers: { ...headers, ...(agent ? {} : { connection: 'close' }) }, agent: agent ?? false }, (incoming) => {
      let text = '';
      // Read now: the socket is detached from the answer once it ends.
      const localPort = incoming.socket.localPort as number;
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk) => {
        text += chunk;
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode as number, body: text, json: () => JSON.parse(text), localPort }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The socket inodes of TCP connections from `clientPort` to `serverPort`, as the server side holds them. */
function serverSideInodes(serverPort: number, clientPort: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const row of text.split('\n').slice(1)) {
      const fields = row.trim().split(/\s+/);
      const local = Number.parseInt(fields[1]?.split(':')[1] ?? '', 16);
      const remote = Number.parseInt(fields[2]?.split(':')[1] ?? '', 16);
      if (local === serverPort && remote === clientPort && fields[9] !== undefined) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/** Which of `pids` holds the server side of the connection from `clientPort`; undefined when none does. */
export function connectionOwner(pids: readonly number[], serverPort: number, clientPort: number): number | undefined {
  const inodes = serverSideInodes(serverPort, clientPort);
  for (const pid of pids) {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined && inodes.has(inode)) return pid;
    }
  }
  return undefined;
}
