// --shard splits the matrix deterministically; merge puts the shards back together
// and judges the transition across the whole pair.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MergeError, mergeMain, mergeReports } from '../../../harness/reports/merge.ts';
import { renderJsonReport } from '../../../harness/reports/index.ts';
import { runHarness, shardRuns } from '../../../harness/run/runner.ts';
import type { HarnessReport, RunReport } from '../../../harness/run/types.ts';

const out = mkdtempSync(join(tmpdir(), 'shard-merge-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function run(scenario: string, matrixIndex: number, status: string, expectedStatus: 'passed' | 'failed'): RunReport {
  return {
    scenario,
    flow: 'validate',
    exitCode: status === 'passed' ? 0 : 1,
    durationMs: 10,
    evidenceDir: `/b/${scenario}/validate`,
    matrixIndex,
    status,
    expectedStatus,
    checks: [{ id: 'exit-code', status: 'passed', ok: true, message: 'fine' }],
  };
}

function report(pairId: string, runs: RunReport[], specId = 'SPEC-KIT-018'): HarnessReport {
  return { ok: true, specId, pairId, bundleDir: `/out/${specId}/${pairId}`, notes: [], runs };
}

describe('shards', () => {
  it('split the matrix deterministically and completely', () => {
    const matrix = Array.from({ length: 11 }, (_, index) => index);
    const shards = [1, 2, 3].map((index) => shardRuns(matrix, { index, total: 3 }));
    expect(shards).toEqual([[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8]]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(matrix);
  });

  it('run real shards, then merge judges the pair', async () => {
    const shards = await Promise.all(
      [1, 2].map((index) => runHarness({ flows: ['validate'], scenarios: ['healthy', 'degraded'], out, shard: { index, total: 2 } })),
    );
    expect(shards.map((shard) => shard.runs.map((entry) => entry.scenario))).toEqual([['healthy'], ['degraded']]);
    for (const shard of shards) {
      expect(shard.runs[0]?.checks.find((check) => check.id === 'transition')).toMatchObject({ status: 'not-applicable' });
    }
    const files = shards.map((shard, index) => {
      const path = join(out, `shard-${index + 1}.json`);
      writeFileSync(path, renderJsonReport(shard));
      return path;
    });
    const lines: string[] = [];
    const mergedPath = join(out, 'merged.json');
    const code = await mergeMain(['--report-json', mergedPath, ...files], { stdout: (text) => lines.push(text) });
    expect(code).toBe(0);
    const merged = JSON.parse(readFileSync(mergedPath, 'utf8'));
    expect(merged.runs.map((entry: RunReport) => entry.scenario)).toEqual(['healthy', 'degraded']);
    expect(merged.runs[1].checks.find((check: { id: string }) => check.id === 'transition')).toMatchObject({
      status: 'passed',
      message: 'healthy, degraded: passed→failed, as expected',
    });
  });
});

describe('merge', () => {
  it('fails the transition when the merged pair did not move', () => {
    const merged = mergeReports([report('a', [run('healthy', 0, 'passed', 'passed')]), report('b', [run('degraded', 1, 'passed', 'failed')])]);
    expect(merged.ok).toBe(false);
    expect(merged.runs[1]?.checks.find((check) => check.id === 'transition')?.message).toBe('healthy, degraded: expected passed→failed, saw passed→passed');
  });

  it('refuses reports of different specs, a shard given twice, and files that are not reports', async () => {
    expect(() => mergeReports([report('a', [run('healthy', 0, 'passed', 'passed')]), report('b', [], 'SPEC-OTHER')])).toThrow(/different specs/);
    const one = report('a', [run('healthy', 0, 'passed', 'passed')]);
    expect(() => mergeReports([one, one])).toThrow(/appears in two reports/);
    const junk = join(out, 'junk.json');
    writeFileSync(junk, '{"ok": true}');
    await expect(mergeMain([junk], { stdout: () => undefined })).rejects.toThrow(MergeError);
    await expect(mergeMain([join(out, 'missing.json')], { stdout: () => undefined })).rejects.toThrow(/cannot read it \(ENOENT\)/);
    await expect(mergeMain([], { stdout: () => undefined })).rejects.toThrow(/needs the report\.json of each shard/);
  });
});
