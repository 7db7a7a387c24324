// The one bundle reader: good bundles from the real writer, and every way a bundle can
// be broken (missing, malformed, oversize, from an older harness) read without throwing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BundleProblem,
  DEFAULT_BUNDLE_LIMITS,
  problemLine,
  readBundle,
  readRunFileText,
  readRunFolder,
  readRunManifest,
} from '../../../harness/evidence/bundle-reader.ts';
import { createBundle, writeRunEvidence } from '../../../harness/evidence/evidence.ts';
import { MAX_TELEMETRY_BYTES } from '../../../harness/telemetry/telemetry-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bundle-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const kinds = (problems: readonly BundleProblem[]) => problems.map((p) => `${p.kind}:${p.path.slice(p.path.lastIndexOf('/') + 1)}`);

const journalEntry = {
  id: 1,
  time: '2026-11-24T00:00:00.000Z',
  method: 'GET',
  path: '/health',
  query: {},
  headers: { accept: '*/*' },
  body: '',
  bodyIsJson: null,
  check: 'health',
  scenario: 'healthy',
  phase: 'steady',
  status: 200,
  durationMs: 2,
};

async function fixture(name: string, files: Record<string, string>): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(folder, file, '..'), { recursive: true });
    await writeFile(join(folder, file), text);
  }
  return folder;
}

describe('a good bundle', () => {
  it('reads what the evidence writer wrote, with no problem', async () => {
    const bundle = await createBundle(join(dir, 'good'), 'SPEC-KIT-018', 'pair-1');
    const runDir = await bundle.runDir('healthy', 'validate');
    const source = join(dir, 'spec-validate_x.json');
    await writeFile(source, JSON.stringify({ command: 'spec-ops-validate', hal: { summary: { status: 'passed' } } }));
    await writeRunEvidence(runDir, {
      scenario: 'healthy',
      flow: 'validate',
      exitCode: 0,
      durationMs: 12,
      telemetryPath: source,
      journal: [journalEntry],
      shimLines: [{ shim: 'cargo', argv: ['run'], cwd: '/', exitCode: 0, startedAt: '2026-11-24T00:00:00.000Z', durationMs: 1, action: 'call_tool' }],
      stdout: 'out\n',
      stderr: '',
      telemetryHal: true,
      extra: { timedOut: false, reportedStatus: 'passed' },
    });
    await bundle.finalize([{ scenario: 'healthy', flow: 'validate', status: 'passed', expectedStatus: 'passed', exitCode: 0, evidenceDir: runDir }]);
    const detail = { reason: 'exit-zero', expected: 0, seen: 0 };
    await writeFile(
      join(bundle.dir, 'report.json'),
      JSON.stringify({
        ok: true,
        specId: 'SPEC-KIT-018',
        pairId: 'pair-1',
        bundleDir: bundle.dir,
        notes: ['a note'],
        runs: [
          {
            scenario: 'healthy',
            flow: 'validate',
            exitCode: 0,
            durationMs: 12,
            evidenceDir: runDir,
            status: 'passed',
            expectedStatus: 'passed',
            checks: [{ id: 'exit-code', status: 'passed', ok: true, message: 'exit 0', detail }],
          },
        ],
      }),
    );

    const read = readBundle(bundle.dir);
    expect(read.problems).toEqual([]);
    expect(read.report?.notes).toEqual(['a note']);
    expect(read.report?.runs[0]?.checks).toEqual([{ id: 'exit-code', status: 'passed', ok: true, message: 'exit 0', detail }]);
    expect(read.pairFlows.map((f) => [f.flow, f.transition, f.matched])).toEqual([['validate', 'passed', true]]);
    const [run] = read.runs;
    expect(run?.dir).toBe('healthy/validate');
    expect(run?.pair?.evidenceDir).toBe('healthy/validate');
    const folder = run?.folder;
    expect(folder?.manifest?.flow).toBe('validate');
    expect(folder?.manifest?.telemetryHal).toBe(true);
    expect(folder?.manifest?.reportedStatus).toBe('passed');
    expect(folder?.telemetryName).toBe('telemetry.json');
    expect(folder?.telemetry?.parsed).toBe(true);
    expect(folder?.telemetry?.value).toEqual({ command: 'spec-ops-validate', hal: { summary: { status: 'passed' } } });
    expect(folder?.journal).toEqual([journalEntry]);
    expect(folder?.shimCalls.map((c) => c.shim)).toEqual(['cargo']);
    expect(folder?.stdout.text).toBe('out\n');
    expect(read.files.map((f) => f.path)).toEqual([
      'healthy/validate/journal.json',
      'healthy/validate/manifest.json',
      'healthy/validate/shim-log.jsonl',
      'healthy/validate/stderr.txt',
      'healthy/validate/stdout.txt',
      'healthy/validate/telemetry.json',
      'pair.json',
      'report.json',
    ]);
    // A skipped file (the report being written) is left out of the list.
    expect(readBundle(bundle.dir, { skip: [join(bundle.dir, 'pair.json')] }).files.map((f) => f.path)).not.toContain('pair.json');
  });
});

describe('missing files', () => {
  it('names a folder that is no bundle and says what to give instead', () => {
    const read = readBundle(join(dir, 'nowhere'));
    expect(read.report).toBeNull();
    expect(read.runs).toEqual([]);
    expect(read.problems[0]?.kind).toBe('missing');
    expect(problemLine(read.problems[0] as BundleProblem)).toMatch(/has no report\.json; give the pair folder of an evidence bundle/);
  });

  it('reads an interrupted run folder (no manifest) and lists what is absent', async () => {
    const run = await fixture('interrupted', { 'telemetry.json': '{"command":"spec-ops-audit"}' });
    const folder = readRunFolder(run);
    expect(folder.manifest).toBeNull();
    // Without a manifest the copy is still found under its one name.
    expect(folder.telemetry?.value).toEqual({ command: 'spec-ops-audit' });
    expect(folder.journal).toBeNull();
    expect(folder.shimCalls).toEqual([]);
    expect(kinds(folder.problems)).toEqual([
      'missing:manifest.json',
      'missing:journal.json',
      'missing:shim-log.jsonl',
      'missing:stdout.txt',
      'missing:stderr.txt',
    ]);
    expect(folder.problems[0]?.problem).toMatch(/did not finish writing its evidence/);
    expect(readRunManifest(join(dir, 'nowhere')).problems.map((p) => p.kind)).toEqual(['missing']);
  });

  it('takes a manifest that says the run wrote no telemetry at its word', async () => {
    const run = await fixture('no-telemetry', { 'manifest.json': JSON.stringify({ flow: 'plan', telemetry: null, files: [] }), 'telemetry.json': '{}' });
    const folder = readRunFolder(run);
    expect(folder.telemetryName).toBeNull();
    expect(folder.telemetry).toBeNull();
  });
});

describe('malformed files', () => {
  it('turns bad JSON, wrong shapes and bad log lines into problems, keeping what is usable', async () => {
    const run = await fixture('malformed', {
      'manifest.json': '{"flow": "validate", ',
      'telemetry.json': '',
      'journal.json': '{"not": "a list"}',
      'shim-log.jsonl': `${JSON.stringify({ shim: 'npx', argv: ['-y', 'hal-mcp'] })}\nnot json\n{"shim":"other","argv":[]}\n`,
      'stdout.txt': '',
      'stderr.txt': '',
    });
    const folder = readRunFolder(run);
    expect(folder.manifest).toBeNull();
    expect(folder.telemetry?.parsed).toBe(false);
    expect(folder.journal).toBeNull();
    expect(folder.shimCalls.map((c) => c.argv)).toEqual([['-y', 'hal-mcp']]);
    expect(kinds(folder.problems)).toEqual(['not-json:manifest.json', 'not-json:telemetry.json', 'wrong-shape:journal.json', 'wrong-shape:shim-log.jsonl']);
    expect(folder.problems[1]?.problem).toBe('telemetry copy is empty');
    expect(folder.problems[3]?.problem).toMatch(/^2 lines are not a shim call/);
    for (const problem of folder.problems) expect(problem.fix).not.toBe('');
  });

  it('refuses a report without runs and a manifest file name that leaves the folder', async () => {
    const bundle = await fixture('bad-report', { 'report.json': '{"ok": true}' });
    const read = readBundle(bundle);
    expect(read.report).toBeNull();
    expect(kinds(read.problems)).toEqual(['wrong-shape:report.json']);

    const run = await fixture('escape', {
      'manifest.json': JSON.stringify({
        flow: 'audit',
        telemetry: '../../secret.json',
        files: [
          { name: '../x', source: '/x' },
          { name: 'ok.log', source: '/r/ok.log' },
        ],
      }),
    });
    const { manifest, problems } = readRunManifest(run);
    expect(manifest?.telemetry).toBe('telemetry.json');
    expect(manifest?.files.map((f) => f.name)).toEqual(['ok.log']);
    expect(problems.map((p) => p.problem)).toEqual([
      '1 of 2 "files" entries lack a plain file name or a source',
      '"telemetry" is not a file name in the run folder (got "../../secret.json")',
    ]);
    expect(readRunFileText(run, '../manifest.json').problem?.kind).toBe('outside-bundle');
  });
});

describe('oversize files', () => {
  it('refuses telemetry over the telemetry limit but keeps its start', async () => {
    const run = await fixture('huge', { 'manifest.json': JSON.stringify({ flow: 'validate', telemetry: 'telemetry.json', files: [] }) });
    await writeFile(join(run, 'telemetry.json'), Buffer.alloc(MAX_TELEMETRY_BYTES + 1, 0x20));
    const folder = readRunFolder(run);
    expect(DEFAULT_BUNDLE_LIMITS.telemetry).toBe(MAX_TELEMETRY_BYTES);
    expect(folder.telemetry?.parsed).toBe(false);
    expect(folder.telemetry?.truncated).toBe(true);
    expect(folder.telemetry?.text?.length).toBe(MAX_TELEMETRY_BYTES);
    expect(folder.telemetry?.bytes).toBe(MAX_TELEMETRY_BYTES + 1);
    expect(folder.problems.find((p) => p.kind === 'too-large')?.problem).toMatch(/^telemetry copy is 5\.0 MiB, over the 5\.0 MiB/);
  });

  it('applies each limit: JSON over it is refused, text over it is cut', async () => {
    const run = await fixture('limits', {
      'manifest.json': JSON.stringify({ flow: 'validate', telemetry: null, files: [] }),
      'journal.json': JSON.stringify([journalEntry]),
      'shim-log.jsonl': '',
      'stdout.txt': 'abcdefghijklmnopqrstuvwxyz',
      'stderr.txt': '',
    });
    const folder = readRunFolder(run, { limits: { journal: 10, text: 5 } });
    expect(folder.journal).toBeNull();
    expect(kinds(folder.problems)).toEqual(['too-large:journal.json']);
    expect(folder.stdout).toMatchObject({ text: 'abcde', truncated: true, bytes: 26, problem: null });
    const list = readBundle(join(dir, 'good', 'SPEC-KIT-018', 'pair-1'), { limits: { listedFiles: 3 } });
    expect(list.files).toHaveLength(3);
    expect(list.filesCut).toBe(true);
    expect(list.problems.map((p) => p.kind)).toContain('too-large');
  });
});

describe('a bundle from an older harness', () => {
  it('finds runs through pair.json and reads fields that did not exist yet as absent', async () => {
    const bundle = await fixture('old/SPEC-KIT-018/pair-0', {
      // No bundleDir, no run status, checks without detail; absolute paths from another machine.
      'report.json': JSON.stringify({
        ok: false,
        specId: 'SPEC-KIT-018',
        pairId: 'pair-0',
        notes: [],
        runs: [
          {
            scenario: 'healthy',
            flow: 'validate',
            exitCode: 1,
            durationMs: 9,
            evidenceDir: '/ci/old/healthy/validate',
            checks: [
              { id: 'exit-code', status: 'failed', ok: false, message: 'exit 1' },
              { id: 'hal-reached', status: 'skipped', ok: null, message: '?' },
            ],
          },
        ],
      }),
      'pair.json': JSON.stringify({ flows: { validate: { runs: [{ scenario: 'healthy', evidenceDir: 'healthy/validate' }], transition: 'failed' } } }),
      // No "telemetry" field, no skipped, no repoCopy; files without repoPath.
      'healthy/validate/manifest.json': JSON.stringify({
        scenario: 'healthy',
        flow: 'validate',
        exitCode: 1,
        durationMs: 9,
        files: [{ name: 'telemetry.json', source: '/ci/old/repo/docs/t.json' }],
      }),
      'healthy/validate/telemetry.json': '{"schemaVersion":1}',
      // A journal from before bodyIsJson, phase and durationMs, with a fault this version does not know.
      'healthy/validate/journal.json': JSON.stringify([
        { time: '2026-01-01T00:00:00Z', method: 'GET', path: '/health', check: 'health', status: null, fault: 'exploded' },
      ]),
      'healthy/validate/shim-log.jsonl': '',
      'healthy/validate/stdout.txt': '',
      'healthy/validate/stderr.txt': '',
    });
    const read = readBundle(bundle);
    const [run] = read.runs;
    expect(run?.dir).toBe('healthy/validate');
    expect(run?.report.checks.map((c) => [c.id, c.detail])).toEqual([['exit-code', undefined]]);
    expect(kinds(read.problems)).toEqual(['wrong-shape:report.json']);
    expect(run?.report.status).toBeNull();
    const manifest = run?.folder?.manifest;
    expect(manifest?.telemetry).toBe('telemetry.json');
    expect(manifest?.skipped).toEqual([]);
    expect(manifest?.repoCopy).toBeUndefined();
    expect(manifest?.files).toEqual([{ name: 'telemetry.json', original: 'telemetry.json', source: '/ci/old/repo/docs/t.json', bytes: 0, sha256: '' }]);
    expect(run?.folder?.telemetry?.value).toEqual({ schemaVersion: 1 });
    const [entry] = run?.folder?.journal ?? [];
    expect(entry).toMatchObject({ id: 1, method: 'GET', status: null, bodyIsJson: null, phase: '', time: '2026-01-01T00:00:00Z' });
    expect(entry && 'fault' in entry).toBe(false);
    expect(Number.isNaN(entry?.durationMs)).toBe(true);
    expect(read.pairFlows[0]).toMatchObject({ flow: 'validate', transition: 'failed', expectedTransition: null, matched: null });
  });
});
