// A guardrail that hangs is killed with its whole process group: nothing is left behind.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGuardrailProcess } from '../../../harness/run/guardrail-process.ts';
import { runHarness } from '../../../harness/run/runner.ts';

const HANGING = new URL('../../fixtures/guardrails/hanging', import.meta.url).pathname;
const SCRIPT = join(HANGING, 'scripts/spec_ops_004/commands/spec_ops_validate.sh');
const out = mkdtempSync(join(tmpdir(), 'process-group-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function processesWith(marker: string): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return table.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

describe('timeouts kill the whole process group', () => {
  it('runGuardrailProcess: the script and its grandchildren are gone after the timeout', async () => {
    const marker = `unit-${process.pid}-${Date.now()}`;
    const result = await runGuardrailProcess({
      command: 'bash',
      args: [SCRIPT],
      cwd: HANGING,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', GUARDRAIL_TEST_MARKER: marker },
      timeoutMs: 500,
      graceMs: 200,
    });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    await expect.poll(() => processesWith(marker), { timeout: 2_000 }).toEqual([]);
  });

  it('runHarness: a hanging guardrail fails exit-code with the timeout named, and leaves no process', async () => {
    const marker = `harness-${process.pid}-${Date.now()}`;
    process.env.GUARDRAIL_TEST_MARKER = marker;
    try {
      const report = await runHarness({ repo: HANGING, flows: ['validate'], scenarios: ['healthy'], out, timeoutSeconds: 1 });
      expect(report.ok).toBe(false);
      const exit = report.runs[0]?.checks.find((check) => check.id === 'exit-code');
      expect(exit?.message).toMatch(/killed it after its timeout/);
      await expect.poll(() => processesWith(marker), { timeout: 3_000 }).toEqual([]);
    } finally {
      delete process.env.GUARDRAIL_TEST_MARKER;
    }
  });
});
