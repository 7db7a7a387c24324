// A full matrix on the reference guardrails: every flow under every shipped
// scenario, the failure window included, and the evidence it leaves.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckName } from '../../../common/hal-contract/routes.ts';
import { runHarness } from '../../../harness/run/runner.ts';
import { FLOWS, type HarnessReport } from '../../../harness/run/types.ts';
import { listScenarios, resolveScenario } from '../../../mock-hal/scenario/scenario-store.ts';
import { outageHealthSample, productionSample, SAMPLES_SKIP_REASON, samplesTitle } from '../../support/samples.ts';

const out = mkdtempSync(join(tmpdir(), 'matrix-test-'));
const scenarios = listScenarios()
  .scenarios.map((scenario) => scenario.name)
  .sort((a, b) => (a === 'healthy' ? -1 : b === 'healthy' ? 1 : a.localeCompare(b)));
let report: HarnessReport;

beforeAll(async () => {
  report = await runHarness({ flows: [...FLOWS], scenarios, out });
}, 420_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('reference guardrails, full matrix', () => {
  it('every check holds', () => {
    const failures = report.runs.flatMap((run) =>
      run.checks.filter((check) => check.ok === false).map((check) => `${run.scenario}/${run.phase ?? '-'}/${run.flow} ${check.id}: ${check.message}`),
    );
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('ran each flow under each scenario and each phase of the window', () => {
    const phases = listScenarios().scenarios.reduce((sum, scenario) => sum + scenario.phases.length, 0);
    expect(report.runs).toHaveLength(FLOWS.length * phases);
    for (const run of report.runs) {
      expect(run.checks.map((check) => check.id)).toEqual([
        'exit-code',
        'telemetry-schema',
        'telemetry-status',
        'spec-kit-outcome',
        'journal-consistency',
        'hal-reached',
        'artifacts',
        'graphql-escaping',
        'manifest-path',
        'secret-leak',
        'transition',
        'baseline',
      ]);
    }
  });

  it('marks checks that do not apply as not applicable, never as passed', () => {
    const plan = report.runs.find((run) => run.flow === 'plan' && run.scenario === 'healthy');
    expect(plan?.checks.find((check) => check.id === 'journal-consistency')).toMatchObject({ status: 'not-applicable', ok: null });
    const validate = report.runs.find((run) => run.flow === 'validate' && run.scenario === 'healthy');
    expect(validate?.checks.find((check) => check.id === 'baseline')).toMatchObject({ status: 'not-applicable', ok: null });
  });

  it('notes the shortened call_tool timeout for the hanging scenario', () => {
    expect(report.notes.join('\n')).toMatch(/shortened from 30 s to 3 s for scenario "timeout"/);
  });

  it("keeps paired evidence: pair.json records each flow's transition, through both failure windows", () => {
    const pair = JSON.parse(readFileSync(join(report.bundleDir, 'pair.json'), 'utf8'));
    for (const flow of ['validate', 'audit', 'plan']) {
      expect(pair.flows[flow].transition).toBe(pair.flows[flow].expectedTransition);
      for (const window of ['failure-window', 'failure-window-5xx']) {
        expect(pair.flows[flow].runs.filter((run: { scenario: string }) => run.scenario === window).map((run: { status: string }) => run.status)).toEqual([
          'passed',
          'failed',
          'passed',
        ]);
      }
    }
  });

  it('each run folder holds telemetry, log, captures, journal, shim log, output and a manifest with safe names', () => {
    const dir = join(report.bundleDir, 'degraded', 'validate');
    const files = readdirSync(dir);
    for (const name of ['telemetry.json', 'journal.json', 'shim-log.jsonl', 'stdout.txt', 'stderr.txt', 'manifest.json']) expect(files).toContain(name);
    expect(files.some((file) => /^spec-validate_.*\.log$/.test(file))).toBe(true);
    expect(files.filter((file) => /-hal-(health|list_movies|indexer_test|graphql_ping)\.json$/.test(file))).toHaveLength(4);
    expect(files.filter((file) => file.includes(':'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const log = manifest.files.find((file: { original: string }) => file.original.endsWith('.log'));
    expect(log.original).toMatch(/:/);
    expect(log.name).not.toMatch(/:/);
    const journal = JSON.parse(readFileSync(join(dir, 'journal.json'), 'utf8'));
    expect(journal.map((entry: { check: string }) => entry.check)).toEqual(['health', 'list_movies', 'indexer_test', 'graphql_ping']);
    const planDir = join(report.bundleDir, 'degraded', 'plan');
    expect(readdirSync(planDir).some((file) => /^baseline_.*\.md$/.test(file))).toBe(true);
  });

  describe('production-faithful scenarios', () => {
    const SMOKE = ['validate', 'audit'] as const;

    it('production: the recorded healthy day passes, FORBIDDEN GraphQL answer included, with all four captures listed', () => {
      for (const flow of SMOKE) {
        const run = runOf('production', flow);
        expect(run.status).toBe('passed');
        expect(run.exitCode).toBe(0);
        const summary = halSummary(run);
        expect(summary.status).toBe('passed');
        expect(summary.failed_checks ?? []).toEqual([]);
        expect((summary.artifacts ?? []).map(checkOfCapture)).toEqual([...CHECK_NAMES]);
        expect(JSON.parse(capture(run, 'graphql_ping'))).toEqual({
          data: null,
          errors: [{ message: 'Introspection requires admin authentication', extensions: { code: 'FORBIDDEN' } }],
        });
      }
    });

    it.skipIf(SAMPLES_SKIP_REASON !== null)(samplesTitle('production: the captures the scripts wrote are the recorded production captures'), () => {
      for (const flow of SMOKE) {
        // The real scripts wrote them without a final newline; the reference guardrails add one.
        for (const check of CHECK_NAMES)
          expect({ flow, check, capture: capture(runOf('production', flow), check).trimEnd() }).toEqual({
            flow,
            check,
            capture: productionSample(check).trimEnd(),
          });
      }
    });

    it('graphql-errors: GraphQL errors under a 500 fail graphql_ping only', () => {
      for (const flow of SMOKE) {
        const run = runOf('graphql-errors', flow);
        expect(run.status).toBe('failed');
        expect(run.exitCode).not.toBe(0);
        const summary = halSummary(run);
        expect(summary.failed_checks).toEqual(['graphql_ping']);
        expect((summary.artifacts ?? []).map(checkOfCapture)).toEqual(['health', 'list_movies', 'indexer_test']);
        expect(journal(run).find((entry) => entry.check === 'graphql_ping')?.status).toBe(500);
      }
    });

    it('failure-window outage: the API is unreachable, the scripts write fallback captures, and all four checks fail', () => {
      for (const flow of SMOKE) {
        const run = runOf('failure-window', flow, 'outage');
        expect(run.status).toBe('failed');
        expect(run.exitCode).not.toBe(0);
        expect(journal(run).map((entry) => [entry.check, entry.status, entry.fault])).toEqual(CHECK_NAMES.map((check) => [check, null, 'reset']));
        const summary = halSummary(run);
        expect(summary.failed_checks).toEqual([...CHECK_NAMES]);
        expect(summary.artifacts ?? []).toEqual([]);
        for (const check of CHECK_NAMES) expect(capture(run, check)).toMatch(/^\{"status":\d{3},"note":"[^"]+ returned no body"\}\n$/);
        expect(capture(run, 'health')).toBe('{"status":503,"note":"Health endpoint returned no body"}\n');
      }
    });

    it.skipIf(SAMPLES_SKIP_REASON !== null)(samplesTitle('failure-window outage: the health fallback is the one the real outage left'), () => {
      for (const flow of SMOKE) expect(capture(runOf('failure-window', flow, 'outage'), 'health').trimEnd()).toBe(outageHealthSample().trimEnd());
    });

    it('failure-window-5xx outage: 503s with bodies still fail all four, and the captures hold those bodies', () => {
      for (const flow of SMOKE) {
        const run = runOf('failure-window-5xx', flow, 'outage');
        expect(run.status).toBe('failed');
        expect(run.exitCode).not.toBe(0);
        expect(journal(run).map((entry) => [entry.check, entry.status])).toEqual(CHECK_NAMES.map((check) => [check, 503]));
        const summary = halSummary(run);
        expect(summary.failed_checks).toEqual([...CHECK_NAMES]);
        expect(summary.artifacts ?? []).toEqual([]);
        expect(JSON.parse(capture(run, 'health'))).toEqual({ status: 'unhealthy' });
        expect(JSON.parse(capture(run, 'graphql_ping'))).toEqual({ error: 'Service Unavailable' });
      }
    });
  });

  // The matrix runs every bundled scenario, so the ones that decide per request are here too:
  // their static expect is the worst case, and each smoke run is judged by what its mock answered.
  describe('scenarios that decide per request, judged by the journal', () => {
    const SMOKE = ['validate', 'audit'] as const;
    const cases = [
      { scenario: 'flaky', phase: undefined, failed: ['graphql_ping'] },
      { scenario: 'flaky-window', phase: 'window', failed: ['indexer_test', 'graphql_ping'] },
    ] as const;

    it.each(cases)('$scenario $phase: expects exactly what the mock failed, and the guardrails report just that', ({ scenario, phase, failed }) => {
      const declared = resolveScenario(scenario).phases.find((candidate) => phase === undefined || candidate.name === phase)?.expect;
      // The scenario's own expect would have judged these runs wrongly.
      expect(declared?.failedChecks).not.toEqual(failed);
      for (const flow of SMOKE) {
        const run = runOf(scenario, flow, phase);
        expect(run).toMatchObject({ expectedFrom: 'journal', expectedFailedChecks: failed, expectedStatus: 'failed', status: 'failed' });
        expect(run.checks.filter((check) => check.ok === false)).toEqual([]);
        expect(halSummary(run).failed_checks).toEqual(failed);
        const failing = journal(run)
          .filter((entry) => entry.failure !== null)
          .map((entry) => entry.check);
        expect(failing).toEqual(failed);
        const manifest = JSON.parse(readFileSync(join(run.evidenceDir, 'manifest.json'), 'utf8'));
        expect(manifest).toMatchObject({ expect: { status: 'failed', failedChecks: failed }, expectedFrom: 'journal', scenarioExpect: declared });
      }
    });

    it("keeps the scenario's expect where nothing is decided per request, and for flows without HAL calls", () => {
      for (const flow of SMOKE) {
        for (const phase of ['before', 'after']) {
          expect(runOf('flaky-window', flow, phase)).toMatchObject({ expectedFrom: 'scenario', expectedFailedChecks: [], expectedStatus: 'passed' });
        }
      }
      // Plan's baseline is forced to fail by the scenario's static status.
      expect(runOf('flaky', 'plan')).toMatchObject({ expectedFrom: 'scenario', expectedStatus: 'failed', status: 'failed' });
      expect(runOf('flaky', 'plan').expectedFailedChecks).toBeUndefined();
    });
  });

  it('writes nothing into the bundled reference repository', () => {
    expect(
      existsSync(join(import.meta.dirname, '../../harness/reference-guardrails/docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/SPEC-KIT-018')),
    ).toBe(false);
  });

  it('never overwrites an earlier bundle', async () => {
    await expect(runHarness({ flows: ['tasks'], scenarios: ['healthy'], out, pairId: report.pairId })).rejects.toThrow(
      /already exists and is never overwritten/,
    );
  });
});

// --- reading one run's evidence --------------------------------------------------

function runOf(scenario: string, flow: string, phase?: string) {
  const run = report.runs.find((candidate) => candidate.scenario === scenario && candidate.flow === flow && candidate.phase === phase);
  if (!run) throw new Error(`no run ${scenario}${phase ? `/${phase}` : ''}/${flow} in the matrix`);
  return run;
}

function halSummary(run: { evidenceDir: string }): { status?: string; failed_checks?: string[]; artifacts?: string[] } {
  return JSON.parse(readFileSync(join(run.evidenceDir, 'telemetry.json'), 'utf8')).hal.summary;
}

function journal(run: { evidenceDir: string }): { check: string; status: number | null; fault?: string; failure?: string | null }[] {
  return JSON.parse(readFileSync(join(run.evidenceDir, 'journal.json'), 'utf8'));
}

function checkOfCapture(path: string): string {
  return /-hal-([a-z_]+)\.json$/.exec(path)?.[1] ?? path;
}

/** The capture file the scripts wrote for a check, as they wrote it. */
function capture(run: { evidenceDir: string }, check: CheckName): string {
  const names = readdirSync(run.evidenceDir).filter((name) => name.endsWith(`-hal-${check}.json`));
  expect(names, `${run.evidenceDir}: one ${check} capture`).toHaveLength(1);
  return readFileSync(join(run.evidenceDir, names[0]!), 'utf8');
}
