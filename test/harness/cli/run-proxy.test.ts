// guardrail-harness run --mock proxy:URL end to end: a second mock-hal stands in for the
// staging API, each run's mock is a proxy in front of it, and the runs are judged by what
// their journal shows was answered, with the key the user gave the scripts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';
import { loadHtmlReportInput } from '../../../harness/reports/html/index.ts';
import type { HarnessReport, RunReport } from '../../../harness/run/types.ts';
import { CHECK_NAMES, type MockHal, startMockHal } from '../../../mock-hal/index.ts';

const STAGING_KEY = 'kvd_staging_key_5d1c0f7a9e';
const WRONG_KEY = 'kvd_not_the_staging_key_42';
const out = mkdtempSync(join(tmpdir(), 'run-proxy-test-'));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  report: HarnessReport;
}

async function harness(args: string[]): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const reportPath = join(out, `${randomUUID()}.json`);
  const code = await harnessMain(['run', '--flows', 'validate', '--out', join(out, 'bundles'), '--report-json', reportPath, ...args], {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
  });
  return { code, stdout: stdout.join(''), stderr: stderr.join(''), report: JSON.parse(readFileSync(reportPath, 'utf8')) as HarnessReport };
}

const failures = (report: HarnessReport) =>
  report.runs.flatMap((run) => run.checks.filter((check) => check.ok === false).map((check) => `${run.scenario}/${run.flow} ${check.id}: ${check.message}`));
const runOf = (report: HarnessReport, scenario: string): RunReport => report.runs.find((run) => run.scenario === scenario) as RunReport;
const answers = (entries: { check: string | null; status: number | null }[]) => entries.map((entry) => [entry.check, entry.status]);

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => ({ path: join(entry.parentPath, entry.name), text: readFileSync(join(entry.parentPath, entry.name), 'latin1') }));
}

let staging: MockHal;
let wrongKeyStaging: MockHal;
let keyless: MockHal;
let good: Outcome;
let wrong: Outcome;
let noKey: Outcome;

beforeAll(async () => {
  // One staging API per harness run, so each upstream journal holds that run's requests only.
  const stagingApi = () => startMockHal({ scenario: 'healthy', apiKey: STAGING_KEY });
  [staging, wrongKeyStaging, keyless] = await Promise.all([stagingApi(), stagingApi(), stagingApi()]);
  const envFile = join(out, 'staging.env');
  writeFileSync(envFile, `HAL_SECRET_KAVEDARR_API_KEY=${STAGING_KEY}\n`);
  [good, wrong, noKey] = await Promise.all([
    harness(['--mock', `proxy:${staging.url}`, '--scenarios', 'healthy,degraded', '--env-file', envFile, '--html']),
    harness(['--mock', `proxy:${wrongKeyStaging.url}`, '--scenarios', 'healthy', '--env', `HAL_SECRET_KAVEDARR_API_KEY=${WRONG_KEY}`]),
    // Degraded names every endpoint, so nothing is forwarded: only the note about the key is in question.
    harness(['--mock', `proxy:${keyless.url}`, '--scenarios', 'degraded']),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([staging, wrongKeyStaging, keyless].map((mock) => mock?.close()));
  rmSync(out, { recursive: true, force: true });
});

describe('guardrail-harness run --mock proxy:URL', () => {
  it('forwards what the scenario does not name: healthy reaches the staging API with the key given, and passes', async () => {
    expect(failures(good.report)).toEqual([]);
    expect(good.code).toBe(0);
    const healthy = runOf(good.report, 'healthy');
    expect(healthy).toMatchObject({ status: 'passed', expectedStatus: 'passed', expectedFrom: 'journal', expectedFailedChecks: [] });
    // Degraded answers all four itself, so the staging API saw exactly healthy's smoke, each answered 200: the key was right.
    expect(answers(await staging.requests())).toEqual(CHECK_NAMES.map((check) => [check, 200]));
  });

  it('answers what the scenario names: degraded fails all four, judged by its journal', () => {
    const degraded = runOf(good.report, 'degraded');
    expect(degraded).toMatchObject({ status: 'failed', expectedStatus: 'failed', expectedFrom: 'journal', expectedFailedChecks: [...CHECK_NAMES] });
    const journal = JSON.parse(readFileSync(join(degraded.evidenceDir, 'journal.json'), 'utf8'));
    expect(answers(journal)).toEqual([
      ['health', 503],
      ['list_movies', 500],
      ['indexer_test', 502],
      ['graphql_ping', 500],
    ]);
    expect(good.report.runs[0]?.checks.find((check) => check.id === 'transition')).toMatchObject({
      status: 'passed',
      detail: { seen: { statuses: ['passed', 'failed'] } },
    });
  });

  it('says in the notes and the console where the runs went and which key they sent', () => {
    expect(good.report.notes).toContain(
      `mock-hal proxy: each run's mock forwards what its scenario does not name to ${staging.url}; validate and audit are judged by what their journal shows it answered, not by the scenario's expect`,
    );
    expect(good.report.notes).toContain(
      `API key: the one ${join(out, 'staging.env')}:1 gave HAL_SECRET_KAVEDARR_API_KEY; the scripts send it through the proxy to ${staging.url}, and secret-leak looks for it`,
    );
    expect(good.stdout).toMatch(
      /^expected from the journal: healthy validate passed, degraded validate failed \[health, list_movies, indexer_test, graphql_ping\]$/m,
    );
    expect(noKey.report.notes).toContain(
      `the scripts sent a key the harness made up, which ${keyless.url} will refuse; give its key with --env HAL_SECRET_KAVEDARR_API_KEY=KEY or --env-file`,
    );
    expect(good.report.notes.join('\n')).not.toMatch(/made up/);
  });

  it('keeps where each expectation came from in the bundle, for the HTML page', async () => {
    const input = await loadHtmlReportInput(good.report.bundleDir);
    expect(input.runs.map((run) => [run.scenario, run.expectedStatus, run.expectedFrom, run.expectedFailedChecks])).toEqual([
      ['healthy', 'passed', 'journal', []],
      ['degraded', 'failed', 'journal', [...CHECK_NAMES]],
    ]);
    expect(readFileSync(join(good.report.bundleDir, 'index.html'), 'utf8')).toContain('from the journal: <code>health</code>');
  });

  it('leaks the key into no file of the evidence bundle, the console or the report', () => {
    const bundle = good.report.bundleDir;
    const files = filesUnder(bundle);
    expect(files.map((file) => file.path)).toContain(join(bundle, 'healthy', 'validate', 'journal.json'));
    expect(files.filter((file) => file.text.includes(STAGING_KEY)).map((file) => file.path)).toEqual([]);
    expect(`${good.stdout}${good.stderr}${JSON.stringify(good.report)}`).not.toContain(STAGING_KEY);
    expect(good.report.environment?.set).toEqual([{ name: 'HAL_SECRET_KAVEDARR_API_KEY', value: '[REDACTED]', source: `${join(out, 'staging.env')}:1` }]);
    for (const run of good.report.runs) expect(run.checks.find((check) => check.id === 'secret-leak')).toMatchObject({ status: 'passed' });
  });

  it('with the wrong key, the staging API refuses every authenticated check and the run is judged by what it answered', async () => {
    // /health is public on the API, so it alone passes.
    expect(answers(await wrongKeyStaging.requests())).toEqual([
      ['health', 200],
      ['list_movies', 401],
      ['indexer_test', 401],
      ['graphql_ping', 401],
    ]);
    const healthy = runOf(wrong.report, 'healthy');
    expect(healthy).toMatchObject({
      status: 'failed',
      expectedStatus: 'failed',
      expectedFrom: 'journal',
      expectedFailedChecks: ['list_movies', 'indexer_test', 'graphql_ping'],
    });
    // The scenario said passed; the checks agree with what the API answered instead.
    expect(failures(wrong.report)).toEqual([]);
    expect(healthy.checks.find((check) => check.id === 'journal-consistency')).toMatchObject({
      status: 'passed',
      detail: { expected: { failedChecks: ['list_movies', 'indexer_test', 'graphql_ping'] } },
    });
    expect(wrong.code).toBe(0);
  });
});
