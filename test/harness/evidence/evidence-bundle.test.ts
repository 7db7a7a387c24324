// The evidence bundle: OUT/<SPEC-ID>/<pair-id>, its run folders, and the pair.json that
// closes it with each flow's runs and observed vs expected transition.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBundle, newPairId, phaseDirName } from '../../../harness/evidence/evidence.ts';
import { buildPairFile, type PairRunInput, transitionString, writePairFile } from '../../../harness/evidence/pair-file.ts';
import { useTempDir } from './evidence-fixtures.ts';

const temp = useTempDir();

describe('createBundle', () => {
  it('creates OUT/<SPEC-ID>/<pair-id> with a generated pair id', async () => {
    const bundle = await createBundle(join(temp.dir, 'out'), 'SPEC-KIT-018');
    expect(bundle.pairId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    expect(bundle.dir).toBe(join(temp.dir, 'out', 'SPEC-KIT-018', bundle.pairId));
    expect((await stat(bundle.dir)).isDirectory()).toBe(true);
  });

  it('formats the pair id from UTC time', () => {
    expect(newPairId(new Date('2025-09-29T16:34:21.999Z'))).toMatch(/^20250929T163421Z-[0-9a-f]{6}$/);
  });

  it('refuses an existing bundle and leaves it alone', async () => {
    const first = await createBundle(temp.dir, 'SPEC-KIT-018', 'pair-1');
    await writeFile(join(first.dir, 'pair.json'), 'earlier');
    await expect(createBundle(temp.dir, 'SPEC-KIT-018', 'pair-1')).rejects.toThrow(
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
    await expect(createBundle(temp.dir, specId, pairId)).rejects.toThrow(/cannot be a folder name/);
    expect(await readdir(temp.dir)).toEqual([]);
  });

  it('creates run folders, with a phase level for timelines, once each', async () => {
    const bundle = await createBundle(temp.dir, 'SPEC-KIT-018', 'p');
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
    const bundle = await createBundle(temp.dir, 'S', 'p');
    expect(() => phaseDirName({ number: 0, name: 'x' })).toThrow(/whole number >= 1/);
    await expect(bundle.runDir('x', 'deploy' as never)).rejects.toThrow(/unknown flow "deploy"/);
  });

  it('finalize writes pair.json and closes the bundle', async () => {
    const bundle = await createBundle(temp.dir, 'SPEC-KIT-018', 'p');
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

describe('pair.json', () => {
  const runs: PairRunInput[] = [
    {
      scenario: 'flap',
      phase: 'up',
      flow: 'validate',
      status: 'passed',
      expectedStatus: 'passed',
      exitCode: 0,
      evidenceDir: '/b/S/p/flap/validate/phase-1-up',
    },
    {
      scenario: 'flap',
      phase: 'down',
      flow: 'validate',
      status: 'passed',
      expectedStatus: 'failed',
      exitCode: 0,
      evidenceDir: '/b/S/p/flap/validate/phase-2-down',
    },
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
    const bundleDir = join(temp.dir, 'S', 'p');
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
