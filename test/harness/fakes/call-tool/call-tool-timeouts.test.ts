// call_tool as a process: its timeouts (per phase, from the flag or the kit's variable,
// a dead server not noticed) and stopping it (SIGTERM, an aborted signal), the server
// killed each time.
//
// These tests wait on events: the throw-away shell servers answer initialize in
// milliseconds and the timeout then counts from the tool call, so a slow Node
// start-up on a loaded machine cannot flip them.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callToolMain } from '../../../../harness/fakes/call-tool/call-tool.ts';
import { CALL_TOOL_TIMEOUT_ENV } from '../../../../harness/fakes/call-tool/call-tool-args.ts';
import { COMPILE_CACHE_DIR } from '../../../../harness/fakes/shims/hermetic.ts';
import { CALL_TOOL, capture, cleanEnv, NODE, parseResult, runCallTool } from '../../../support/mcp.ts';
import { isAlive } from '../../../support/process-table.ts';
import { expectFailure, useCallToolScratch } from './call-tool-fixtures.ts';

const { scratchFile, shServer } = useCallToolScratch();

describe('call_tool as a process', () => {
  describe('timeouts', () => {
    it('a server that dies mid-call is not noticed: the call waits out its timeout, then exit 1', async () => {
      const marker = scratchFile('died');
      let exitedAt = 0;
      const result = await runCallTool(['--tool', 'http-get', '--timeout', '3', '--', '/bin/sh', shServer.dies, marker], cleanEnv()).finally(
        () => (exitedAt = Date.now()),
      );
      expectFailure(result, /^Error: tool call timed out after 3 s\n\nCaused by:\n {4}the server did not answer tools\/call 'http-get' within --timeout 3;/);
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
        new RegExp(
          `^Error: tool call timed out after 3 s\\n\\nCaused by:\\n    the server did not answer tools/call 'http-get' within 3 s \\(${CALL_TOOL_TIMEOUT_ENV}, the test kit's setting\\);`,
        ),
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
      expect(result.stderr).toMatch(
        /^Error: tool call timed out after 3 s\n\nCaused by:\n {4}the server did not answer tools\/call 'http-get' within --timeout 3;/,
      );
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
