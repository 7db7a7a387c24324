// Shared by the call-tool-*.test.ts suites: a scratch folder, the throw-away servers
// call_tool is run against, and how a failed run is checked.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { HAL_SERVER, NODE, type RunResult, tempDir } from '../../../support/mcp.ts';

/** The server words for the kit's HAL server. */
export const HAL = ['--', NODE, HAL_SERVER];
export const ARGS_ERROR = 'Error: failed to parse arguments\n\nCaused by:\n';

/**
 * A scripted MCP server in plain JS. MODE: echo (answers the call), jsonrpc-error
 * (answers the call with a JSON-RPC error), init-error (answers initialize with one),
 * bad-result (a result that is no CallToolResult). It logs its start (pid and whole
 * environment) and every message it receives to LOG, and writes to stderr.
 */
const FAKE_SERVER = `
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
const [mode, logFile] = process.argv.slice(2);
const log = (entry) => appendFileSync(logFile, JSON.stringify(entry) + '\\n');
const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\\n');
log({ event: 'started', pid: process.pid, env: process.env });
process.stderr.write('fake server: noise on stderr\\n');
for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line);
  log({ event: 'received', message });
  if (message.method === 'initialize') {
    if (mode === 'init-error') send({ id: message.id, error: { code: -32603, message: 'not today' } });
    else send({ id: message.id, result: { protocolVersion: message.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1.0.0' } } });
  } else if (message.method === 'tools/call') {
    process.stderr.write('fake server: more noise\\n');
    if (mode === 'echo') send({ id: message.id, result: { content: [{ type: 'text', text: 'echoed' }] } });
    else if (mode === 'jsonrpc-error') send({ id: message.id, error: { code: -32601, message: 'Unknown tool: ' + message.params.name } });
    else if (mode === 'bad-result') send({ id: message.id, result: { content: 'not a list' } });
  }
}
`;

/** Shell servers: they start in milliseconds. `reply ID JSON` answers a request. */
const SH_PRELUDE = `
INIT='{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"sh","version":"1"}}'
idof() { printf '%s' "$1" | sed 's/^[^}]*"id":\\([0-9][0-9]*\\).*/\\1/'; }
reply() { printf '{"jsonrpc":"2.0","id":%s,"result":%s}\\n' "$1" "$2"; }
`;
const SH_SERVERS = {
  /** Answers initialize, reads the call, writes its pid to $1, then never answers. */
  silent: `read -r l; reply "$(idof "$l")" "$INIT"; read -r l; read -r l; echo $$ > "$1"; exec sleep 600`,
  /** Answers initialize, reads the call, writes "$$ <ns since epoch>" to $1 and exits. */
  dies: `read -r l; reply "$(idof "$l")" "$INIT"; read -r l; read -r l; echo "$$ $(date +%s%N)" > "$1"; exit 0`,
  /** Takes 4 s to answer initialize and 4 s more to answer the call. */
  slow: `read -r l; sleep 4; reply "$(idof "$l")" "$INIT"; read -r l; read -r l; sleep 4; reply "$(idof "$l")" '{"content":[{"type":"text","text":"slow but there"}]}'; exec cat >/dev/null`,
} as const;

export type LogEntry =
  | { event: 'started'; pid: number; env: Record<string, string> }
  | { event: 'received'; message: { method?: string; params?: { name?: string; arguments?: unknown } } };

export interface FakeServer {
  /** `--` and the command that starts it. */
  server: string[];
  log: string;
  entries(): LogEntry[];
  /** The tools/call it received, if any. */
  call(): { name?: string; arguments?: unknown } | undefined;
}

export interface CallToolScratch {
  tmp: { dir: string };
  /** A new path in the scratch folder, never handed out before. */
  scratchFile(name: string): string;
  /** The scripted JS server in the given MODE, logging to a file of its own. */
  fake(mode: string): FakeServer;
  /** Server words that would leave a marker if ever started. */
  markerServer(): { words: string[]; started(): boolean };
  /** The shell servers' script paths, written before the file's tests run. */
  shServer: Record<keyof typeof SH_SERVERS, string>;
}

/** A scratch folder for the file, with the throw-away servers written into it, removed after all tests. */
export function useCallToolScratch(): CallToolScratch {
  const tmp = tempDir('call-tool');
  afterAll(() => tmp.remove());
  let fileCount = 0;
  const scratchFile = (name: string): string => path.join(tmp.dir, `${fileCount++}-${name}`);
  const fakeServer = path.join(tmp.dir, 'fake-server.mjs');
  const shServer: Record<keyof typeof SH_SERVERS, string> = { silent: '', dies: '', slow: '' };

  beforeAll(() => {
    writeFileSync(fakeServer, FAKE_SERVER);
    for (const name of Object.keys(SH_SERVERS) as Array<keyof typeof SH_SERVERS>) {
      shServer[name] = path.join(tmp.dir, `${name}.sh`);
      writeFileSync(shServer[name], `${SH_PRELUDE}${SH_SERVERS[name]}\n`);
    }
  });

  function fake(mode: string): FakeServer {
    const log = scratchFile(`${mode}.log`);
    const entries = (): LogEntry[] =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as LogEntry)
        : [];
    return {
      server: ['--', NODE, fakeServer, mode, log],
      log,
      entries,
      call: () => entries().flatMap((e) => (e.event === 'received' && e.message.method === 'tools/call' ? [e.message.params!] : []))[0],
    };
  }

  function markerServer(): { words: string[]; started(): boolean } {
    const marker = scratchFile('started');
    return { words: ['--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`], started: () => existsSync(marker) };
  }

  return { tmp, scratchFile, fake, markerServer, shServer };
}

/** call_tool failed: exit 1, nothing on stdout, and this error on stderr (a string whole, a pattern matched). */
export function expectFailure(result: RunResult, stderr: string | RegExp): void {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  if (typeof stderr === 'string') expect(result.stderr).toBe(stderr);
  else expect(result.stderr).toMatch(stderr);
}
