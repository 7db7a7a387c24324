import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTelemetryMain } from '../../../harness/telemetry/check-telemetry.ts';
import {
  BUNDLE_TELEMETRY_NAME,
  buildPairFile,
  createBundle,
  newPairId,
  phaseDirName,
  safeFileName,
  transitionString,
  uniqueSafeFileName,
  writePairFile,
  writeRunEvidence,
  type PairRunInput,
} from '../../../harness/evidence/evidence.ts';
import type { ShimCall } from '../../../harness/run/types.ts';
import { copyFileAtomic, writeFileAtomic } from '../../../common/atomic-files.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evidence-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every file below `root`, relative, sorted. */
async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('safeFileName', () => {
  it('replaces the colons of guardrail file names', () => {
    expect(safeFileName('spec-validate_2025-09-29T16:34:21Z-229132461.json')).toBe(
      'spec-validate_2025-09-29T16-34-21Z-229132461.json',
    );
  });

  it.each([
    ['a"b<c>d|e*f?g.txt', 'a-b-c-d-e-f-g.txt'],
    ['line\r\nbreak.log', 'line--break.log'],
    ['back\\slash/and/slash', 'back-slash-and-slash'],
    ['tab\there\u0000\u001b', 'tab-here--'],
    ['.hidden', '-hidden'],
    ['..', '--'],
    ['  spaced name  ', '--spaced name--'],
    ['trailing.', 'trailing-'],
    ['', 'unnamed'],
    ['plain-name_1.json', 'plain-name_1.json'],
    ['ünïcode ✓.md', 'ünïcode ✓.md'],
  ])('%j -> %j', (input, expected) => {
    const out = safeFileName(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[:"<>|*?\r\n\\/]/);
  });

  it('is stable', () => {
    const name = 'x:y?z.json';
    expect(safeFileName(name)).toBe(safeFileName(name));
  });

  it('shortens very long names and keeps the extension', () => {
    const out = safeFileName(`${'é'.repeat(300)}.json`);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(200);
    expect(out.endsWith('é.json')).toBe(true);
  });
});

describe('uniqueSafeFileName', () => {
  it('appends -2, -3 on collision', () => {
    const used = new Set<string>();
    expect(uniqueSafeFileName('a:b.json', used)).toBe('a-b.json');
    expect(uniqueSafeFileName('a-b.json', used)).toBe('a-b-2.json');
    expect(uniqueSafeFileName('a?b.json', used)).toBe('a-b-3.json');
    expect(uniqueSafeFileName('A-B.JSON', used)).toBe('A-B-4.JSON');
    expect([...used]).toEqual(['a-b.json', 'a-b-2.json', 'a-b-3.json', 'A-B-4.JSON']);
  });

  it('avoids names already taken, like the writer’s own files', () => {
    const used = new Set(['telemetry.json', 'stdout.txt']);
    expect(uniqueSafeFileName('telemetry.json', used)).toBe('telemetry-2.json');
    expect(uniqueSafeFileName('noext', new Set(['noext']))).toBe('noext-2');
  });
});

describe('writeFileAtomic', () => {
  it('writes, replaces, and leaves no temp file', async () => {
    const path = join(dir, 'out.json');
    await writeFileAtomic(path, '{"a":1}\n');
    await writeFileAtomic(path, Buffer.from('{"a":2}\n'));
    expect(await readFile(path, 'utf8')).toBe('{"a":2}\n');
    expect(await readdir(dir)).toEqual(['out.json']);
  });

  it('keeps the old file whole and cleans up when the write fails', async () => {
    const path = join(dir, 'keep.json');
    await writeFileAtomic(path, 'old content');
    await expect(writeFileAtomic(path, { not: 'bytes' } as unknown as string)).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('old content');
    expect(await readdir(dir)).toEqual(['keep.json']);
  });

  it('cleans up when the rename fails', async () => {
    const path = join(dir, 'a-folder');
    await mkdir(join(path, 'inside'), { recursive: true });
    await expect(writeFileAtomic(path, 'x')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['a-folder']);
  });

  it('copyFileAtomic copies bytes and hashes them', async () => {
    const source = join(dir, 'src.bin');
    const data = Buffer.from([0, 1, 2, 255, 10, 13]);
    await writeFile(source, data);
    const copied = await copyFileAtomic(source, join(dir, 'dest.bin'));
    expect(copied).toEqual({ bytes: 6, sha256: sha256(data) });
    expect(await readFile(join(dir, 'dest.bin'))).toEqual(data);
    expect((await readdir(dir)).sort()).toEqual(['dest.bin', 'src.bin']);
  });
});

describe('createBundle', () => {
  it('creates OUT/<SPEC-ID>/<pair-id> with a generated pair id', async () => {
    const bundle = await createBundle(join(dir, 'out'), 'SPEC-KIT-018');
    expect(bundle.pairId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(bundle.dir).toBe(join(dir, 'out', 'SPEC-KIT-018', bundle.pairId));
    expect((await stat(bundle.dir)).isDirectory()).toBe(true);
  });

  it('formats the pair id from UTC time', () => {
    expect(newPairId(new Date('2025-09-29T16:34:21.999Z'))).toMatch(/^20250929T163421Z-[0-9a-f]{6}$/);
  });

  it('refuses an existing bundle and leaves it alone', async () => {
    const first = await createBundle(dir, 'SPEC-KIT-018', 'pair-1');
    await writeFile(join(first.dir, 'pair.json'), 'earlier');
    await expect(createBundle(dir, 'SPEC-KIT-018', 'pair-1')).rejects.toThrow(
      /evidence bundle .*pair-1 already exists and is never overwritten; pick another pair id/,
    );
    expect(await readFile(join(first.dir, 'pair.json'), 'utf8')).toBe('earlier');
  });

  it.each([
    ['../escape', 'p'],
    ['SPEC:1', 'p'],
    ['SPEC', 'a/b'],
    ['SPEC', '.hidden'],
  ])('refuses spec id %j / pair id %j that are not plain folder names', async (specId, pairId) => {
    await expect(createBundle(dir, specId, pairId)).rejects.toThrow(/cannot be a folder name/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates run folders, with a phase level for timelines, once each', async () => {
    const bundle = await createBundle(dir, 'SPEC-KIT-018', 'p');
    const steady = await bundle.runDir('healthy', 'validate');
    expect(steady).toBe(join(bundle.dir, 'healthy', 'validate'));
    const phased = await bundle.runDir('flap', 'audit', { number: 2, name: 'down: hard' });
    expect(phased).toBe(join(bundle.dir, 'flap', 'audit', 'phase-2-down- hard'));
    expect((await stat(phased)).isDirectory()).toBe(true);
    const unnamed = await bundle.runDir('flap', 'audit', { number: 1, name: 'phase-1' });
    expect(unnamed).toBe(join(bundle.dir, 'flap', 'audit', 'phase-1'));
    await expect(bundle.runDir('healthy', 'validate')).rejects.toThrow(/already exists in this bundle/);
  });

  it('refuses bad phase numbers and unknown flows', async () => {
    const bundle = await createBundle(dir, 'S', 'p');
    expect(() => phaseDirName({ number: 0, name: 'x' })).toThrow(/whole number >= 1/);
    await expect(bundle.runDir('x', 'deploy' as never)).rejects.toThrow(/unknown flow "deploy"/);
  });

  it('finalize writes pair.json and closes the bundle', async () => {
    const bundle = await createBundle(dir, 'SPEC-KIT-018', 'p');
    const runDir = await bundle.runDir('healthy', 'validate');
    const path = await bundle.finalize([
      { scenario: 'healthy', flow: 'validate', status: 'passed', expectedStatus: 'passed', exitCode: 0, evidenceDir: runDir },
    ]);
    expect(path).toBe(join(bundle.dir, 'pair.json'));
    const pair = JSON.parse(await readFile(path, 'utf8')) as { specId: string; pairId: string };
    expect(pair).toMatchObject({ specId: 'SPEC-KIT-018', pairId: 'p' });
    await expect(bundle.runDir('degraded', 'validate')).rejects.toThrow(/is finalized/);
    await expect(bundle.finalize([])).rejects.toThrow(/already finalized/);
  });
});

describe('writeRunEvidence', () => {
  async function guardrailOutput(): Promise<{ repo: string; telemetry: string; files: string[] }> {
    const repo = join(dir, 'repo', 'evidence');
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
    const bundle = await createBundle(join(dir, 'out'), 'SPEC-KIT-018', 'p');
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
    const runDir = join(dir, 'run');
    await mkdir(runDir);
    const manifest = await writeRunEvidence(runDir, {
      scenario: 's',
      flow: 'validate',
      exitCode: null,
      durationMs: 5,
      telemetryPath: join(dir, 'never-written.json'),
      files: ['relative/file.log', dir],
      journal: [],
      shimLines: [],
      stdout: '',
      stderr: '',
    });
    expect(manifest.telemetry).toBeNull();
    expect(manifest.files).toEqual([]);
    expect(manifest.skipped).toEqual([
      { source: join(dir, 'never-written.json'), reason: 'file not found' },
      { source: 'relative/file.log', reason: 'path is not absolute; pass absolute paths' },
      { source: dir, reason: 'not a regular file' },
    ]);
    expect('phase' in manifest).toBe(false);
    expect(await tree(runDir)).toEqual(['journal.json', 'manifest.json', 'shim-log.jsonl', 'stderr.txt', 'stdout.txt']);
  });

  it('with repoDir, records where in the repository each file was written, so it can be exported back', async () => {
    const { telemetry, files } = await guardrailOutput();
    const outside = join(dir, 'elsewhere.log');
    await writeFile(outside, 'not in the repository\n');
    const runDir = join(dir, 'run');
    await mkdir(runDir);
    const repoDir = join(dir, 'repo');
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
      writeRunEvidence(runDir, { scenario: 's', flow: 'plan', exitCode: 0, durationMs: 1, journal: [], shimLines: [], stdout: '', stderr: '', extra: { repoCopy: [] } }),
    ).rejects.toThrow(/"repoCopy" is set by the evidence writer/);
  });

  it('refuses extra fields that would overwrite its own', async () => {
    const runDir = join(dir, 'run');
    await mkdir(runDir);
    const input = { scenario: 's', flow: 'plan' as const, exitCode: 0, durationMs: 1, journal: [], shimLines: [], stdout: '', stderr: '' };
    await expect(writeRunEvidence(runDir, { ...input, extra: { exitCode: 0 } })).rejects.toThrow(
      /manifest field "exitCode" is set by the evidence writer/,
    );
    await expect(writeRunEvidence(runDir, { ...input, extra: { phase: 'x' } })).rejects.toThrow(/"phase"/);
  });

  it('leaves a bundle check-telemetry understands', async () => {
    const { telemetry } = await guardrailOutput();
    const bundle = await createBundle(join(dir, 'out'), 'SPEC-KIT-018', 'p');
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

describe('pair.json', () => {
  const runs: PairRunInput[] = [
    { scenario: 'flap', phase: 'up', flow: 'validate', status: 'passed', expectedStatus: 'passed', exitCode: 0, evidenceDir: '/b/S/p/flap/validate/phase-1-up' },
    { scenario: 'flap', phase: 'down', flow: 'validate', status: 'passed', expectedStatus: 'failed', exitCode: 0, evidenceDir: '/b/S/p/flap/validate/phase-2-down' },
    { scenario: 'flap', phase: 'up', flow: 'audit', status: 'passed', expectedStatus: 'passed', exitCode: 0, evidenceDir: 'flap/audit/phase-1-up' },
    { scenario: 'flap', phase: 'down', flow: 'audit', status: 'failed', expectedStatus: 'failed', exitCode: 1, evidenceDir: 'flap/audit/phase-2-down' },
    { scenario: 'flap', phase: 'back', flow: 'audit', status: 'passed', expectedStatus: 'passed', exitCode: 0, evidenceDir: 'flap/audit/phase-3-back' },
    { scenario: 'plan-fail', flow: 'plan', status: null, expectedStatus: 'failed', exitCode: 2, evidenceDir: '/b/S/p/plan-fail/plan' },
  ];

  it('gives each flow its runs in order and the observed vs expected transition', () => {
    const pair = buildPairFile('/b/S/p', runs);
    expect(pair.specId).toBe('S');
    expect(pair.pairId).toBe('p');
    expect(Object.keys(pair.flows)).toEqual(['plan', 'validate', 'audit']);
    expect(pair.flows.validate).toEqual({
      runs: [
        { scenario: 'flap', phase: 'up', status: 'passed', expectedStatus: 'passed', exitCode: 0, evidenceDir: 'flap/validate/phase-1-up' },
        { scenario: 'flap', phase: 'down', status: 'passed', expectedStatus: 'failed', exitCode: 0, evidenceDir: 'flap/validate/phase-2-down' },
      ],
      transition: 'passed→passed',
      expectedTransition: 'passed→failed',
      matched: false,
    });
    expect(pair.flows.audit).toMatchObject({
      transition: 'passed→failed→passed',
      expectedTransition: 'passed→failed→passed',
      matched: true,
    });
    expect(pair.flows.plan).toMatchObject({ transition: 'none', expectedTransition: 'failed', matched: false });
    expect(pair.flows.plan?.runs[0]).not.toHaveProperty('phase');
  });

  it('is written atomically into the bundle', async () => {
    const bundleDir = join(dir, 'S', 'p');
    await mkdir(bundleDir, { recursive: true });
    const path = await writePairFile(bundleDir, runs.slice(0, 2));
    expect(await readdir(bundleDir)).toEqual(['pair.json']);
    const pair = JSON.parse(await readFile(path, 'utf8')) as ReturnType<typeof buildPairFile>;
    expect(pair.flows.validate?.transition).toBe('passed→passed');
  });

  it('transitionString marks missing statuses', () => {
    expect(transitionString(['passed', null, 'failed'])).toBe('passed→none→failed');
  });
});
