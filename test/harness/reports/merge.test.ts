// --shard splits the matrix deterministically; merge puts the shards back together
// and judges the transition across the whole pair.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../common/cli/index.ts';
import { mergeCommand } from '../../../harness/cli/merge-command.ts';
import { renderJsonReport } from '../../../harness/reports/index.ts';
import { MergeError, mergeEnvironments, mergeReports } from '../../../harness/reports/merge.ts';
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
    checks: [
      {
        id: 'exit-code',
        status: 'passed',
        ok: true,
        message: 'fine',
        detail: { reason: 'as-expected', expected: 'zero', seen: { exitCode: 0, signal: null, timedOut: false } },
      },
    ],
  };
}

function report(pairId: string, runs: RunReport[], specId = 'SPEC-KIT-018'): HarnessReport {
  return { ok: true, specId, pairId, bundleDir: `/out/${specId}/${pairId}`, notes: [], runs };
}

const ENV: HarnessReport['environment'] = {
  set: [{ name: 'SPEC_OPS_HAL_SKIP', value: '0', source: '--env' }],
  overridden: [{ name: 'SPEC_OPS_HAL_SKIP', runs: ['healthy/validate'] }],
};

/** guardrail-harness merge without the dispatcher, so its errors arrive as thrown. */
function merge(args: string[], stdout: (text: string) => void = () => undefined): Promise<number> {
  return mergeCommand(args, { stdout, stderr: () => undefined });
}

/** Writes `content` (JSON unless a string) as a shard file and returns its path. */
function shardFile(name: string, content: unknown): string {
  const path = join(out, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('shards', () => {
  it('split the matrix deterministically and completely', () => {
    const matrix = Array.from({ length: 11 }, (_, index) => index);
    const shards = [1, 2, 3].map((index) => shardRuns(matrix, { index, total: 3 }));
    expect(shards).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 10],
      [2, 5, 8],
    ]);
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
    const code = await merge(['--report-json', mergedPath, ...files], (text) => lines.push(text));
    expect(code).toBe(0);
    const merged = JSON.parse(readFileSync(mergedPath, 'utf8'));
    expect(merged.runs.map((entry: RunReport) => entry.scenario)).toEqual(['healthy', 'degraded']);
    expect(merged.runs[1].checks.find((check: { id: string }) => check.id === 'transition')).toMatchObject({
      status: 'passed',
      message: 'healthy, degraded: passed→failed, as expected',
      detail: { reason: 'as-expected', expected: { runs: ['healthy', 'degraded'], statuses: ['passed', 'failed'] }, seen: { statuses: ['passed', 'failed'] } },
    });
    // Every check's detail survives the shard files and the merge, exactly as the shards had it.
    const exitOf = (runs: RunReport[]) => runs.map((entry) => entry.checks.find((check) => check.id === 'exit-code')?.detail);
    expect(exitOf(merged.runs)).toEqual(exitOf(shards.flatMap((shard) => shard.runs)));
    expect(exitOf(merged.runs)[1]).toMatchObject({ reason: 'as-expected', expected: 'non-zero' });
  });
});

describe('merge', () => {
  it('fails the transition when the merged pair did not move', () => {
    const merged = mergeReports([report('a', [run('healthy', 0, 'passed', 'passed')]), report('b', [run('degraded', 1, 'passed', 'failed')])]);
    expect(merged.ok).toBe(false);
    expect(merged.runs[1]?.checks.find((check) => check.id === 'transition')).toMatchObject({
      message: 'healthy, degraded: expected passed→failed, saw passed→passed',
      detail: { reason: 'unexpected-sequence', seen: { statuses: ['passed', 'passed'] } },
    });
  });

  it('keeps check detail and the environment through shard files', async () => {
    const a = shardFile('env-a.json', { ...report('a', [run('healthy', 0, 'passed', 'passed')]), environment: ENV });
    const b = shardFile('env-b.json', {
      ...report('b', [run('degraded', 1, 'failed', 'failed')]),
      environment: { ...ENV, overridden: [{ name: 'SPEC_OPS_HAL_SKIP', runs: ['degraded/validate'] }] },
    });
    const mergedPath = join(out, 'env-merged.json');
    expect(await merge(['--report-json', mergedPath, a, b])).toBe(0);
    const merged = JSON.parse(readFileSync(mergedPath, 'utf8')) as HarnessReport;
    expect(merged.environment).toEqual({ set: ENV?.set, overridden: [{ name: 'SPEC_OPS_HAL_SKIP', runs: ['healthy/validate', 'degraded/validate'] }] });
    expect(Object.keys(merged)).toEqual(['ok', 'specId', 'pairId', 'bundleDir', 'notes', 'environment', 'runs']);
    expect(merged.runs[0]?.checks[0]?.detail).toEqual({ reason: 'as-expected', expected: 'zero', seen: { exitCode: 0, signal: null, timedOut: false } });
  });

  it('merges environments: each setting once in first-seen order, each override once with all its runs', () => {
    const other = { name: 'EXTRA', value: '1', source: 'ci.env:2' };
    expect(mergeEnvironments([])).toBeUndefined();
    expect(
      mergeEnvironments([
        { set: [other, { name: 'A', value: '1', source: '--env' }], overridden: [{ name: 'A', runs: ['x/validate'] }] },
        {
          set: [
            { name: 'A', value: '1', source: '--env' },
            { name: 'A', value: '2', source: '--env' },
          ],
          overridden: [{ name: 'A', runs: ['x/validate', 'y/audit'] }],
        },
      ]),
    ).toEqual({
      set: [other, { name: 'A', value: '1', source: '--env' }, { name: 'A', value: '2', source: '--env' }],
      overridden: [{ name: 'A', runs: ['x/validate', 'y/audit'] }],
    });
    expect(mergeReports([report('a', [run('healthy', 0, 'passed', 'passed')])]).environment).toBeUndefined();
  });

  it('refuses a shard the schema does not accept, naming the file, the JSON path and what to do', async () => {
    const noDetail = run('healthy', 0, 'passed', 'passed');
    const { detail: _detail, ...bare } = noDetail.checks[0] as RunReport['checks'][number];
    const old = shardFile('old-shard.json', report('a', [{ ...noDetail, checks: [bare as RunReport['checks'][number]] }]));
    const error = await merge([old]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MergeError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^${old.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a report\\.json this guardrail-harness can merge \\(\\$\\.runs\\[0\\]\\.checks\\[0\\]\\.detail: `,
      ),
    );
    expect((error as Error).message).toMatch(/written by this same version of guardrail-harness; re-run a shard that an older or newer version wrote\.$/);
    const newer = shardFile('newer-shard.json', { ...report('a', []), futureField: true });
    await expect(merge([newer])).rejects.toThrow(/newer-shard\.json is not a report\.json .*\$: Unrecognized key: "futureField"/);
    const badReason = shardFile(
      'bad-reason.json',
      report('a', [{ ...noDetail, checks: [{ ...(noDetail.checks[0] as RunReport['checks'][number]), detail: { reason: '', expected: 0, seen: 0 } }] }]),
    );
    await expect(merge([badReason])).rejects.toThrow(/\$\.runs\[0\]\.checks\[0\]\.detail\.reason: /);
  });

  it('refuses reports of different specs, a shard given twice, and files that are not reports', async () => {
    expect(() => mergeReports([report('a', [run('healthy', 0, 'passed', 'passed')]), report('b', [], 'SPEC-OTHER')])).toThrow(/different specs/);
    const one = report('a', [run('healthy', 0, 'passed', 'passed')]);
    expect(() => mergeReports([one, one])).toThrow(/appears in two reports/);
    const junk = join(out, 'junk.json');
    writeFileSync(junk, '{"ok": true}');
    await expect(merge([junk])).rejects.toThrow(MergeError);
    await expect(merge([join(out, 'missing.json')])).rejects.toThrow(/cannot read it \(ENOENT\)/);
    // A command-line mistake, not a shard's: the dispatcher adds where the usage is.
    await expect(merge([])).rejects.toBeInstanceOf(UsageError);
    await expect(merge([])).rejects.toThrow(/needs the report\.json of each shard/);
  });
});
