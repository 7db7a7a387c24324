// writeRunEvidence: one run's files copied under safe names, with its journal, shim log,
// output and manifest, into a folder check-telemetry and export-evidence can read.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTelemetryCommand as checkTelemetryMain } from '../../../harness/cli/check-telemetry-command.ts';
import { BUNDLE_TELEMETRY_NAME } from '../../../harness/evidence/bundle-names.ts';
import { createBundle, writeRunEvidence } from '../../../harness/evidence/evidence.ts';
import type { ShimCall } from '../../../harness/run/types.ts';
import { sha256, tree, useTempDir } from './evidence-fixtures.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';

const temp = useTempDir();

describe('writeRunEvidence', () => {
  async function guardrailOutput(): Promise<{ repo: string; telemetry: string; files: string[] }> {
    const repo = join(temp.dir, 'repo', 'evidence');
    await mkdir(join(repo, 'hal'), { recursive: true });
    const telemetry = join(repo, 'spec-audit_2025-09-29T12:33:29Z-218285443.json');
    await writeFile(telemetry, await readFile(join(FIXTURES, AUDIT)));
    const files = [
      join(repo, 'spec-audit_2025-09-29T12:33:29Z-218285443.log'),
      join(repo, '20250929-123329Z-hal-health.json'),
      join(repo, 'hal', '20250929-123329Z-hal-health.json'),
      telemetry,
    ];
    await writeFile(files[0] as string, 'log line\n');
    await writeFile(files[1] as string, '{"status":503,"note":"Health endpoint returned no body"}');
    await writeFile(files[2] as string, '{"status":"healthy"}');
    return { repo, telemetry, files };
  }

  const shim: ShimCall = {
    shim: 'cargo',
    argv: ['run', '--manifest-path', 'codex-rs/Cargo.toml'],
    cwd: '/repo',
    exitCode: 0,
    startedAt: '2025-09-29T12:33:29Z',
    durationMs: 12,
    action: 'call_tool',
  };

  it('copies files under safe names and writes journal, shim log, output and manifest', async () => {
    const { telemetry, files } = await guardrailOutput();
    const bundle = await createBundle(join(temp.dir, 'out'), 'SPEC-KIT-018', 'p');
    const runDir = await bundle.runDir('healthy', 'audit', { number: 1, name: 'up' });
    const manifest = await writeRunEvidence(runDir, {
      scenario: 'healthy',
      phase: 'up',
      flow: 'audit',
      exitCode: 1,
      durationMs: 1234,
      telemetryPath: telemetry,
      files,
      journal: [{ id: 1, path: '/health' }],
      shimLines: [shim, '{"shim":"npx"}\n'],
      stdout: 'out\n',
      stderr: 'err\u001b[31m\n',
      telemetryHal: true,
      extra: { expected: { status: 'passed' } },
    });

    expect(await tree(runDir)).toEqual([
      '20250929-123329Z-hal-health-2.json',
      '20250929-123329Z-hal-health.json',
      'journal.json',
      'manifest.json',
      'shim-log.jsonl',
      'spec-audit_2025-09-29T12-33-29Z-218285443.log',
      'stderr.txt',
      'stdout.txt',
      'telemetry.json',
    ]);
    // The telemetry copy is byte for byte the original.
    const original = await readFile(telemetry);
    expect(await readFile(join(runDir, BUNDLE_TELEMETRY_NAME))).toEqual(original);
    expect(JSON.parse(await readFile(join(runDir, 'journal.json'), 'utf8'))).toEqual([{ id: 1, path: '/health' }]);
    expect(await readFile(join(runDir, 'shim-log.jsonl'), 'utf8')).toBe(`${JSON.stringify(shim)}\n{"shim":"npx"}\n`);
    expect(await readFile(join(runDir, 'stdout.txt'), 'utf8')).toBe('out\n');
    expect(await readFile(join(runDir, 'stderr.txt'), 'utf8')).toBe('err\u001b[31m\n');

    const onDisk = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8')) as typeof manifest;
    expect(onDisk).toEqual(manifest);
    expect(onDisk).toMatchObject({
      scenario: 'healthy',
      phase: 'up',
      flow: 'audit',
      exitCode: 1,
      durationMs: 1234,
      telemetryHal: true,
      telemetry: 'telemetry.json',
      skipped: [],
      expected: { status: 'passed' },
    });
    expect(onDisk.files).toEqual([
      {
        name: 'telemetry.json',
        original: 'spec-audit_2025-09-29T12:33:29Z-218285443.json',
        source: telemetry,
        bytes: original.length,
        sha256: sha256(original),
      },
      {
        name: 'spec-audit_2025-09-29T12-33-29Z-218285443.log',
        original: 'spec-audit_2025-09-29T12:33:29Z-218285443.log',
        source: files[0],
        bytes: 9,
        sha256: sha256('log line\n'),
      },
      expect.objectContaining({ name: '20250929-123329Z-hal-health.json', source: files[1] }),
      expect.objectContaining({ name: '20250929-123329Z-hal-health-2.json', source: files[2], bytes: 20 }),
    ]);
  });

  it('records sources it could not copy instead of failing the run', async () => {
    const runDir = join(temp.dir, 'run');
    await mkdir(runDir);
    const manifest = await writeRunEvidence(runDir, {
      scenario: 's',
      flow: 'validate',
      exitCode: null,
      durationMs: 5,
      telemetryPath: join(temp.dir, 'never-written.json'),
      files: ['relative/file.log', temp.dir],
      journal: [],
      shimLines: [],
      stdout: '',
      stderr: '',
    });
    expect(manifest.telemetry).toBeNull();
    expect(manifest.files).toEqual([]);
    expect(manifest.skipped).toEqual([
      { source: join(temp.dir, 'never-written.json'), reason: 'file not found' },
      { source: 'relative/file.log', reason: 'path is not absolute; pass absolute paths' },
      { source: temp.dir, reason: 'not a regular file' },
    ]);
    expect('phase' in manifest).toBe(false);
    expect(await tree(runDir)).toEqual(['journal.json', 'manifest.json', 'shim-log.jsonl', 'stderr.txt', 'stdout.txt']);
  });

  it('with repoDir, records where in the repository each file was written, so it can be exported back', async () => {
    const { telemetry, files } = await guardrailOutput();
    const outside = join(temp.dir, 'elsewhere.log');
    await writeFile(outside, 'not in the repository\n');
    const runDir = join(temp.dir, 'run');
    await mkdir(runDir);
    const repoDir = join(temp.dir, 'repo');
    const manifest = await writeRunEvidence(runDir, {
      scenario: 'healthy',
      flow: 'audit',
      exitCode: 0,
      durationMs: 1,
      telemetryPath: telemetry,
      files: [...files, outside],
      journal: [],
      shimLines: [],
      stdout: '',
      stderr: '',
      repoDir,
    });
    expect(manifest.repoCopy).toEqual([repoDir]);
    expect(manifest.files.map((file) => [file.original, file.repoPath])).toEqual([
      ['spec-audit_2025-09-29T12:33:29Z-218285443.json', 'evidence/spec-audit_2025-09-29T12:33:29Z-218285443.json'],
      ['spec-audit_2025-09-29T12:33:29Z-218285443.log', 'evidence/spec-audit_2025-09-29T12:33:29Z-218285443.log'],
      ['20250929-123329Z-hal-health.json', 'evidence/20250929-123329Z-hal-health.json'],
      ['20250929-123329Z-hal-health.json', 'evidence/hal/20250929-123329Z-hal-health.json'],
      ['elsewhere.log', undefined],
    ]);
    const written = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
    expect(written.repoCopy).toEqual([repoDir]);
    await expect(
      writeRunEvidence(runDir, {
        scenario: 's',
        flow: 'plan',
        exitCode: 0,
        durationMs: 1,
        journal: [],
        shimLines: [],
        stdout: '',
        stderr: '',
        extra: { repoCopy: [] },
      }),
    ).rejects.toThrow(/"repoCopy" is set by the evidence writer/);
  });

  it('refuses extra fields that would overwrite its own', async () => {
    const runDir = join(temp.dir, 'run');
    await mkdir(runDir);
    const input = { scenario: 's', flow: 'plan' as const, exitCode: 0, durationMs: 1, journal: [], shimLines: [], stdout: '', stderr: '' };
    await expect(writeRunEvidence(runDir, { ...input, extra: { exitCode: 0 } })).rejects.toThrow(/manifest field "exitCode" is set by the evidence writer/);
    await expect(writeRunEvidence(runDir, { ...input, extra: { phase: 'x' } })).rejects.toThrow(/"phase"/);
  });

  it('leaves a bundle check-telemetry understands', async () => {
    const { telemetry } = await guardrailOutput();
    const bundle = await createBundle(join(temp.dir, 'out'), 'SPEC-KIT-018', 'p');
    const base = { exitCode: 1, durationMs: 1, journal: [], shimLines: [], stdout: '', stderr: '', telemetryPath: telemetry };
    await writeRunEvidence(await bundle.runDir('good', 'audit'), { ...base, scenario: 'good', flow: 'audit', telemetryHal: true });
    // Filed under the wrong flow: the manifest lets check-telemetry notice.
    await writeRunEvidence(await bundle.runDir('wrong', 'validate'), { ...base, scenario: 'wrong', flow: 'validate' });
    let out = '';
    const code = await checkTelemetryMain(['--no-evidence', bundle.dir], { stdout: (s) => (out += s), stderr: () => {} });
    expect(code).toBe(1);
    expect(out).toBe(
      `${join(bundle.dir, 'wrong', 'validate', 'telemetry.json')}: spec-kit: command: expected "spec-ops-validate", got "spec-ops-audit"\n2 files checked, 1 problem\n`,
    );
  });
});
