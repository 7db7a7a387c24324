// Process and file hygiene. SIGINT or SIGTERM to the harness mid-matrix leaves no
// process behind (proved from the process table), and SIGKILL while evidence is
// being written leaves no truncated file under a final name.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs, SEED } from '../../support/fuzz-config.ts';
import { NODE, ROOT } from '../../support/mcp.ts';
import { processesMentioning } from '../../support/process-table.ts';

const RUNS = { kills: runs(8), controlKills: runs(8) } as const;

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

describe('stopping the harness mid-matrix', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: every guardrail, shim, MCP server and mock it started is gone once it has exited', async (signal, exitCode) => {
    const marker = mkdtempSync(join(tmpdir(), `hygiene-${signal.toLowerCase()}-`));
    const harness = spawn(
      NODE,
      [
        join(ROOT, 'harness', 'cli', 'main.ts'),
        'run',
        '--flows',
        'validate,audit',
        '--scenarios',
        'timeout,degraded',
        '--out',
        join(marker, 'out'),
        '--concurrency',
        '2',
      ],
      { cwd: ROOT, env: { ...process.env, TMPDIR: marker }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    harness.stdout!.on('data', (chunk) => (output += chunk));
    harness.stderr!.on('data', (chunk) => (output += chunk));
    try {
      // Wait until runs are in flight: a guardrail has an MCP server up, talking to a hanging mock.
      await expect
        .poll(() => processesMentioning(marker).filter((row) => row.args.includes('npx-shim.ts')).length, { timeout: 30_000, interval: 100 })
        .toBeGreaterThan(0);
      const before = processesMentioning(marker);
      expect(before.some((row) => row.args.includes('spec_ops_validate.sh') || row.args.includes('spec_ops_audit.sh'))).toBe(true);
      expect(before.some((row) => row.args.includes('cargo-shim.ts'))).toBe(true);

      harness.kill(signal);
      // Waits on the exit itself, not a clock: how fast it stops is the soak/bench's concern.
      const status = await exited(harness);
      // Killed process groups are reaped by init a moment later; poll rather than race that.
      await expect.poll(() => processesMentioning(marker), { timeout: 10_000, interval: 50 }).toEqual([]);
      // The mocks were in the harness process itself; it is gone, with the code for the signal.
      expect(status.code ?? status.signal, output).toBe(exitCode);
      // Its temporary folders (repository copies, shims, the guardrails' own temp files) are gone too.
      expect(readdirSync(marker).filter((name) => name.startsWith('guardrail-'))).toEqual([]);
    } finally {
      if (harness.exitCode === null && harness.signalCode === null) harness.kill('SIGKILL');
      for (const row of processesMentioning(marker)) {
        try {
          process.kill(row.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(marker, { recursive: true, force: true });
    }
  });
});

// --- SIGKILL while writing evidence ----------------------------------------------------------

const WRITER = join(ROOT, 'test', 'fixtures', 'reliability', 'evidence-writer.ts');

/** Names of final-named files whose content is not a complete, self-consistent document. */
function incompleteFiles(dir: string): string[] {
  const bad: string[] = [];
  for (const name of readdirSync(dir)) {
    // Temporary names (".<name>.<pid>.<hex>.tmp") and the writer's own source may be anything.
    if (name.startsWith('.')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    try {
      const { sha256, payload } = JSON.parse(text) as { sha256: string; payload: string };
      if (createHash('sha256').update(payload).digest('hex') !== sha256) bad.push(`${name}: hash mismatch`);
    } catch {
      bad.push(`${name}: ${text.length} bytes, not a whole document`);
    }
  }
  return bad;
}

async function killWhileWriting(mode: 'atomic' | 'plain', killAfterMs: number, seed: number): Promise<{ bad: string[]; temps: number; finals: number }> {
  const dir = mkdtempSync(join(tmpdir(), `evidence-kill-${mode}-`));
  try {
    const writer = spawn(NODE, [WRITER, dir, mode, String(seed)], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      writer.stdout!.once('data', () => resolve());
      writer.once('exit', (code) => reject(new Error(`the writer exited early (${code})`)));
    });
    await delay(killAfterMs);
    writer.kill('SIGKILL');
    await exited(writer);
    const names = readdirSync(dir);
    return {
      bad: incompleteFiles(dir),
      temps: names.filter((name) => name.endsWith('.tmp')).length,
      finals: names.filter((name) => !name.startsWith('.')).length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SIGKILL during evidence writing', () => {
  it(`writeFileAtomic and copyFileAtomic: no final name ever holds a partial file (${RUNS.kills} kills, seed ${SEED})`, async () => {
    let finals = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 20, max: 400 }), fc.integer({ min: 1, max: 2 ** 31 }), async (killAfterMs, seed) => {
        const result = await killWhileWriting('atomic', killAfterMs, seed);
        finals += result.finals;
        expect(result.bad).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS.kills },
    );
    expect(finals).toBeGreaterThan(0);
  });

  it(`the check catches it when a writer is not atomic (control: ${RUNS.controlKills} kills, seed ${SEED})`, async () => {
    const caught: string[] = [];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 20, max: 400 }), fc.integer({ min: 1, max: 2 ** 31 }), async (killAfterMs, seed) => {
        caught.push(...(await killWhileWriting('plain', killAfterMs, seed)).bad);
      }),
      { seed: SEED, numRuns: RUNS.controlKills },
    );
    expect(caught.length).toBeGreaterThan(0);
  });
});
