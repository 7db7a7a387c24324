// call_tool as a process with the kit's HAL server and a real mock-hal: the result
// printed as the Rust binary prints it, error results, and a hanging API timed out with
// the server and all it started killed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_KEY, cleanEnv, closedPort, HAL_SERVER, NODE, parseResult, runCallTool } from '../../../support/mcp.ts';
import { useMockHal } from '../../../support/mock-hal.ts';
import { isAlive } from '../../../support/process-table.ts';
import { expectFailure, HAL, useCallToolScratch } from './call-tool-fixtures.ts';

const { scratchFile } = useCallToolScratch();

describe('call_tool as a process', () => {
  describe('with the HAL server and a real mock-hal', () => {
    const hal = useMockHal({ scenario: 'healthy', apiKey: API_KEY });

    it('passes --env to the server and prints the CallToolResult as pretty JSON (2 spaces, newline), exit 0', async () => {
      const result = await runCallTool(
        [
          '--tool',
          'http-get',
          '--args',
          JSON.stringify({ url: `${hal().url}/api/v3/movie`, headers: { 'X-Api-Key': '{secrets.kavedarr.api_key}' } }),
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
      expectFailure(
        result,
        /^Error: MCP initialize timed out after 0 s\n\nCaused by:\n {4}the server did not answer initialize within --timeout 0, which gives up at the first wait;/,
      );
    });

    it('a hanging API: exit 1 at the timeout, and the server and everything it started are killed', async () => {
      await hal().setScenario('timeout');
      try {
        const pidFile = scratchFile('server.pid');
        const helperPidFile = scratchFile('helper.pid');
        const result = await runCallTool(
          [
            '--tool',
            'http-get',
            '--args',
            JSON.stringify({ url: `${hal().url}/api/v3/movie`, headers: { apikey: '{secrets.key}' } }),
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
        expectFailure(
          result,
          /^Error: tool call timed out after 10 s\n\nCaused by:\n {4}the server did not answer tools\/call 'http-get' within --timeout 10;/,
        );
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        const helperPid = Number(readFileSync(helperPidFile, 'utf8').trim());
        expect(pid).toBeGreaterThan(0);
        expect(isAlive(pid)).toBe(false);
        // Reaped by init once killed; poll rather than race that.
        await expect.poll(() => isAlive(helperPid)).toBe(false);
        // The request did reach the API and was left unanswered.
        await expect.poll(async () => (await hal().requests()).some((e) => e.check === 'list_movies' && e.status === null)).toBe(true);
      } finally {
        await hal().setScenario('healthy');
      }
    });
  });
});
