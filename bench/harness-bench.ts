// The harness side: wall time of the reference matrix, and what one hermetic HAL
// call costs (bash cargo stub → call_tool → npx stub → HAL server → mock) and where.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHermeticShims } from '../harness/fakes/shims/hermetic.ts';
import { runHarness } from '../harness/run/runner.ts';
import type { Flow, ShimCall } from '../harness/run/types.ts';
import { startMockHal } from '../mock-hal/index.ts';
import { writeCargoWorkspace } from '../test/support/cargo-workspace.ts';
import { median } from './load.ts';

export const MATRIX = { flows: ['validate', 'audit', 'plan'] as Flow[], scenarios: ['healthy', 'degraded', 'timeout', 'malformed'] };

export async function matrixWallTime(): Promise<{ ms: number; runs: number; ok: boolean }> {
  const out = mkdtempSync(join(tmpdir(), 'bench-matrix-'));
  try {
    const started = performance.now();
    const report = await runHarness({ ...MATRIX, out });
    return { ms: Math.round(performance.now() - started), runs: report.runs.length, ok: report.ok };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface CallCost {
  calls: number;
  medianMs: number;
  breakdown: {
    /** bash stub + Node start of the cargo shim, before call_tool starts counting. */
    cargoStubAndNodeStartMs: number;
    /** call_tool inside the cargo shim: MCP session, HAL server start, the call, teardown. */
    callToolMs: number;
    /** The HAL server process's own lifetime (npx stub + Node start + serve). */
    halServerLifetimeMs: number;
    /** The mock's handling of the HTTP request. */
    mockHandlingMs: number;
    /** A bare `node -e 0`: the floor under every Node process above. */
    nodeStartMs: number;
  };
}

export async function hermeticCallCost(calls = 20): Promise<CallCost> {
  const work = mkdtempSync(join(tmpdir(), 'bench-call-'));
  const mock = await startMockHal({ apiKey: 'kvd_bench_call_key' });
  try {
    const repo = join(work, 'repo');
    writeCargoWorkspace(repo);
    const shimLog = join(work, 'shim-log.jsonl');
    const shims = await createHermeticShims({ dir: join(work, 'shims'), nodePath: process.execPath, shimLog });
    const env = { ...process.env, ...shims.env, HAL_SECRET_KAVEDARR_API_KEY: 'kvd_bench_call_key' };
    const args = [
      'run',
      '--manifest-path',
      'codex-rs/Cargo.toml',
      '--quiet',
      '-p',
      'codex-mcp-client',
      '--bin',
      'call_tool',
      '--',
      '--tool',
      'http-get',
      '--args',
      JSON.stringify({ url: `${mock.url}/api/v3/movie`, headers: { 'X-Api-Key': '{secrets.kavedarr.api_key}' } }),
      '--env',
      'HAL_SECRET_KAVEDARR_API_KEY=kvd_bench_call_key',
      '--',
      'npx',
      '-y',
      'hal-mcp',
    ];
    const walls: number[] = [];
    for (let index = 0; index < calls + 2; index += 1) {
      const started = performance.now();
      // Asynchronous: the mock answering the call lives in this process's event loop.
      const result = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn('cargo', args, { cwd: repo, env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.once('close', (status) => resolve({ status, stderr }));
      });
      if (result.status !== 0) throw new Error(`hermetic call failed (${result.status}): ${result.stderr}`);
      // The first two warm the compile cache and the page cache.
      if (index >= 2) walls.push(performance.now() - started);
    }
    const log = readFileSync(shimLog, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ShimCall)
      .slice(4);
    const cargo = median(log.filter((call) => call.shim === 'cargo').map((call) => call.durationMs));
    const npx = median(log.filter((call) => call.shim === 'npx').map((call) => call.durationMs));
    const journal = (await mock.requests()).slice(2);
    const nodeStarts = Array.from({ length: 10 }, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return performance.now() - started;
    });
    const wall = median(walls);
    return {
      calls,
      medianMs: Math.round(wall),
      breakdown: {
        cargoStubAndNodeStartMs: Math.round(wall - cargo),
        callToolMs: Math.round(cargo),
        halServerLifetimeMs: Math.round(npx),
        mockHandlingMs: Math.round(median(journal.map((entry) => entry.durationMs)) * 10) / 10,
        nodeStartMs: Math.round(median(nodeStarts)),
      },
    };
  } finally {
    await mock.close();
    rmSync(work, { recursive: true, force: true });
  }
}
