// A full matrix on the reference guardrails: every flow under every shipped
// scenario, the failure window included, and the evidence it leaves.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/runner.ts';
import { FLOWS, type HarnessReport } from '../../harness/types.ts';
import { listScenarios } from '../../mock-hal/scenario-store.ts';

const out = mkdtempSync(join(tmpdir(), 'matrix-test-'));
const scenarios = listScenarios().scenarios.map((scenario) => scenario.name).sort((a, b) => (a === 'healthy' ? -1 : b === 'healthy' ? 1 : a.localeCompare(b)));
let report: HarnessReport;

beforeAll(async () => {
  report = await runHarness({ flows: [...FLOWS], scenarios, out });
}, 240_000);
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
        'exit-code', 'telemetry-schema', 'telemetry-status', 'journal-consistency', 'artifacts',
        'graphql-escaping', 'manifest-path', 'secret-leak', 'transition', 'baseline',
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

  it('keeps paired evidence: pair.json records each flow\'s transition', () => {
    const pair = JSON.parse(readFileSync(join(report.bundleDir, 'pair.json'), 'utf8'));
    expect(pair.flows.validate.transition).toBe(pair.flows.validate.expectedTransition);
    expect(pair.flows.validate.runs.filter((run: { scenario: string }) => run.scenario === 'failure-window').map((run: { status: string }) => run.status)).toEqual([
      'passed',
      'failed',
      'passed',
    ]);
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

  it('writes nothing into the bundled reference repository', () => {
    expect(existsSync(join(import.meta.dirname, '../../harness/reference-guardrails/docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/SPEC-KIT-018'))).toBe(false);
  });

  it('never overwrites an earlier bundle', async () => {
    await expect(runHarness({ flows: ['tasks'], scenarios: ['healthy'], out, pairId: report.pairId })).rejects.toThrow(/already exists and is never overwritten/);
  });
});
