// --env on real runs of the reference guardrails: the user's variables reach the scripts
// after the harness's own, the checks judge what the scripts got, and the report says
// what was set and which harness variables it replaced.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderJsonReport } from '../../../harness/reports/json.ts';
import { runHarness } from '../../../harness/run/runner.ts';
import type { EnvSetting, HarnessReport } from '../../../harness/run/types.ts';
import { materialiseVariant, type VariantRepo } from '../../support/variant-repo.ts';

const out = mkdtempSync(join(tmpdir(), 'user-env-runs-'));
const USER_KEY = 'kvd_user_given_key_7c41e0';
let leaky: VariantRepo;
afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await leaky?.remove();
});
const flag = (name: string, value: string): EnvSetting => ({ name, value, source: '--env' });
const failures = (report: HarnessReport) =>
  report.runs.flatMap((run) => run.checks.filter((check) => check.ok === false).map((check) => `${run.scenario}/${run.flow} ${check.id}: ${check.message}`));

describe('--env on real runs', () => {
  let allowFail: HarnessReport;
  let telemetryOff: HarnessReport;
  let secretEnv: HarnessReport;
  let path: HarnessReport;
  let userKey: HarnessReport;
  let skipped: HarnessReport;

  beforeAll(async () => {
    // The secret-leak variant writes the key it was given into its log.
    leaky = await materialiseVariant('secret-leak');
    [allowFail, telemetryOff, secretEnv, path, userKey, skipped] = await Promise.all([
      runHarness({ flows: ['plan'], out, env: [flag('SPEC_OPS_BASELINE_ALLOW_FAIL', '1')] }),
      runHarness({ flows: ['validate'], out, env: [flag('SPEC_OPS_TELEMETRY_HAL', '0')] }),
      runHarness({ flows: ['validate'], scenarios: ['healthy'], out, env: [flag('SPEC_OPS_HAL_SECRET_ENV', 'KAVEDARR_KEY_V2')] }),
      runHarness({ flows: ['validate'], scenarios: ['healthy'], out, env: [flag('PATH', `${process.env.PATH}${delimiter}/opt/user-tools/bin`)] }),
      runHarness({ repo: leaky.dir, flows: ['validate'], scenarios: ['healthy'], out, env: [flag('HAL_SECRET_KAVEDARR_API_KEY', USER_KEY)] }),
      runHarness({ flows: ['validate'], scenarios: ['flaky'], out, env: [flag('SPEC_OPS_HAL_SKIP', '1')] }),
    ]);
  }, 120_000);

  it('judges plan by SPEC_OPS_BASELINE_ALLOW_FAIL=1: a failing baseline must then exit 0', () => {
    expect(failures(allowFail)).toEqual([]);
    const degraded = allowFail.runs.find((run) => run.scenario === 'degraded');
    expect(degraded?.exitCode).toBe(0);
    expect(degraded?.checks.find((check) => check.id === 'baseline')?.message).toMatch(
      /a failing baseline gave baseline\.status failed and exit 0 \(allowed to fail\)/,
    );
    expect(allowFail.environment).toEqual({ set: [flag('SPEC_OPS_BASELINE_ALLOW_FAIL', '1')], overridden: [] });
  });

  it('judges the hal.summary flag by the value the scripts got, and reports the harness variable replaced', () => {
    expect(failures(telemetryOff)).toEqual([]);
    expect(telemetryOff.environment?.overridden).toEqual([{ name: 'SPEC_OPS_TELEMETRY_HAL', runs: ['healthy/validate', 'degraded/validate'] }]);
    expect(telemetryOff.notes).toContain("--env replaced the harness's own SPEC_OPS_TELEMETRY_HAL (every run); the checks judge what the scripts got");
    expect(JSON.parse(renderJsonReport(telemetryOff)).notes).toEqual(telemetryOff.notes);
  });

  it("puts the run's key into the variable SPEC_OPS_HAL_SECRET_ENV names, so the smoke still reaches the mock", () => {
    expect(failures(secretEnv)).toEqual([]);
    expect(secretEnv.runs[0]?.checks.find((check) => check.id === 'hal-reached')).toMatchObject({ status: 'passed', detail: { seen: { requests: 4 } } });
    expect(secretEnv.environment?.overridden).toEqual([{ name: 'SPEC_OPS_HAL_SECRET_ENV', runs: ['healthy/validate'] }]);
  });

  it("makes a key the user gives the run's key: the mock takes it, and secret-leak looks for it", () => {
    const run = userKey.runs[0];
    // The mock answered the user's key: the smoke passed, which it cannot with a key the mock does not know.
    expect(run).toMatchObject({ status: 'passed', expectedStatus: 'passed' });
    expect(run?.checks.find((check) => check.id === 'telemetry-status')).toMatchObject({ status: 'passed' });
    // The variant logs the key it sent, so finding it proves secret-leak looked for the user's key.
    expect(run?.checks.find((check) => check.id === 'secret-leak')).toMatchObject({
      status: 'failed',
      detail: { reason: 'leaked', seen: { places: [expect.stringMatching(/spec-validate_.*\.log$/)] } },
    });
    expect(userKey.notes).toContain("API key: the one --env gave HAL_SECRET_KAVEDARR_API_KEY; every run's mock takes it, and secret-leak looks for it");
    expect(userKey.environment?.set).toEqual([{ name: 'HAL_SECRET_KAVEDARR_API_KEY', value: '[REDACTED]', source: '--env' }]);
  });

  it("keeps the scenario's expect for a run that should be judged by its journal but made no smoke request, and says so", () => {
    const run = skipped.runs[0];
    expect(run).toMatchObject({ scenario: 'flaky', expectedFrom: 'scenario', expectedFailedChecks: ['list_movies', 'graphql_ping'], expectedStatus: 'failed' });
    expect(run?.checks.find((check) => check.id === 'hal-reached')).toMatchObject({ status: 'failed', detail: { reason: 'skip-variable' } });
    expect(skipped.notes).toContain(
      "flaky/validate: the journal holds no smoke request, so the run is judged by the scenario's expect, which is only its worst case",
    );
  });

  it('keeps the hermetic shims in front of a PATH the user sets', () => {
    expect(failures(path)).toEqual([]);
    expect(path.runs[0]?.checks.find((check) => check.id === 'manifest-path')).toMatchObject({ status: 'passed' });
    expect(path.environment?.overridden).toEqual([]);
    expect(path.notes.join('\n')).toMatch(/--env: the scripts got PATH=.*\/opt\/user-tools\/bin \(--env\)/);
  });
});
