// The hermetic transport: bash stubs for cargo and npx, driven from bash as a
// guardrail script would drive them, against the mock API. The shims' pure helpers
// are in shim-helpers.test.ts.
import { accessSync, constants, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CALL_TOOL_TIMEOUT_ENV,
  createHermeticShims,
  type HermeticShims,
  MCP_SERVER_ENV,
  ORIGINAL_PATH_ENV,
  SHIM_LOG_ENV,
} from '../../../../harness/fakes/shims/hermetic.ts';
import type { ShimCall } from '../../../../harness/run/types.ts';
import { type MockHal, startMockHal } from '../../../../mock-hal/server/server.ts';
import { writeCargoWorkspace } from '../../../support/cargo-workspace.ts';
import { API_KEY, bodyOf, cleanEnv, HAL_SERVER, NODE, parseResult, run, tempDir } from '../../../support/mcp.ts';
import { keyHeaders, readLog, SECRET_VAR, smokeCall } from './hermetic-fixtures.ts';

describe('hermetic transport', () => {
  const tmp = tempDir('hermetic');
  const repo = path.join(tmp.dir, 'repo');
  const workspace = path.join(repo, 'codex-rs');
  const emptyDir = path.join(tmp.dir, 'empty-path');
  let mock: MockHal;
  let shims: HermeticShims;
  let logFile: string;
  let logMark = 0;

  /** Shim log lines written since the last call. */
  function newLines(): ShimCall[] {
    const all = readLog(logFile);
    const fresh = all.slice(logMark);
    logMark = all.length;
    return fresh;
  }

  beforeAll(async () => {
    writeCargoWorkspace(repo);
    mkdirSync(emptyDir);
    logFile = path.join(tmp.dir, 'logs', 'shims.jsonl');
    mock = await startMockHal({ scenario: 'healthy', apiKey: API_KEY });
    shims = await createHermeticShims({ dir: path.join(tmp.dir, 'shims'), nodePath: NODE, shimLog: logFile });
  });
  afterAll(async () => {
    await mock?.close();
    tmp.remove();
  });
  beforeEach(async () => {
    newLines();
    await mock.clearRequests();
  });

  it('writes executable cargo and npx stubs and the environment that routes to them', () => {
    expect(shims.binDir).toBe(path.join(tmp.dir, 'shims', 'bin'));
    for (const tool of ['cargo', 'npx']) {
      const stub = path.join(shims.binDir, tool);
      expect(statSync(stub).isFile()).toBe(true);
      expect(() => accessSync(stub, constants.X_OK)).not.toThrow();
      expect(readFileSync(stub, 'utf8')).toMatch(/^#!\/bin\/bash\n[\s\S]*\nexec '.+' '.+-shim\.ts' "\$@"\n$/);
    }
    expect(shims.env.PATH?.split(':')[0]).toBe(shims.binDir);
    expect(shims.env[ORIGINAL_PATH_ENV]?.split(':')).not.toContain(shims.binDir);
    expect(shims.env[SHIM_LOG_ENV]).toBe(logFile);
    expect(shims.env[CALL_TOOL_TIMEOUT_ENV]).toBeUndefined();
    expect(statSync(logFile).isFile()).toBe(true);
  });

  it('refuses options it cannot honour', async () => {
    await expect(createHermeticShims({ dir: tmp.dir, nodePath: path.join(emptyDir, 'node'), shimLog: logFile })).rejects.toThrow(/nodePath/);
    await expect(createHermeticShims({ dir: tmp.dir, nodePath: NODE, shimLog: logFile, callToolTimeoutSeconds: 0 })).rejects.toThrow(/positive|above 0/);
    await expect(createHermeticShims({ dir: tmp.dir, nodePath: NODE, shimLog: logFile, mcpServerCommand: [] })).rejects.toThrow(/mcpServerCommand/);
  });

  it('runs the smoke call end to end: key substituted, output and log redacted', async () => {
    const result = await smokeCall(shims, {
      cwd: repo,
      cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '--quiet', '-p', 'codex-mcp-client'],
      tool: 'http-get',
      args: { url: `${mock.url}/api/v3/movie`, headers: keyHeaders, query: { page: 1, limit: 50 } },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const text = parseResult(result.stdout).content[0]!.text;
    expect(text).toMatch(/^Status: 200 OK/);
    expect(JSON.parse(bodyOf(text))).toHaveProperty('records');
    expect(result.stdout).not.toContain(API_KEY);

    const journal = await mock.requests();
    expect(journal.map((e) => [e.check, e.status])).toEqual([['list_movies', 200]]);

    const lines = newLines();
    expect(lines.map((l) => [l.shim, l.action, l.exitCode])).toEqual([
      ['npx', 'hal-mcp', 0],
      ['cargo', 'call_tool', 0],
    ]);
    const [npx, cargo] = lines as [ShimCall, ShimCall];
    expect(npx.argv).toEqual(['-y', 'hal-mcp']);
    expect(cargo.argv).toContain(`${SECRET_VAR}=[REDACTED]`);
    expect(cargo.argv.slice(0, 3)).toEqual(['run', '--manifest-path', 'codex-rs/Cargo.toml']);
    expect(cargo.cwd).toBe(repo);
    expect(Number.isNaN(Date.parse(cargo.startedAt))).toBe(false);
    expect(cargo.durationMs).toBeGreaterThan(0);
    expect(readFileSync(logFile, 'utf8')).not.toContain(API_KEY);
  });

  it('carries the GraphQL smoke: a JSON string body reaches the API intact', async () => {
    const result = await smokeCall(shims, {
      cwd: repo,
      cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '--quiet', '-p', 'codex-mcp-client'],
      tool: 'http-post',
      args: {
        url: `${mock.url}/graphql`,
        headers: { 'Content-Type': 'application/json', ...keyHeaders },
        body: '{"query":"query { __typename }"}',
      },
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(bodyOf(parseResult(result.stdout).content[0]!.text))).toEqual({ data: { __typename: 'Query' } });
    const [entry] = await mock.requests();
    expect(entry?.graphql).toMatchObject({ parseable: true, operation: 'query' });
  });

  it('a --manifest-path that does not exist fails as cargo does, before any server starts', async () => {
    const result = await smokeCall(shims, {
      cwd: repo,
      cargoFlags: ['--manifest-path', 'missing/Cargo.toml', '--quiet', '-p', 'codex-mcp-client'],
      tool: 'http-get',
      args: { url: `${mock.url}/health` },
    });
    expect(result.code).toBe(101);
    expect(result.stderr).toBe('error: manifest path `missing/Cargo.toml` does not exist\n');
    expect(result.stdout).toBe('');
    expect(newLines().map((l) => [l.shim, l.action, l.exitCode])).toEqual([['cargo', 'call_tool', 101]]);
    expect(await mock.requests()).toEqual([]);
  });

  it("no --manifest-path and no Cargo.toml in cwd or above: cargo's lookup error (the moved workspace)", async () => {
    const result = await smokeCall(shims, {
      cwd: repo,
      cargoFlags: ['-q', '-p', 'codex-mcp-client'],
      tool: 'http-get',
      args: { url: `${mock.url}/health` },
    });
    expect(result.code).toBe(101);
    expect(result.stderr).toBe(`error: could not find \`Cargo.toml\` in \`${repo}\` or any parent directory\n`);
    expect(newLines().map((l) => [l.shim, l.exitCode])).toEqual([['cargo', 101]]);
    expect(await mock.requests()).toEqual([]);
  });

  it('no --manifest-path but a Cargo.toml in a parent: the call runs; without --quiet cargo announces it', async () => {
    const result = await smokeCall(shims, {
      cwd: path.join(workspace, 'mcp-client', 'src', 'bin'),
      cargoFlags: ['-p', 'codex-mcp-client'],
      tool: 'http-get',
      args: { url: `${mock.url}/health` },
    });
    expect(result.code).toBe(0);
    // The member's manifest is found first; its workspace (codex-rs/) owns the target dir,
    // which is not below the cwd, so cargo shows the binary's absolute path.
    const binary = path.join(workspace, 'target', 'debug', 'call_tool');
    expect(result.stderr.startsWith(`    Finished \`dev\` profile`)).toBe(true);
    expect(result.stderr).toContain(`\n     Running \`${binary} --tool http-get `);
    expect(parseResult(result.stdout).content[0]!.text).toMatch(/^Status: 200 OK/);
    expect(newLines().find((l) => l.shim === 'cargo')?.note).toBe(`manifest ${path.join(workspace, 'mcp-client', 'Cargo.toml')}`);
  });

  it('a package other than codex-mcp-client fails as cargo does', async () => {
    const result = await smokeCall(shims, {
      cwd: repo,
      cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '-q', '-p', 'codex-cli'],
      tool: 'http-get',
      args: { url: `${mock.url}/health` },
    });
    expect(result.code).toBe(101);
    expect(result.stderr).toBe(`error: package(s) \`codex-cli\` not found in workspace \`${workspace}\`\n`);
  });

  it("a workspace without codex-mcp-client: exit 101 with cargo's message, before any server starts", async () => {
    // More workspaces real cargo would refuse: test/transports/cargo-shim.test.ts and cargo-workspace.test.ts.
    const dir = path.join(tmp.dir, 'no-client');
    mkdirSync(path.join(dir, 'codex-rs'), { recursive: true });
    writeFileSync(path.join(dir, 'codex-rs', 'Cargo.toml'), '[workspace]\nresolver = "2"\nmembers = []\n');
    const flags = ['--manifest-path', 'codex-rs/Cargo.toml', '--quiet', '-p', 'codex-mcp-client'];
    const result = await smokeCall(shims, { cwd: dir, cargoFlags: flags, tool: 'http-get', args: { url: `${mock.url}/health` } });
    expect(result).toMatchObject({ code: 101, stdout: '' });
    expect(result.stderr).toBe(`error: package(s) \`codex-mcp-client\` not found in workspace \`${path.join(dir, 'codex-rs')}\`\n`);
    // Only the cargo shim ran: no npx shim (no MCP server), and nothing reached the API.
    expect(newLines().map((l) => [l.shim, l.action, l.exitCode])).toEqual([['cargo', 'call_tool', 101]]);
    expect(await mock.requests()).toEqual([]);
  });

  it('other cargo and npx commands are refused with 127 when the real tools are absent', async () => {
    const env = cleanEnv({ ...shims.env, [ORIGINAL_PATH_ENV]: emptyDir });
    const cargo = await run('/bin/bash', ['-c', 'cargo build --release'], { cwd: repo, env });
    expect(cargo.code).toBe(127);
    expect(cargo.stderr).toMatch(/only `cargo run \.\.\. --bin call_tool -- \.\.\.` is emulated/);
    expect(cargo.stderr).toMatch(/no real cargo was found/);
    const npx = await run('/bin/bash', ['-c', 'npx -y cowsay hi'], { cwd: repo, env });
    expect(npx.code).toBe(127);
    expect(npx.stderr).toMatch(/only `npx -y hal-mcp` is emulated, and no real npx was found/);
    expect(newLines().map((l) => [l.shim, l.action, l.exitCode])).toEqual([
      ['cargo', 'refused', 127],
      ['npx', 'refused', 127],
    ]);
  });

  it('other cargo commands pass through to the real cargo on the original PATH', async () => {
    const realDir = path.join(tmp.dir, 'real-bin');
    mkdirSync(realDir, { recursive: true });
    writeFileSync(path.join(realDir, 'cargo'), '#!/bin/sh\necho "real cargo: $*"\nexit 7\n', { mode: 0o755 });
    const env = cleanEnv({ ...shims.env, [ORIGINAL_PATH_ENV]: `${emptyDir}:${realDir}` });
    const result = await run('/bin/bash', ['-c', 'cargo run --bin codex -- --help'], { cwd: repo, env });
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('real cargo: run --bin codex -- --help\n');
    const [line] = newLines();
    expect(line).toMatchObject({ shim: 'cargo', action: 'passthrough', exitCode: 7, note: `ran ${path.join(realDir, 'cargo')}` });
  });

  it('concurrent calls each append whole log lines', async () => {
    const calls = [0, 1, 2].map(() =>
      smokeCall(shims, {
        cwd: repo,
        cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '-q'],
        tool: 'http-get',
        args: { url: `${mock.url}/health` },
      }),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
    const lines = newLines(); // readLog throws on a torn line
    expect(lines.filter((l) => l.shim === 'cargo')).toHaveLength(3);
    expect(lines.filter((l) => l.shim === 'npx')).toHaveLength(3);
  });

  describe('configured by the harness', () => {
    it('a call_tool timeout stops a hanging call and its server, and both shims log it', async () => {
      const quick = await createHermeticShims({
        dir: path.join(tmp.dir, 'quick'),
        nodePath: NODE,
        shimLog: logFile,
        callToolTimeoutSeconds: 1,
      });
      expect(quick.env[CALL_TOOL_TIMEOUT_ENV]).toBe('1');
      await mock.setScenario('timeout');
      try {
        const result = await smokeCall(quick, {
          cwd: repo,
          cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '-q'],
          tool: 'http-get',
          args: { url: `${mock.url}/api/v3/movie`, headers: keyHeaders },
        });
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(/timed out after 1 s/);
        expect(result.stdout).toBe('');
        expect(newLines().map((l) => [l.shim, l.exitCode, l.note])).toEqual([
          ['npx', 143, 'stopped by SIGTERM'],
          ['cargo', 1, expect.stringMatching(/^manifest /)],
        ]);
      } finally {
        await mock.setScenario('healthy');
      }
    });

    it('npx hal-mcp can run a configured MCP server command instead', async () => {
      const custom = await createHermeticShims({
        dir: path.join(tmp.dir, 'custom'),
        nodePath: NODE,
        shimLog: logFile,
        mcpServerCommand: [NODE, HAL_SERVER],
      });
      expect(JSON.parse(custom.env[MCP_SERVER_ENV]!)).toEqual([NODE, HAL_SERVER]);
      const result = await smokeCall(custom, {
        cwd: repo,
        cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '-q'],
        tool: 'http-get',
        args: { url: `${mock.url}/health` },
      });
      expect(result.code).toBe(0);
      expect(parseResult(result.stdout).content[0]!.text).toMatch(/^Status: 200 OK/);
      const npx = newLines().find((l) => l.shim === 'npx');
      expect(npx).toMatchObject({ action: 'mcp-server', exitCode: 0, note: `ran ${JSON.stringify([NODE, HAL_SERVER])}` });
    });

    it('a configured command runs on the original PATH, so `npx -y hal-mcp` cannot loop back into the shim', async () => {
      const seenPath = path.join(tmp.dir, 'server-path.txt');
      const custom = await createHermeticShims({
        dir: path.join(tmp.dir, 'custom-path'),
        nodePath: NODE,
        shimLog: logFile,
        mcpServerCommand: ['/bin/bash', '-c', `printf '%s' "$PATH" > '${seenPath}'; exec '${NODE}' '${HAL_SERVER}'`],
      });
      const result = await smokeCall(custom, {
        cwd: repo,
        cargoFlags: ['--manifest-path', 'codex-rs/Cargo.toml', '-q'],
        tool: 'http-get',
        args: { url: `${mock.url}/health` },
      });
      expect(result.code).toBe(0);
      const serverPath = readFileSync(seenPath, 'utf8').split(':');
      expect(serverPath).not.toContain(custom.binDir);
      expect(serverPath.length).toBeGreaterThan(0);
    });
  });
});
