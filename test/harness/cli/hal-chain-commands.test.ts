// guardrail-harness hal-server and call-tool, run as a user runs them: real processes.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockHal, startMockHal } from '../../../mock-hal/server/server.ts';
import { API_KEY, cleanEnv, NODE, parseResult, ROOT, run, tempDir } from '../../support/mcp.ts';
import { isAlive } from '../../support/process-table.ts';

const CLI = path.join(ROOT, 'harness', 'cli', 'main.ts');
const FLAGS = '--tool NAME --args JSON --timeout SECS --env KEY=VALUE -- SERVER...';
const tmp = tempDir('call-tool-command');
afterAll(() => tmp.remove());

function harness(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
  return run(NODE, [CLI, ...args], { env, limitMs: 60_000 });
}

describe('guardrail-harness call-tool', () => {
  it.each<[string[], string]>([
    [['--bogus'], `unknown argument '--bogus' (flags: ${FLAGS})`],
    [['--help'], `unknown argument '--help' (flags: ${FLAGS})`],
    [[], `no arguments given (flags: ${FLAGS})`],
    [['--tool', 'http-get', '--timeout', '1.5', '--', 'srv'], "invalid --timeout '1.5': invalid digit found in string"],
  ])("%j: exit 1 (not 2) with call_tool's usage error", async (args, cause) => {
    const result = await harness(['call-tool', ...args]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(`Error: failed to parse arguments\n\nCaused by:\n    ${cause}`)).toBe(true);
    expect(result.stderr).not.toContain('guardrail-harness');
  });

  it('invalid --args: exit 1, the raw text on stderr as given', async () => {
    const marker = path.join(tmp.dir, 'started');
    const result = await harness([
      'call-tool',
      '--tool',
      'http-get',
      '--args',
      '{"url":"kvd_x',
      '--',
      NODE,
      '-e',
      `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: failed to parse arguments\n\nCaused by:\n {4}0: failed to parse --args JSON: \{"url":"kvd_x\n {4}1: .+\n$/);
    expect(existsSync(marker)).toBe(false);
  });

  it('a server that cannot be spawned: exit 1', async () => {
    const result = await harness(['call-tool', '--tool', 'http-get', '--', path.join(tmp.dir, 'nothing-here')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error: failed to launch MCP server\n\nCaused by:\n    No such file or directory (os error 2)\n');
  });

  it('SIGTERM while waiting: cli.ts exits 143 and the server goes with it', async () => {
    const pidFile = path.join(tmp.dir, 'silent.pid');
    const script = path.join(tmp.dir, 'silent.sh');
    // Answers initialize (call_tool numbers its requests from 0), takes the call, writes
    // its pid, and never answers; deaf to stdin closing, so only a kill stops it.
    writeFileSync(
      script,
      `read -r l; printf '{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"sh","version":"1"}}}\\n'; ` +
        `read -r l; read -r l; echo $$ > "$1"; exec sleep 600\n`,
    );
    const child = spawn(NODE, [CLI, 'call-tool', '--tool', 'http-get', '--', '/bin/sh', script, pidFile], { env: cleanEnv(), stdio: 'ignore' });
    const closed = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    await expect.poll(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n')).toBe(true);
    const serverPid = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(serverPid)).toBe(true);
    child.kill('SIGTERM');
    expect(await closed).toBe(143);
    await expect.poll(() => isAlive(serverPid)).toBe(false);
  });
});

describe('guardrail-harness hal-server', () => {
  let hal: MockHal;
  beforeAll(async () => {
    hal = await startMockHal({ scenario: 'healthy', apiKey: API_KEY });
  });
  afterAll(async () => {
    await hal?.close();
  });

  it('serves HAL to call-tool: guardrail-harness call-tool ... -- guardrail-harness hal-server', async () => {
    const result = await harness([
      'call-tool',
      '--tool',
      'http-get',
      '--args',
      JSON.stringify({ url: `${hal.url}/api/v3/movie`, headers: { 'X-Api-Key': '{secrets.kavedarr.api_key}' } }),
      '--env',
      `HAL_SECRET_KAVEDARR_API_KEY=${API_KEY}`,
      '--',
      NODE,
      CLI,
      'hal-server',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${JSON.stringify(parseResult(result.stdout), null, 2)}\n`);
    expect(parseResult(result.stdout).content[0]?.text).toMatch(/^Status: 200 OK\n/);
    expect(await hal.requests()).toContainEqual(expect.objectContaining({ check: 'list_movies', status: 200 }));
  });

  it("serves any MCP client (the SDK's, over stdio)", async () => {
    const transport = new StdioClientTransport({ command: NODE, args: [CLI, 'hal-server'], stderr: 'ignore' });
    const client = new Client({ name: 'test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['http-get', 'http-post']));
      const result = await client.callTool({ name: 'http-get', arguments: { url: `${hal.url}/health` } });
      expect((result.content as Array<{ text: string }>)[0]?.text).toMatch(/^Status: 200 OK\n/);
    } finally {
      await client.close();
    }
  });

  it('exits 0 once stdin ends', async () => {
    const result = await harness(['hal-server']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
  });

  it('extra arguments: a usage error (exit 2) that says it takes none', async () => {
    const result = await harness(['hal-server', '--port', '7878']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/hal-server takes no arguments, got "--port 7878"; it serves MCP on stdio/);
    expect(result.stdout).toBe('');
  });

  it('both are in the help', async () => {
    const result = await harness(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}guardrail-harness hal-server +serve the kit's HAL MCP server on stdio/m);
    expect(result.stdout).toMatch(/^ {2}guardrail-harness call-tool --tool NAME \[--args JSON\] \[--timeout SECS\] \[--env KEY=VALUE\]\.\.\. -- SERVER\.\.\./m);
    const help = await harness(['hal-server', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: guardrail-harness hal-server/);
  });
});
