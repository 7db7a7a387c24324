// call_tool as a process against scripted servers over stdio: what reaches the server
// (arguments, environment), and how each way a call fails is reported, point by point
// as the Rust binary behaves (guardrail-interfaces.md, "How one call travels").
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAFE_ENV_VARS, safeEnvironment } from '../../../../harness/fakes/call-tool/server-process.ts';
import { API_KEY, cleanEnv, runCallTool } from '../../../support/mcp.ts';
import { ARGS_ERROR, expectFailure, HAL, useCallToolScratch } from './call-tool-fixtures.ts';

const { tmp, scratchFile, fake, markerServer } = useCallToolScratch();

describe('call_tool as a process', () => {
  it('invalid --args: exit 1, the raw text echoed as given (a secret in it too: nothing redacted), server never started', async () => {
    const marker = markerServer();
    const raw = `{"url":"http://127.0.0.1/api/v3/movie","headers":{"X-Api-Key":"${API_KEY}"`;
    const result = await runCallTool(
      ['--tool', 'http-get', '--args', raw, '--env', `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`, ...marker.words],
      cleanEnv({ HAL_SECRET_KAVEDARR_API_KEY: API_KEY }),
    );
    expectFailure(result, new RegExp(`^${ARGS_ERROR}    0: failed to parse --args JSON: \\{"url"[^\\n]*\\n    1: .+\\n$`));
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

  it('the server gets a cleared environment: the set SAFE_ENV_VARS plus --env pairs; its stderr is discarded', async () => {
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
    expectFailure(missing, 'Error: failed to launch MCP server\n\nCaused by:\n    No such file or directory (os error 2)\n');

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
    expectFailure(result, 'Error: tool call failed\n\nCaused by:\n    server returned JSON-RPC error: code = -32601, message = Unknown tool: http-teleport\n');
  });

  it('a JSON-RPC error answer to initialize: exit 1, and no call is made', async () => {
    const server = fake('init-error');
    const result = await runCallTool(['--tool', 'http-get', ...server.server], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Error: failed to initialize MCP session\n\nCaused by:\n    server returned JSON-RPC error: code = -32603, message = not today\n',
    );
    expect(server.call()).toBeUndefined();
  });

  it('an answer that is no CallToolResult: exit 1, saying what is wrong with it', async () => {
    const result = await runCallTool(['--tool', 't', ...fake('bad-result').server], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: tool call failed\n\nCaused by:\n {4}invalid CallToolResult from the server: content: .+\n$/);
  });
});
