import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTelemetryMain, isTelemetryFileName } from '../../harness/check-telemetry.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/telemetry/', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../../harness/check-telemetry.ts', import.meta.url));
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';
const VALIDATE_HAL = 'spec-validate_2025-09-29T16-34-21Z-229132461.json';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'check-telemetry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string; lines: string[] }> {
  let out = '';
  let err = '';
  const code = await checkTelemetryMain(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err, lines: out.split('\n').filter((l) => l !== '') };
}

/** Copies every fixture under its real, colon-spelled name, as the guardrails write them. */
async function realEvidenceFolder(target: string): Promise<string[]> {
  await mkdir(target, { recursive: true });
  const names: string[] = [];
  for (const name of (await readdir(FIXTURES)).filter((n) => n.endsWith('.json'))) {
    const real = name.replace(/T(\d{2})-(\d{2})-(\d{2})Z/, 'T$1:$2:$3Z');
    await cp(join(FIXTURES, name), join(target, real));
    names.push(real);
  }
  // Neighbours the guardrails write that are not telemetry.
  await writeFile(join(target, 'spec-audit_2025-09-29T12:33:29Z-218285443.log'), 'log\n');
  await writeFile(join(target, '20250929-123329Z-hal-health.json'), '{"status":503}');
  await writeFile(join(target, 'baseline_2025-09-29T16:23:24Z-2625014190.md'), '- Status: failed\n');
  return names;
}

async function brokenAudit(path: string): Promise<void> {
  const data = JSON.parse(await readFile(join(FIXTURES, AUDIT), 'utf8')) as { scenarios: { status: string }[] };
  (data.scenarios[0] as { status: string }).status = 'ok';
  await writeFile(path, JSON.stringify(data));
}

describe('check-telemetry', () => {
  it('passes a folder of real telemetry and ignores the other evidence files', async () => {
    await realEvidenceFolder(join(dir, 'evidence'));
    const result = await run(join(dir, 'evidence'));
    expect(result.lines).toEqual(['5 files checked, 0 problems']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
  });

  it('checks one file', async () => {
    const result = await run(join(FIXTURES, AUDIT));
    expect(result).toMatchObject({ code: 0, lines: ['1 file checked, 0 problems'] });
  });

  it('prints one line per problem naming the file, and exits 1', async () => {
    const evidence = join(dir, 'evidence', 'nested', 'deeper');
    await realEvidenceFolder(evidence);
    const bad = join(evidence, 'spec-audit_2025-09-29T12:33:29Z-218285443.json');
    await brokenAudit(bad);
    await writeFile(join(evidence, 'spec-plan_2025-09-29T16:00:00Z-1.json'), '{"command":');
    const result = await run(join(dir, 'evidence'));
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `${bad}: scenarios[0].status: expected one of passed|failed|skipped, got "ok"`,
      expect.stringMatching(
        new RegExp(`^${join(evidence, 'spec-plan_2025-09-29T16:00:00Z-1.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON: the text ends early`),
      ),
      '6 files checked, 2 problems',
    ]);
  });

  it('counts a folder without telemetry as a problem', async () => {
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'empty', 'notes.json'), '{}');
    const result = await run(join(dir, 'empty'));
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(new RegExp(`^${join(dir, 'empty')}: no telemetry files found`));
    expect(result.lines[1]).toBe('0 files checked, 1 problem');
  });

  it('checks several paths and adds up', async () => {
    await brokenAudit(join(dir, 'bad.json'));
    const result = await run(join(FIXTURES, AUDIT), join(dir, 'bad.json'), FIXTURES);
    expect(result.code).toBe(1);
    expect(result.lines.at(-1)).toBe('7 files checked, 1 problem');
  });

  it('finds bundle copies and *.telemetry.json, judged by the manifest beside them', async () => {
    const runDir = join(dir, 'bundle', 'SPEC-KIT-018', 'p1', 'healthy', 'validate');
    await mkdir(runDir, { recursive: true });
    await cp(join(FIXTURES, AUDIT), join(runDir, 'telemetry.json'));
    await writeFile(join(runDir, 'manifest.json'), JSON.stringify({ flow: 'validate', telemetryHal: true }));
    await cp(join(FIXTURES, VALIDATE_HAL), join(dir, 'bundle', 'extra.telemetry.json'));
    const result = await run(join(dir, 'bundle'));
    expect(result.lines).toEqual([
      `${join(runDir, 'telemetry.json')}: command: expected "spec-ops-validate", got "spec-ops-audit"`,
      '2 files checked, 1 problem',
    ]);
  });

  it('applies the manifest hal flag', async () => {
    const runDir = join(dir, 'run');
    await mkdir(runDir);
    await cp(join(FIXTURES, VALIDATE_HAL), join(runDir, 'telemetry.json'));
    await writeFile(join(runDir, 'manifest.json'), JSON.stringify({ flow: 'validate', telemetryHal: false }));
    const result = await run(runDir);
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(/telemetry\.json: hal\.summary: expected no hal\.summary block/);
  });

  it('--hal and --no-hal set the flag for every file', async () => {
    const file = join(FIXTURES, VALIDATE_HAL);
    expect((await run('--hal', file)).code).toBe(0);
    const off = await run('--no-hal', file);
    expect(off.code).toBe(1);
    expect(off.lines[0]).toBe(
      `${file}: hal.summary: expected no hal.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got an object {"status":"passed","artifacts":["/home/thetu/code/docs/SPEC-OPS-004-integrate...`,
    );
  });

  it('reports unreadable files as problems, not crashes', async () => {
    await writeFile(join(dir, 'spec-validate_2025-09-29T16:34:21Z-1.json'), new Uint8Array([0, 1, 2]));
    await writeFile(join(dir, 'spec-audit_2025-09-29T16:34:21Z-1.json'), '');
    const result = await run(dir);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `${join(dir, 'spec-audit_2025-09-29T16:34:21Z-1.json')}: file is empty; the guardrail created it but wrote nothing (killed mid-write?)`,
      `${join(dir, 'spec-validate_2025-09-29T16:34:21Z-1.json')}: file contains NUL bytes: binary data, not JSON text`,
      '2 files checked, 2 problems',
    ]);
  });

  describe('usage errors exit 2', () => {
    it('without paths', async () => {
      const result = await run();
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/no PATH given; name one or more telemetry files or folders/);
      expect(result.out).toBe('');
    });

    it('for a path that does not exist, before checking anything', async () => {
      const result = await run(join(FIXTURES, AUDIT), join(dir, 'nope'));
      expect(result.code).toBe(2);
      expect(result.err).toBe(
        `check-telemetry: ${join(dir, 'nope')}: no such file or folder; give a telemetry file or a folder holding them\n`,
      );
      expect(result.out).toBe('');
    });

    it('for an unknown option', async () => {
      const result = await run('--strict', FIXTURES);
      expect(result.code).toBe(2);
      expect(result.err).toMatch(/unknown option --strict; see --help/);
    });
  });

  it('--help prints usage and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: guardrail-harness check-telemetry/);
    expect(result.out).toMatch(/Exit status: 0 no problems, 1 problems found, 2 usage error/);
  });

  it('treats arguments after -- as paths', async () => {
    const result = await run('--', '--hal');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--hal: no such file or folder/);
  });

  it('runs as a script with the same exit codes', async () => {
    const exec = promisify(execFile);
    const good = await exec(process.execPath, [SCRIPT, FIXTURES]);
    expect(good.stdout).toBe('5 files checked, 0 problems\n');
    await brokenAudit(join(dir, 'bad.json'));
    await expect(exec(process.execPath, [SCRIPT, join(dir, 'bad.json')])).rejects.toMatchObject({ code: 1 });
    await expect(exec(process.execPath, [SCRIPT])).rejects.toMatchObject({ code: 2 });
  });
});

describe('isTelemetryFileName', () => {
  it.each([
    ['spec-validate_2025-09-29T16:34:21Z-229132461.json', true],
    ['telemetry.json', true],
    ['run-1.telemetry.json', true],
    ['manifest.json', false],
    ['20250929-163421Z-hal-health.json', false],
    ['spec-validate_2025-09-29T16:34:21Z-229132461.log', false],
  ])('%s -> %s', (name, expected) => {
    expect(isTelemetryFileName(name)).toBe(expected);
  });
});
