// hal-reached: a run whose scripts made no HAL request says so, on records built by
// hand and on real runs of the reference guardrails and of a variant that, like later
// script versions, skips the smoke unless a variable asks for it.
import { readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHalReached } from '../../../harness/checks/check-hal-reached.ts';
import { judgeRun } from '../../../harness/checks/index.ts';
import { REFERENCE_GUARDRAILS_DIR, runHarness } from '../../../harness/run/runner.ts';
import type { CheckResult, HarnessReport, RunRecord } from '../../../harness/run/types.ts';
import { cargoCall, planRun, smokeRun, workspace } from '../../support/run-record.ts';

const halReached = (checks: readonly CheckResult[]) => checks.find((check) => check.id === 'hal-reached');

describe('hal-reached on records', () => {
  it('holds when the mock received at least one request, and says how many of which', () => {
    const result = checkHalReached(smokeRun(workspace()), 'passed');
    expect(result).toMatchObject({
      status: 'passed',
      ok: true,
      detail: { reason: 'reached', expected: { minRequests: 1 }, seen: { requests: 4, cargoCalls: 4, reported: 'passed' } },
    });
    expect(result.message).toMatch(/saw 4 \(health ×1, list_movies ×1, indexer_test ×1, graphql_ping ×1\)/);
  });

  it('is judged with the other checks, right after journal-consistency', () => {
    const ids = judgeRun(smokeRun(workspace()), 'hermetic').checks.map((check) => check.id);
    expect(ids.indexOf('hal-reached')).toBe(ids.indexOf('journal-consistency') + 1);
  });

  it.each<[string, Partial<RunRecord>, string, string, RegExp]>([
    [
      'the user set SPEC_OPS_HAL_SKIP=1',
      { userEnv: { SPEC_OPS_HAL_SKIP: '1' }, shimCalls: [] },
      'skipped',
      'skip-variable',
      /SPEC_OPS_HAL_SKIP=1 was set with --env/,
    ],
    ['the telemetry says skipped', { shimCalls: [] }, 'skipped', 'reported-skipped', /the telemetry reports the HAL status skipped/],
    ['call_tool ran but nothing arrived', {}, 'failed', 'calls-never-arrived', /the scripts ran cargo 4 times for call_tool, but no call reached the mock/],
    ['nothing was even tried', { shimCalls: [] }, 'passed', 'no-request', /the telemetry reports passed/],
  ])('fails when %s, saying no HAL request was made and that --env may be needed', (_, record, reported, reason, why) => {
    const ws = workspace();
    const run = smokeRun(ws, { record: { journal: [], ...record } });
    if (reason === 'calls-never-arrived') run.shimCalls = [cargoCall(ws), cargoCall(ws), cargoCall(ws), cargoCall(ws)];
    const result = checkHalReached(run, reported);
    expect(result).toMatchObject({ status: 'failed', ok: false, detail: { expected: { minRequests: 1 }, seen: { requests: 0, reported }, reason } });
    expect(result.message).toMatch(/^expected at least one HAL request at the mock, saw none: the scripts made no HAL request/);
    expect(result.message).toMatch(why);
    expect(result.message).toMatch(/A mode or skip variable may need --env/);
    expect(result.message).toMatch(/SPEC_OPS_HAL_SKIP/);
    expect(result.message).toMatch(/section 6/);
  });

  it('does not apply to flows that make no HAL calls, nor when the scenario expects the smoke skipped', () => {
    const ws = workspace();
    expect(checkHalReached(planRun(ws, { baselineStatus: 'passed', exitCode: 0, forcedFail: false }), null)).toMatchObject({
      status: 'not-applicable',
      ok: null,
      message: 'plan makes no HAL calls',
      detail: { reason: 'not-smoke', expected: { flows: ['validate', 'audit'] }, seen: { flow: 'plan' } },
    });
    const skippedScenario = smokeRun(ws, { record: { journal: [], expect: { status: 'skipped' as 'passed', failedChecks: [] } } });
    expect(checkHalReached(skippedScenario, 'skipped')).toMatchObject({
      status: 'not-applicable',
      ok: null,
      detail: { reason: 'smoke-expected-skipped', expected: { minRequests: 0 }, seen: { requests: 0, reported: 'skipped' } },
    });
  });
});

describe('hal-reached on real runs', () => {
  const out = join(tmpdir(), `hal-reached-${process.pid}`);
  let variant: string;
  let normal: HarnessReport;
  let skippedByEnv: HarnessReport;
  let variantDefault: HarnessReport;
  let variantLive: HarnessReport;
  let noManifest: HarnessReport;

  beforeAll(async () => {
    // A later script version: the smoke is skipped unless SPEC_OPS_HAL_SKIP=0 asks for it.
    variant = await mkdtemp(join(tmpdir(), 'hal-skips-by-default-'));
    await cp(REFERENCE_GUARDRAILS_DIR, variant, { recursive: true });
    const common = join(variant, 'scripts/spec_ops_004/common.sh');
    const original = readFileSync(common, 'utf8');
    const patched = original.replace('${SPEC_OPS_HAL_SKIP:-0} == 1', '${SPEC_OPS_HAL_SKIP:-1} == 1');
    expect(patched).not.toBe(original);
    writeFileSync(common, patched);
    const flows = ['validate', 'audit', 'plan'] as const;
    [normal, skippedByEnv, variantDefault, variantLive, noManifest] = await Promise.all([
      runHarness({ flows: [...flows], out, concurrency: 2 }),
      runHarness({ flows: [...flows], out, concurrency: 2, env: [{ name: 'SPEC_OPS_HAL_SKIP', value: '1', source: '--env' }] }),
      runHarness({ repo: variant, flows: ['validate', 'audit'], out, concurrency: 2 }),
      runHarness({ repo: variant, flows: ['validate', 'audit'], out, concurrency: 2, env: [{ name: 'SPEC_OPS_HAL_SKIP', value: '0', source: '--env' }] }),
      runHarness({ flows: ['validate'], scenarios: ['healthy'], out, manifest: 'moved/Cargo.toml' }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    await rm(variant, { recursive: true, force: true });
  });

  it('holds on every validate and audit run of the reference guardrails, and does not apply to plan', () => {
    expect(normal.ok).toBe(true);
    for (const run of normal.runs) {
      if (run.flow === 'plan') expect(halReached(run.checks)).toMatchObject({ status: 'not-applicable' });
      else expect(halReached(run.checks)).toMatchObject({ status: 'passed', detail: { reason: 'reached', seen: { requests: 4 } } });
    }
  });

  it('fails on every smoke run when --env SPEC_OPS_HAL_SKIP=1 makes the reference scripts skip', () => {
    const smoke = skippedByEnv.runs.filter((run) => run.flow !== 'plan');
    expect(smoke).toHaveLength(4);
    for (const run of smoke) {
      expect(run.status).toBe('skipped');
      expect(halReached(run.checks)).toMatchObject({ status: 'failed', detail: { seen: { requests: 0 }, reason: 'skip-variable' } });
      expect(halReached(run.checks)?.message).toMatch(/the scripts made no HAL request \(SPEC_OPS_HAL_SKIP=1 was set with --env/);
    }
    expect(skippedByEnv.ok).toBe(false);
    expect(skippedByEnv.notes.join('\n')).toMatch(/--env: the scripts got SPEC_OPS_HAL_SKIP=1 \(--env\)/);
  });

  it('fails on a version that skips by default, and holds once --env asks for the live path', () => {
    for (const run of variantDefault.runs) {
      expect(halReached(run.checks)).toMatchObject({ status: 'failed', detail: { reason: 'reported-skipped' } });
      expect(halReached(run.checks)?.message).toMatch(/the telemetry reports the HAL status skipped\)\. A mode or skip variable may need --env/);
    }
    expect(variantLive.ok).toBe(true);
    for (const run of variantLive.runs) expect(halReached(run.checks)).toMatchObject({ status: 'passed' });
  });

  it('tells a smoke that tried but never arrived (cargo could not run call_tool) from one that never tried', () => {
    const check = halReached(noManifest.runs[0]?.checks ?? []);
    expect(check).toMatchObject({ status: 'failed', detail: { seen: { requests: 0, cargoCalls: 4 }, reason: 'calls-never-arrived' } });
    expect(check?.message).toMatch(/the scripts made no HAL request \(the scripts ran cargo 4 times for call_tool, but no call reached the mock/);
  });
});
