// `guardrail-harness report` as a user runs it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = new URL('../../../harness/cli/main.ts', import.meta.url).pathname;

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-cli-'));
  bundle = join(dir, 'SPEC-KIT-018', 'pair-1');
  await mkdir(join(bundle, 'healthy', 'validate'), { recursive: true });
  await writeFile(join(bundle, 'healthy', 'validate', 'telemetry.json'), '{"schemaVersion":1}');
  await writeFile(
    join(bundle, 'report.json'),
    JSON.stringify({
      ok: false,
      specId: 'SPEC-KIT-018',
      pairId: 'pair-1',
      bundleDir: bundle,
      notes: ['a note'],
      runs: [
        {
          scenario: 'healthy',
          flow: 'validate',
          exitCode: 0,
          durationMs: 10,
          evidenceDir: join(bundle, 'healthy', 'validate'),
          checks: [{ id: 'exit-code', status: 'failed', ok: false, message: 'expected exit 1, saw exit 0' }],
        },
      ],
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('guardrail-harness report', () => {
  it('writes index.html into the bundle, or to --out', async () => {
    const result = run('report', bundle);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Report: .*pair-1\/index\.html\n$/);
    const page = await readFile(join(bundle, 'index.html'), 'utf8');
    expect(page).toContain('expected exit 1, saw exit 0');
    const out = join(dir, 'elsewhere', 'report.html');
    expect(run('report', bundle, '--out', out).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it.each([
    [['report'], /report needs one BUNDLE_DIR/],
    [['report', '/no/such/bundle'], /no such evidence bundle/],
    [['report', '--bogus', 'x'], /Unknown option '--bogus'/],
  ])('%j exits 2 with a message', (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a folder that is not a bundle', () => {
    const result = run('report', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has no report\.json/);
  });

  it('has help, and run lists --html', () => {
    expect(run('report', '--help').stdout).toMatch(/Usage: guardrail-harness report BUNDLE_DIR \[--out FILE\]/);
    expect(run('--help').stdout).toMatch(/guardrail-harness report BUNDLE_DIR/);
    expect(run('run', '--help').stdout).toMatch(/--html/);
  });
});
