// call_tool: the command line, the error format, and its behaviour against real
// servers over stdio, point by point as the Rust binary behaves
// (guardrail-interfaces.md, "How one call travels").
//
// Timeout tests wait on events: the throw-away shell servers answer initialize in
// milliseconds and the timeout then counts from the tool call, so a slow Node
// start-up on a loaded machine cannot flip them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockHal, type MockHal } from '../../../../mock-hal/server/server.ts';
import {
  CALL_TOOL_TIMEOUT_ENV,
  CallToolError,
  DEFAULT_TIMEOUT_SECONDS,
  EXIT_FAILURE,
  formatAnyhowError,
  parseCommandLine,
  parseU64,
} from '../../../../harness/fakes/call-tool/call-tool-args.ts';
import { callToolMain } from '../../../../harness/fakes/call-tool/call-tool.ts';
import { SAFE_ENV_VARS, safeEnvironment } from '../../../../harness/fakes/call-tool/server-process.ts';
import { API_KEY, CALL_TOOL, HAL_SERVER, NODE, capture, cleanEnv, closedPort, isAlive, parseResult, runCallTool, tempDir } from '../../../support/mcp.ts';
import { COMPILE_CACHE_DIR } from '../../../../harness/fakes/shims/hermetic.ts';

const HAL = ['--', NODE, HAL_SERVER];
const ARGS_ERROR = 'Error: failed to parse arguments\n\nCaused by:\n';
const FLAGS = '--tool NAME --args JSON --timeout SECS --env KEY=VALUE -- SERVER...';

const tmp = tempDir('call-tool');
afterAll(() => tmp.remove());
let fileCount = 0;
const scratchFile = (name: string): string => path.join(tmp.dir, `${fileCount++}-${name}`);

// --- Throw-away servers ------------------------------------------------------------------

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
  /** Takes 2 s to answer initialize and 2 s more to answer the call. */
  slow: `read -r l; sleep 4; reply "$(idof "$l")" "$INIT"; read -r l; read -r l; sleep 4; reply "$(idof "$l")" '{"content":[{"type":"text","text":"slow but there"}]}'; exec cat >/dev/null`,
} as const;

let fakeServer: string;
const shServer: Record<keyof typeof SH_SERVERS, string> = { silent: '', dies: '', slow: '' };

beforeAll(() => {
  fakeServer = path.join(tmp.dir, 'fake-server.mjs');
  writeFileSync(fakeServer, FAKE_SERVER);
  for (const name of Object.keys(SH_SERVERS) as Array<keyof typeof SH_SERVERS>) {
    shServer[name] = path.join(tmp.dir, `${name}.sh`);
    writeFileSync(shServer[name], `${SH_PRELUDE}${SH_SERVERS[name]}\n`);
  }
});

type LogEntry = { event: 'started'; pid: number; env: Record<string, string> } | { event: 'received'; message: { method?: string; params?: { name?: string; arguments?: unknown } } };

function fake(mode: string): { server: string[]; log: string; entries(): LogEntry[]; call(): { name?: string; arguments?: unknown } | undefined } {
  const log = scratchFile(`${mode}.log`);
  const entries = (): LogEntry[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogEntry) : []);
  return {
    server: ['--', NODE, fakeServer, mode, log],
    log,
    entries,
    call: () => entries().flatMap((e) => (e.event === 'received' && e.message.method === 'tools/call' ? [e.message.params!] : []))[0],
  };
}

/** Server words that would leave a marker if ever started. */
function markerServer(): { words: string[]; started(): boolean } {
  const marker = scratchFile('started');
  return { words: ['--', NODE, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`], started: () => existsSync(marker) };
}

// --- The error format --------------------------------------------------------------------

describe('formatAnyhowError (anyhow Debug, as Rust prints what main returned)', () => {
  it('prints the context alone when there is no cause', () => {
    expect(formatAnyhowError('request timed out')).toBe('Error: request timed out\n');
  });

  it('one cause: "Caused by:" and the cause indented 4 spaces', () => {
    expect(formatAnyhowError('failed to parse arguments', ['failed to parse --args JSON: {"a":'])).toBe(
      'Error: failed to parse arguments\n\nCaused by:\n    failed to parse --args JSON: {"a":\n',
    );
  });

  it('several causes are numbered, right-aligned in 5 columns', () => {
    expect(formatAnyhowError('outer', ['middle', 'inner'])).toBe('Error: outer\n\nCaused by:\n    0: middle\n    1: inner\n');
  });

  it('continuation lines of a cause line up under its text', () => {
    expect(formatAnyhowError('c', ['a\nb'])).toBe('Error: c\n\nCaused by:\n    a\n    b\n');
    expect(formatAnyhowError('c', ['a\nb', 'z'])).toBe('Error: c\n\nCaused by:\n    0: a\n       b\n    1: z\n');
  });
});

// --- The command line --------------------------------------------------------------------

describe('call_tool command line', () => {
  it('reads every flag, splits --env at the first =, and takes the server command after --', () => {
    expect(
      parseCommandLine(
        ['--tool', 'http-get', '--args', '{"url":"http://x"}', '--env', 'A=1', '--env', 'B=x=y', '--env', 'E=', '--timeout', '7', '--', 'npx', '-y', 'hal-mcp', '--tool'],
        {},
      ),
    ).toEqual({
      tool: 'http-get',
      args: { url: 'http://x' },
      serverEnv: { A: '1', B: 'x=y', E: '' },
      timeoutSeconds: 7,
      timeoutSource: 'flag',
      command: 'npx',
      commandArgs: ['-y', 'hal-mcp', '--tool'],
    });
  });

  it('a repeated flag: the last one wins, as in a hand-written loop', () => {
    const request = parseCommandLine(['--tool', 'a', '--tool', 'b', '--env', 'K=1', '--env', 'K=2', '--', 'srv'], {});
    expect(request.tool).toBe('b');
    expect(request.serverEnv).toEqual({ K: '2' });
  });

  it('--args takes any JSON value, and defaults to {}', () => {
    for (const [raw, value] of [['[1,"two"]', [1, 'two']], ['null', null], ['"text"', 'text'], ['5', 5], [' {} ', {}]] as const) {
      expect(parseCommandLine(['--tool', 't', '--args', raw, '--', 'srv'], {}).args).toEqual(value);
    }
    expect(parseCommandLine(['--tool', 't', '--', 'srv'], {}).args).toEqual({});
  });

  it(`the timeout: --timeout, else ${CALL_TOOL_TIMEOUT_ENV} (the kit's own), else ${DEFAULT_TIMEOUT_SECONDS} s; 0 is accepted`, () => {
    const plain = parseCommandLine(['--tool', 't', '--', 'srv'], {});
    expect([plain.timeoutSeconds, plain.timeoutSource]).toEqual([30, 'default']);
    const fromEnv = parseCommandLine(['--tool', 't', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '3' });
    expect([fromEnv.timeoutSeconds, fromEnv.timeoutSource]).toEqual([3, 'env']);
    const flagWins = parseCommandLine(['--tool', 't', '--timeout', '7', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '3' });
    expect([flagWins.timeoutSeconds, flagWins.timeoutSource]).toEqual([7, 'flag']);
    expect(parseCommandLine(['--tool', 't', '--timeout', '0', '--', 'srv'], {}).timeoutSeconds).toBe(0);
  });

  it("whole seconds as Rust's u64 parse reads them, with its messages", () => {
    expect(parseU64('0')).toBe(0);
    expect(parseU64('+12')).toBe(12);
    expect(parseU64('18446744073709551615')).toBe(2 ** 64);
    expect(parseU64('')).toEqual({ error: 'cannot parse integer from empty string' });
    for (const bad of ['1.5', '-1', 'soon', ' 1', '1e3', '+', '0x10']) expect(parseU64(bad)).toEqual({ error: 'invalid digit found in string' });
    expect(parseU64('18446744073709551616')).toEqual({ error: 'number too large to fit in target type' });
  });

  // SERVER stands for a server command that would leave a marker if it were ever started.
  it.each<[string, string[], string]>([
    ['no argument at all', [], `no arguments given (flags: ${FLAGS})`],
    ['an unknown flag', ['--bogus', '--tool', 't', 'SERVER'], `unknown argument '--bogus' (flags: ${FLAGS})`],
    ['--help', ['--help'], `unknown argument '--help' (flags: ${FLAGS})`],
    ['-h', ['--tool', 't', '-h', 'SERVER'], `unknown argument '-h' (flags: ${FLAGS})`],
    ['--flag=value', ['--tool=http-get', 'SERVER'], `unknown argument '--tool=http-get' (flags: ${FLAGS})`],
    ['a word before --', ['--tool', 't', 'srv'], `unknown argument 'srv' (flags: ${FLAGS})`],
    ['a flag with no value', ['--tool'], '--tool needs a value: --tool NAME'],
    ['--args with no value', ['--tool', 't', '--args'], '--args needs a value: --args JSON'],
    ['no --tool', ['--args', '{}', 'SERVER'], `--tool NAME is missing: name the tool to call, e.g. --tool http-get (flags: ${FLAGS})`],
    ['no -- at all', ['--tool', 't'], 'no server command: put it after --, e.g. -- npx -y hal-mcp'],
    ['nothing after --', ['--tool', 't', '--'], 'no server command: put it after --, e.g. -- npx -y hal-mcp'],
    ['--env without =', ['--tool', 't', '--env', 'NOEQUALS', 'SERVER'], "--env needs KEY=VALUE, got 'NOEQUALS'"],
    ['--timeout 1.5', ['--tool', 't', '--timeout', '1.5', 'SERVER'], "invalid --timeout '1.5': invalid digit found in string; give whole seconds, e.g. --timeout 30 (0 times out at once)"],
    ['--timeout -1', ['--tool', 't', '--timeout', '-1', 'SERVER'], "invalid --timeout '-1': invalid digit found in string"],
    ['--timeout soon', ['--tool', 't', '--timeout', 'soon', 'SERVER'], "invalid --timeout 'soon': invalid digit found in string"],
    ['an empty --timeout', ['--tool', 't', '--timeout', '', 'SERVER'], "invalid --timeout '': cannot parse integer from empty string"],
    ['a --timeout past u64', ['--tool', 't', '--timeout', '99999999999999999999', 'SERVER'], "invalid --timeout '99999999999999999999': number too large to fit in target type"],
  ])('%s: exit 1, "failed to parse arguments" and the cause, server never started', async (_name, words, cause) => {
    const marker = markerServer();
    const argv = words.flatMap((word) => (word === 'SERVER' ? marker.words : [word]));
    const c = capture();
    expect(await callToolMain(argv, c.io, { env: { [CALL_TOOL_TIMEOUT_ENV]: '1' } })).toBe(EXIT_FAILURE);
    expect(c.err().startsWith(`${ARGS_ERROR}    ${cause}`)).toBe(true);
    expect(c.err()).toMatch(/\n$/);
    expect(c.err().split('\n')).toHaveLength(5); // one cause, one line
    expect(c.out()).toBe('');
    expect(marker.started()).toBe(false);
  });

  it(`a bad ${CALL_TOOL_TIMEOUT_ENV} is an error too (when --timeout is absent), naming the variable`, async () => {
    const c = capture();
    const marker = markerServer();
    expect(await callToolMain(['--tool', 't', ...marker.words], c.io, { env: { [CALL_TOOL_TIMEOUT_ENV]: '2.5' } })).toBe(1);
    expect(c.err()).toBe(
      `${ARGS_ERROR}    invalid ${CALL_TOOL_TIMEOUT_ENV} '2.5': invalid digit found in string; this test kit setting replaces the 30 s default timeout: set whole seconds, e.g. 3, or unset it\n`,
    );
    expect(marker.started()).toBe(false);
    expect(() => parseCommandLine(['--tool', 't', '--timeout', '4', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: 'x' })).not.toThrow();
  });

  it('throws CallToolError with the context and the causes apart', () => {
    try {
      parseCommandLine(['--tool', 't', '--args', '{'], {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CallToolError);
      expect((error as CallToolError).context).toBe('failed to parse arguments');
      expect((error as CallToolError).causes[0]).toBe('failed to parse --args JSON: {');
    }
  });
});

// --- Against real processes ----------------------------------------------------------------

describe('call_tool as a process', () => {
  it('invalid --args: exit 1, the raw text echoed as given (a secret in it too: nothing redacted), server never started', async () => {
    const marker = markerServer();
    const raw = `{"url":"http://127.0.0.1/api/v3/movie","headers":{"X-Api-Key":"${API_KEY}"`;
    const result = await runCallTool(
      ['--tool', 'http-get', '--args', raw, '--env', `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`, ...marker.words],
      cleanEnv({ HAL_SECRET_KAVEDARR_API_KEY: API_KEY }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^${ARGS_ERROR}    0: failed to parse --args JSON: \\{"url"[^\\n]*\\n    1: .+\\n$`));
    expect(result.stderr).toContain(`    0: failed to parse --args JSON: ${raw}\n`);
    expect(result.stderr).toContain(API_KEY);
    expect(result.stderr).not.toContain('[REDACTED]');
    expect(marker.started()).toBe(false);
  });

  it('the unescaped GraphQL body of the T20 plan (gap 5) fails the same way', async () => {
    const raw = '{"url":"http://127.0.0.1/graphql","body":"{"query":"query { __typename }"}"}';
    const result = await runCallTool(['--tool', 'http-post', '--args', raw, ...HAL], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`failed to parse --args JSON: ${raw}\n`);
  });

  it('--bogus, --help and no argument at all: exit 1 with the usage error', async () => {
    for (const argv of [['--bogus'], ['--help'], []]) {
      const result = await runCallTool(argv, cleanEnv());
      expect(result.code, argv.join(' ')).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^${ARGS_ERROR}    (unknown argument|no arguments given)`));
    }
  });

  it('--args goes to the tool as given, whatever JSON value it is; {} when absent', async () => {
    for (const raw of ['[1,"two",{"three":3}]', '"just text"', 'null', '7', '{"nested":{"a":[]}}', undefined]) {
      const server = fake('echo');
      const result = await runCallTool(['--tool', 'anything', ...(raw === undefined ? [] : ['--args', raw]), ...server.server], cleanEnv());
      expect(result.stderr, String(raw)).toBe('');
      expect(result.code).toBe(0);
      expect(server.call()).toEqual({ name: 'anything', arguments: raw === undefined ? {} : JSON.parse(raw) });
    }
  });

  it("the server gets a cleared environment: the set SAFE_ENV_VARS plus --env pairs; its stderr is discarded", async () => {
    expect([...SAFE_ENV_VARS].sort()).toEqual(['HOME', 'LANG', 'LC_ALL', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'TMPDIR', 'TZ', 'USER']);
    const parentEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: '/home/parent',
      LOGNAME: 'parentlog',
      SHELL: '/bin/parentsh',
      USER: 'parentuser',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      TMPDIR: tmp.dir,
      TZ: 'UTC',
      // TERM is left unset: not passed on.
      GUARDRAIL_TEST_LEAK: 'must not reach the server',
      HAL_SECRET_FROM_PARENT: 'must not reach the server either',
    };
    const server = fake('echo');
    const result = await runCallTool(
      ['--tool', 't', '--env', 'HOME=/home/override', '--env', 'EXTRA=a=b', '--env', `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`, ...server.server],
      parentEnv,
    );
    expect(result.code).toBe(0);
    // The server wrote to stderr twice; none of it shows.
    expect(result.stderr).toBe('');
    const started = server.entries().find((e) => e.event === 'started');
    const { GUARDRAIL_TEST_LEAK: _leak, HAL_SECRET_FROM_PARENT: _secret, ...passed } = parentEnv;
    expect(started?.event === 'started' && started.env).toEqual({
      ...passed,
      HOME: '/home/override',
      EXTRA: 'a=b',
      HAL_SECRET_KAVEDARR_API_KEY: API_KEY,
    });
    expect(safeEnvironment({ ...parentEnv, TERM: 'xterm' }).TERM).toBe('xterm');
  });

  it('a server that cannot be spawned: exit 1, "failed to launch MCP server" and the OS error as Rust words it', async () => {
    const missing = await runCallTool(['--tool', 'http-get', '--', path.join(tmp.dir, 'no-such-server')], cleanEnv());
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe('Error: failed to launch MCP server\n\nCaused by:\n    No such file or directory (os error 2)\n');

    const notExecutable = scratchFile('not-executable');
    writeFileSync(notExecutable, '#!/bin/sh\n');
    chmodSync(notExecutable, 0o644);
    const denied = await runCallTool(['--tool', 'http-get', '--', notExecutable], cleanEnv());
    expect(denied.code).toBe(1);
    expect(denied.stderr).toBe('Error: failed to launch MCP server\n\nCaused by:\n    Permission denied (os error 13)\n');
  });

  it('a JSON-RPC error answer to the call: exit 1, "tool call failed" and the error', async () => {
    const server = fake('jsonrpc-error');
    const result = await runCallTool(['--tool', 'http-teleport', ...server.server], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Error: tool call failed\n\nCaused by:\n    server returned JSON-RPC error: code = -32601, message = Unknown tool: http-teleport\n');
  });

  it('a JSON-RPC error answer to initialize: exit 1, and no call is made', async () => {
    const server = fake('init-error');
    const result = await runCallTool(['--tool', 'http-get', ...server.server], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error: failed to initialize MCP session\n\nCaused by:\n    server returned JSON-RPC error: code = -32603, message = not today\n');
    expect(server.call()).toBeUndefined();
  });

  it('an answer that is no CallToolResult: exit 1, saying what is wrong with it', async () => {
    const result = await runCallTool(['--tool', 't', ...fake('bad-result').server], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: tool call failed\n\nCaused by:\n    invalid CallToolResult from the server: content: .+\n$/);
  });

  describe('with the HAL server and a real mock-hal', () => {
    let hal: MockHal;
    beforeAll(async () => {
      hal = await startMockHal({ scenario: 'healthy', apiKey: API_KEY });
    });
    afterAll(async () => {
      await hal?.close();
    });

    it('passes --env to the server and prints the CallToolResult as pretty JSON (2 spaces, newline), exit 0', async () => {
      const result = await runCallTool(
        [
          '--tool',
          'http-get',
          '--args',
          JSON.stringify({ url: `${hal.url}/api/v3/movie`, headers: { 'X-Api-Key': '{secrets.kavedarr.api_key}' } }),
          '--env',
          `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`,
          ...HAL,
        ],
        cleanEnv(),
      );
      expect(result.code).toBe(0);
      const parsed = parseResult(result.stdout);
      expect(result.stdout).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
      expect(parsed.content[0]?.text).toMatch(/^Status: 200 OK\n/);
    });

    it('an error result (a refused connection) is printed and exits 0', async () => {
      const port = await closedPort();
      const result = await runCallTool(['--tool', 'http-get', '--args', `{"url":"http://127.0.0.1:${port}/"}`, ...HAL], cleanEnv());
      expect(result.code).toBe(0);
      expect(parseResult(result.stdout).isError).toBe(true);
    });

    it('an unknown tool the server answers with an error result: the result is printed, exit 0', async () => {
      const result = await runCallTool(['--tool', 'http-teleport', ...HAL], cleanEnv());
      expect(result.code).toBe(0);
      const parsed = parseResult(result.stdout);
      expect(parsed.isError).toBe(true);
      expect(parsed.content[0]?.text).toContain('http-teleport');
    });

    it('--timeout 0 is accepted and gives up at the first wait, on initialize', async () => {
      const result = await runCallTool(['--tool', 'http-get', '--timeout', '0', ...HAL], cleanEnv());
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^Error: MCP initialize timed out after 0 s\n\nCaused by:\n    the server did not answer initialize within --timeout 0, which gives up at the first wait;/);
    });

    it('a hanging API: exit 1 at the timeout, and the server and everything it started are killed', async () => {
      await hal.setScenario('timeout');
      try {
        const pidFile = scratchFile('server.pid');
        const helperPidFile = scratchFile('helper.pid');
        const result = await runCallTool(
          [
            '--tool',
            'http-get',
            '--args',
            JSON.stringify({ url: `${hal.url}/api/v3/movie`, headers: { apikey: '{secrets.key}' } }),
            '--env',
            `HAL_SECRET_KEY=${API_KEY}`,
            // Long enough for Node to start the HAL server on a loaded machine: initialize
            // must succeed for the call, the part under test, to be the one that times out.
            '--timeout',
            '10',
            '--',
            '/bin/bash',
            '-c',
            // A helper the server started, deaf to SIGTERM and holding the stdout pipe.
            `(trap '' TERM; exec sleep 60) & echo $! > '${helperPidFile}'; echo $$ > '${pidFile}'; exec '${NODE}' '${HAL_SERVER}'`,
          ],
          cleanEnv(),
        );
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toMatch(/^Error: tool call timed out after 10 s\n\nCaused by:\n    the server did not answer tools\/call 'http-get' within --timeout 10;/);
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        const helperPid = Number(readFileSync(helperPidFile, 'utf8').trim());
        expect(pid).toBeGreaterThan(0);
        expect(isAlive(pid)).toBe(false);
        // Reaped by init once killed; poll rather than race that.
        await expect.poll(() => isAlive(helperPid)).toBe(false);
        // The request did reach the API and was left unanswered.
        await expect.poll(async () => (await hal.requests()).some((e) => e.check === 'list_movies' && e.status === null)).toBe(true);
      } finally {
        await hal.setScenario('healthy');
      }
    });
  });

  describe('timeouts', () => {
    it('a server that dies mid-call is not noticed: the call waits out its timeout, then exit 1', async () => {
      const marker = scratchFile('died');
      let exitedAt = 0;
      const result = await runCallTool(['--tool', 'http-get', '--timeout', '3', '--', '/bin/sh', shServer.dies, marker], cleanEnv()).finally(
        () => (exitedAt = Date.now()),
      );
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^Error: tool call timed out after 3 s\n\nCaused by:\n    the server did not answer tools\/call 'http-get' within --timeout 3;/);
      // The server read the call and exited at once, long before call_tool gave up.
      const [pid, diedAtNs] = readFileSync(marker, 'utf8').trim().split(' ');
      expect(isAlive(Number(pid))).toBe(false);
      expect(Number(BigInt(diedAtNs!) / 1_000_000n)).toBeLessThan(exitedAt);
    });

    it('a server that exits without ever speaking MCP is not noticed either: initialize times out', async () => {
      const result = await runCallTool(['--tool', 'http-get', '--timeout', '1', '--', '/bin/sh', '-c', 'echo broken >&2; exit 3'], cleanEnv());
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: MCP initialize timed out after 1 s\n/);
      expect(result.stderr).not.toContain('broken');
    });

    it('the timeout applies to initialize and to the call separately (4 s each within --timeout 7)', async () => {
      // This one is about durations: a shared 7 s budget would run out during the call. The
      // 3 s margin per phase is for a loaded machine, where sh itself may start late.
      const result = await runCallTool(['--tool', 't', '--timeout', '7', '--', '/bin/sh', shServer.slow], cleanEnv());
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(parseResult(result.stdout).content[0]?.text).toBe('slow but there');
    });

    it(`takes its timeout from ${CALL_TOOL_TIMEOUT_ENV} when --timeout is absent, counted from the call`, async () => {
      const pidFile = scratchFile('silent.pid');
      const result = await runCallTool(['--tool', 'http-get', '--', '/bin/sh', shServer.silent, pidFile], cleanEnv({ [CALL_TOOL_TIMEOUT_ENV]: '3' }));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^Error: tool call timed out after 3 s\\n\\nCaused by:\\n    the server did not answer tools/call 'http-get' within 3 s \\(${CALL_TOOL_TIMEOUT_ENV}, the test kit's setting\\);`),
      );
      // The server got the call, and was killed when call_tool gave up.
      expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
    });

    it(`--timeout wins over ${CALL_TOOL_TIMEOUT_ENV}`, async () => {
      const pidFile = scratchFile('silent.pid');
      const result = await runCallTool(
        ['--tool', 'http-get', '--timeout', '3', '--', '/bin/sh', shServer.silent, pidFile],
        cleanEnv({ [CALL_TOOL_TIMEOUT_ENV]: '600' }),
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: tool call timed out after 3 s\n\nCaused by:\n    the server did not answer tools\/call 'http-get' within --timeout 3;/);
    });
  });

  describe('stopping', () => {
    it('SIGTERM while waiting: call_tool stops the server before it exits (143)', async () => {
      const pidFile = scratchFile('silent.pid');
      const child = spawn(NODE, [CALL_TOOL, '--tool', 'http-get', '--', '/bin/sh', shServer.silent, pidFile], {
        env: { NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, ...cleanEnv() },
        stdio: 'ignore',
      });
      const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      // The server has the call: call_tool is now waiting for its answer.
      await expect.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n')).toBe(true);
      const serverPid = Number(readFileSync(pidFile, 'utf8'));
      child.kill('SIGTERM');
      expect(await closed).toBe(143);
      await expect.poll(() => isAlive(serverPid)).toBe(false);
    });

    it('in process: aborting the signal stops the server and returns 1 without a message', async () => {
      const pidFile = scratchFile('silent.pid');
      const stop = new AbortController();
      const c = capture();
      const running = callToolMain(['--tool', 'http-get', '--', '/bin/sh', shServer.silent, pidFile], c.io, { env: cleanEnv(), signal: stop.signal });
      await expect.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n')).toBe(true);
      const serverPid = Number(readFileSync(pidFile, 'utf8'));
      stop.abort();
      expect(await running).toBe(1);
      expect(c.err()).toBe('');
      expect(c.out()).toBe('');
      expect(isAlive(serverPid)).toBe(false);
    });
  });
});
