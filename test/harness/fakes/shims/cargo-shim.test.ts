// The cargo stub on workspaces real cargo could not run codex-mcp-client's call_tool
// from: it fails as cargo does (exit 101, cargo's message) or refuses (127), and in
// either case starts no MCP server. The end-to-end smoke is in test/mcp/hermetic.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHermeticShims, type HermeticShims } from '../../../../harness/fakes/shims/hermetic.ts';
import type { ShimCall } from '../../../../harness/run/types.ts';
import { cleanEnv, NODE, run, tempDir } from '../../../support/mcp.ts';

const CLIENT = '[package]\nname = "codex-mcp-client"\nedition = "2021"\n\n[[bin]]\nname = "call_tool"\npath = "src/bin/call_tool.rs"\n';

describe('the cargo stub on a workspace cargo would not run call_tool from', () => {
  const tmp = tempDir('cargo-shim');
  let shims: HermeticShims;
  let logFile: string;
  beforeAll(async () => {
    logFile = path.join(tmp.dir, 'shims.jsonl');
    shims = await createHermeticShims({ dir: path.join(tmp.dir, 'shims'), nodePath: NODE, shimLog: logFile });
  });
  afterAll(() => tmp.remove());

  /** A repo whose codex-rs/ holds these files; the guardrail's call line run there by bash. */
  async function callIn(
    name: string,
    files: Record<string, string>,
    cargoFlags: string[],
  ): Promise<{ dir: string; code: number | null; stdout: string; stderr: string }> {
    const dir = path.join(tmp.dir, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, 'codex-rs', file)), { recursive: true });
      writeFileSync(path.join(dir, 'codex-rs', file), text);
    }
    const argv = [
      'run',
      '--manifest-path',
      'codex-rs/Cargo.toml',
      ...cargoFlags,
      '--bin',
      'call_tool',
      '--',
      '--tool',
      'http-get',
      '--args',
      '{}',
      '--',
      'npx',
      '-y',
      'hal-mcp',
    ];
    const result = await run('/bin/bash', ['-c', 'cargo "$@"', 'bash', ...argv], { cwd: dir, env: cleanEnv(shims.env) });
    return { dir, ...result };
  }
  /** Shim log lines whose cwd is `dir`. */
  function logged(dir: string): [string, string, number | null][] {
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as ShimCall)
      .filter((call) => call.cwd === dir)
      .map((call) => [call.shim, call.action, call.exitCode]);
  }

  it('a call_tool source that does not exist: the build fails, exit 101', async () => {
    const files = { 'Cargo.toml': '[workspace]\nmembers = ["mcp-client"]\n', 'mcp-client/Cargo.toml': CLIENT };
    const result = await callIn('no-source', files, ['--quiet', '-p', 'codex-mcp-client']);
    const member = path.join(result.dir, 'codex-rs', 'mcp-client');
    expect(result).toMatchObject({ code: 101, stdout: '' });
    expect(result.stderr).toBe(
      `error: can't find bin \`call_tool\` at path \`${path.join(member, 'src/bin/call_tool.rs')}\`\n --> ${path.join(member, 'Cargo.toml')}\n` +
        'error: could not compile due to 1 previous target resolution error\n',
    );
    expect(logged(result.dir)).toEqual([['cargo', 'call_tool', 101]]);
  });

  it('a member that does not parse: the snippet and the member it failed in, exit 101', async () => {
    const files = { 'Cargo.toml': '[workspace]\nmembers = ["mcp-client"]\n', 'mcp-client/Cargo.toml': '[package\n' };
    const result = await callIn('bad-member', files, ['--quiet', '-p', 'codex-mcp-client']);
    expect(result.code).toBe(101);
    expect(result.stderr).toBe(
      'error: unclosed table, expected `]`\n --> codex-rs/mcp-client/Cargo.toml:1:9\n  |\n1 | [package\n  |         ^\n' +
        `error: failed to load manifest for workspace member \`${path.join(result.dir, 'codex-rs', 'mcp-client')}\`\n` +
        `referenced by workspace at \`${path.join(result.dir, 'codex-rs', 'Cargo.toml')}\`\n`,
    );
    expect(logged(result.dir)).toEqual([['cargo', 'call_tool', 101]]);
  });

  it("call_tool only in another package (no -p): another crate's binary, refused with 127", async () => {
    const files = {
      'Cargo.toml': '[workspace]\nmembers = ["tools"]\n',
      'tools/Cargo.toml': '[package]\nname = "other-tools"\n',
      'tools/src/bin/call_tool.rs': '',
    };
    const result = await callIn('other-package', files, ['--quiet']);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(
      /^cargo \(hermetic transport\): `call_tool` resolves to package `other-tools` .*; only the `codex-mcp-client` one is emulated\.\n$/,
    );
    expect(logged(result.dir)).toEqual([['cargo', 'refused', 127]]);
  });
});
