// call_tool: the command line, and its behaviour against real servers over stdio.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockHal, type MockHal } from '../../mock-hal/server.ts';
import {
  CALL_TOOL_TIMEOUT_ENV,
  DEFAULT_TIMEOUT_SECONDS,
  EXIT_USAGE,
  UsageError,
  callToolMain,
  parseCommandLine,
} from '../../harness/mcp/call-tool.ts';
import { API_KEY, HAL_SERVER, NODE, capture, cleanEnv, closedPort, isAlive, parseResult, runCallTool, tempDir } from './helpers.ts';

const SERVER = ['--', NODE, HAL_SERVER];


describe('call_tool command line', () => {
  it('reads every flag, and takes the server command after --', () => {
    const parsed = parseCommandLine(
      ['--tool', 'http-get', '--args', '{"url":"http://x"}', '--env', 'A=1', '--env=B=x=y', '--timeout', '2.5', '--', 'npx', '-y', 'hal-mcp'],
      {},
    );
    expect(parsed).toEqual({
      kind: 'call',
      request: {
        tool: 'http-get',
        args: { url: 'http://x' },
        serverEnv: { A: '1', B: 'x=y' },
        timeoutSeconds: 2.5,
        command: 'npx',
        commandArgs: ['-y', 'hal-mcp'],
      },
    });
  });

  it('defaults --args to {} and the timeout to 30 s, or to the harness variable', () => {
    const plain = parseCommandLine(['--tool', 't', '--', 'srv'], {});
    expect(plain.kind === 'call' && plain.request.args).toEqual({});
    expect(plain.kind === 'call' && plain.request.timeoutSeconds).toBe(DEFAULT_TIMEOUT_SECONDS);
    const fromEnv = parseCommandLine(['--tool', 't', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '3' });
    expect(fromEnv.kind === 'call' && fromEnv.request.timeoutSeconds).toBe(3);
    const flagWins = parseCommandLine(['--tool', 't', '--timeout', '7', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '3' });
    expect(flagWins.kind === 'call' && flagWins.request.timeoutSeconds).toBe(7);
  });

  it.each([
    [['--args', '{}', '--', 'srv'], /--tool NAME is required/],
    [['--tool', 't', '--args', '{"body":"{"query":"q"}"}', '--', 'srv'], /--args is not valid JSON/],
    [['--tool', 't', '--args', '[1]', '--', 'srv'], /--args must be a JSON object, got an array/],
    [['--tool', 't', '--args', 'null', '--', 'srv'], /--args must be a JSON object, got null/],
    [['--tool', 't', '--env', 'NOEQUALS', '--', 'srv'], /--env expects KEY=VALUE/],
    [['--tool', 't', '--env', '1BAD=v', '--', 'srv'], /--env expects KEY=VALUE/],
    [['--tool', 't', '--timeout', '0', '--', 'srv'], /--timeout must be a positive number/],
    [['--tool', 't', '--timeout', 'soon', '--', 'srv'], /--timeout must be a positive number/],
    [['--tool', 't'], /no server command/],
    [['--tool', 't', '--'], /no server command/],
    [['--tool', 't', '--verbose', '--', 'srv'], /unexpected argument '--verbose'/],
    [['--tool'], /--tool needs a value/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommandLine(argv, {})).toThrow(UsageError);
    expect(() => parseCommandLine(argv, {})).toThrow(message);
  });

  it('rejects a bad timeout in the harness variable, naming it', () => {
    expect(() => parseCommandLine(['--tool', 't', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '-1' })).toThrow(CALL_TOOL_TIMEOUT_ENV);
  });

  it('never echoes the value of a malformed --env pair', async () => {
    const c = capture();
    const code = await callToolMain(['--tool', 't', '--env', '9HAL=sup3rsecret', '--', 'srv'], c.io, { env: {} });
    expect(code).toBe(EXIT_USAGE);
    expect(c.err()).toMatch(/--env expects KEY=VALUE/);
    expect(c.err()).not.toContain('sup3rsecret');
  });

  it('prints usage for --help and exits 0', async () => {
    const c = capture();
    expect(await callToolMain(['--help'], c.io)).toBe(0);
    expect(c.out()).toMatch(/^Usage: call_tool --tool NAME/);
  });
});

describe('call_tool against real servers', () => {
  let hal: MockHal;
  const tmp = tempDir('call-tool');

  beforeAll(async () => {
    hal = await startMockHal({ scenario: 'healthy', apiKey: API_KEY });
  });
  afterAll(async () => {
    await hal?.close();
    tmp.remove();
  });

  it('invalid --args: exits non-zero and never starts the server', async () => {
    const marker = path.join(tmp.dir, 'server-started');
    // The unescaped GraphQL body from the T20 plan (gap 5).
    const result = await runCallTool([
      '--tool',
      'http-post',
      '--args',
      `{"url":"${hal.url}/graphql","body":"{"query":"query { __typename }"}"}`,
      '--',
      '/bin/sh',
      '-c',
      `touch '${marker}'`,
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--args is not valid JSON/);
    expect(result.stdout).toBe('');
    expect(existsSync(marker)).toBe(false);
  });

  it('missing --tool: exits non-zero with a message', async () => {
    const result = await runCallTool(['--args', '{}', ...SERVER]);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(/--tool NAME is required/);
  });

  it('unknown tool: exits non-zero and lists the tools the server has', async () => {
    const result = await runCallTool(['--tool', 'http-teleport', '--args', '{}', ...SERVER]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/has no tool `http-teleport`/);
    expect(result.stderr).toContain('http-get');
    expect(result.stdout).toBe('');
  });

  it('a server command that does not exist: exits non-zero and says so', async () => {
    const result = await runCallTool(['--tool', 'http-get', '--', path.join(tmp.dir, 'no-such-server')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/could not start the MCP server: `.*no-such-server` was not found/);
  });

  it('a server that exits without speaking MCP: exits non-zero', async () => {
    const result = await runCallTool(['--tool', 'http-get', '--', '/bin/sh', '-c', 'echo broken >&2; exit 3']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/exited before answering/);
    expect(result.stderr).toContain('broken');
  });

  it('passes --env pairs to the server and prints the CallToolResult as pretty JSON', async () => {
    const result = await runCallTool(
      [
        '--tool',
        'http-get',
        '--args',
        JSON.stringify({ url: `${hal.url}/api/v3/movie`, headers: { 'X-Api-Key': '{secrets.kavedarr_api_key}' } }),
        '--env',
        `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`,
        ...SERVER,
      ],
      cleanEnv(),
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const parsed = parseResult(result.stdout);
    expect(result.stdout).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    expect(parsed.content[0]?.text).toMatch(/^Status: 200 OK\n/);
  });

  it('exits 0 when the result is an error result', async () => {
    const port = await closedPort();
    const result = await runCallTool(['--tool', 'http-get', '--args', `{"url":"http://127.0.0.1:${port}/"}`, ...SERVER]);
    expect(result.code).toBe(0);
    expect(parseResult(result.stdout).isError).toBe(true);
  });

  describe('a hanging endpoint', () => {
    beforeAll(() => hal.setScenario('timeout'));
    afterAll(() => hal.setScenario('healthy'));

    async function hangingCall(extraArgs: string[], env: NodeJS.ProcessEnv) {
      const id = Math.random().toString(36).slice(2);
      const pidFile = path.join(tmp.dir, `server-${id}.pid`);
      const helperPidFile = path.join(tmp.dir, `helper-${id}.pid`);
      const result = await runCallTool(
        [
          '--tool',
          'http-get',
          '--args',
          JSON.stringify({ url: `${hal.url}/api/v3/movie`, headers: { apikey: '{secrets.KEY}' } }),
          '--env',
          `HAL_SECRET_KEY=${API_KEY}`,
          ...extraArgs,
          '--',
          '/bin/bash',
          '-c',
          // A helper the server started, deaf to SIGTERM and holding the stdout pipe.
          `(trap '' TERM; exec sleep 60) & echo $! > '${helperPidFile}'; echo $$ > '${pidFile}'; exec '${NODE}' '${HAL_SERVER}'`,
        ],
        env,
      );
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const helperPid = Number(readFileSync(helperPidFile, 'utf8').trim());
      return { result, pid, helperPid };
    }

    // 4 s, not 1: on a loaded machine the server's start-up alone can take a second, and
    // the request must reach the API before the timeout for the last assertion to hold.
    it('--timeout 4: exits non-zero, and the server and what it started are gone', async () => {
      const { result, pid, helperPid } = await hangingCall(['--timeout', '4'], cleanEnv());
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/timed out after 4 s waiting for tool `http-get`/);
      expect(result.stdout).toBe('');
      expect(pid).toBeGreaterThan(0);
      expect(isAlive(pid)).toBe(false);
      // Reaped by init once killed; poll rather than race that.
      await expect.poll(() => isAlive(helperPid)).toBe(false);
      // The request did reach the API and was left unanswered.
      await expect
        .poll(async () => (await hal.requests()).some((e) => e.check === 'list_movies' && e.status === null))
        .toBe(true);
    });

    it(`takes its timeout from ${CALL_TOOL_TIMEOUT_ENV} when --timeout is absent`, async () => {
      const { result, pid } = await hangingCall([], cleanEnv({ [CALL_TOOL_TIMEOUT_ENV]: '1' }));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/timed out after 1 s/);
      expect(isAlive(pid)).toBe(false);
    });
  });
});
