// The run checks that follow the Spec Kit: telemetry-schema's rule-set labels,
// spec-kit-outcome both ways for every stage, skipped accepted where the Spec Kit
// advances on it, and unknown extra objects never failing any check.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { specKitOutcomeCheck } from '../../../harness/checks/checks-spec-kit.ts';
import { checkTelemetryStatus, expectedStatus, judgeRun, readTelemetry } from '../../../harness/checks/index.ts';
import { checkTelemetrySchema, FAILING_RULE_SETS } from '../../../harness/checks/telemetry-schema.ts';
import { type Flow, type RunRecord, STAGE_OF_FLOW } from '../../../harness/run/types.ts';
import { planRun, smokeRun, type Workspace, workspace } from '../../support/run-record.ts';

const view = readTelemetry;
const outcomeOf = (run: RunRecord) => specKitOutcomeCheck(run, view(run), expectedStatus(run.flow, run.expect));

/** A tasks, implement or unlock run whose telemetry holds `fields`. */
function stageRun(ws: Workspace, flow: Flow, fields: Record<string, unknown>, scenario: 'healthy' | 'degraded' = 'healthy'): RunRecord {
  const base = planRun(ws, { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
  const session = '2026-11-24T10:00:00Z-12345';
  const log = ws.file(`${STAGE_OF_FLOW[flow].stage}_${session}.log`, 'log\n');
  const telemetryPath = ws.file(
    `${STAGE_OF_FLOW[flow].stage}_${session}.json`,
    JSON.stringify({
      schemaVersion: 1,
      command: STAGE_OF_FLOW[flow].command,
      specId: 'SPEC-KIT-018',
      sessionId: session,
      timestamp: '2026-11-24T10:00:01Z',
      artifacts: [{ path: log }],
      ...fields,
    }),
  );
  const { baseline: _baseline, ...rest } = base;
  return { ...rest, flow, scenario, expect: { status: scenario === 'healthy' ? 'passed' : 'failed', failedChecks: [] }, telemetryPath };
}

describe('telemetry-schema labels each problem with its rule set', () => {
  it('holds for a correct run, which meets both rule sets', () => {
    const run = smokeRun(workspace());
    const result = checkTelemetrySchema(run, view(run));
    expect(result).toMatchObject({
      ok: true,
      message:
        "telemetry meets the Spec Kit's schema and the kit's strict schema v1 for spec-ops-validate; hal.summary present as SPEC_OPS_TELEMETRY_HAL=1 asks",
      detail: { seen: [], reason: 'clean' },
    });
  });

  it('fails on a Spec Kit problem, labelled spec-kit:, without repeating the strict one for the same path', () => {
    const run = smokeRun(workspace(), { telemetry: (t) => (t.scenarios = []) });
    const result = checkTelemetrySchema(run, view(run));
    expect(result.ok).toBe(false);
    expect(result.message).toBe('spec-kit: scenarios: expected at least 1 scenario, got an empty array');
    expect(result.detail).toMatchObject({ reason: 'spec-kit', seen: [{ ruleSet: 'spec-kit', code: 'empty-array', path: 'scenarios' }] });
  });

  it('does not fail on strict-only problems, and still names them', () => {
    const run = smokeRun(workspace(), {
      telemetry: (t) => {
        t.sessionId = 'custom-session';
        t.timestamp = 'now';
        t.hal.summary.failed_checks = ['graphql'];
      },
    });
    const result = checkTelemetrySchema(run, view(run));
    expect(result.ok).toBe(true);
    expect(result.message).toBe(
      "telemetry meets the Spec Kit's schema for spec-ops-validate; hal.summary present as SPEC_OPS_TELEMETRY_HAL=1 asks; not failing (the Spec Kit accepts these): " +
        'strict: sessionId: expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461", got "custom-session"; ' +
        'strict: timestamp: expected an ISO-8601 UTC time like "2025-09-29T16:34:21Z", got "now"; ' +
        'strict: hal.summary.failed_checks[0]: expected one of health|list_movies|indexer_test|graphql_ping, got "graphql"',
    );
    expect(result.detail.reason).toBe('strict-only');
    expect((result.detail.seen as { ruleSet: string }[]).map((problem) => problem.ruleSet)).toEqual(['strict', 'strict', 'strict']);
    expect(FAILING_RULE_SETS).toEqual(['spec-kit', 'hal-flag']);
  });

  it('fails on the SPEC_OPS_TELEMETRY_HAL rule, labelled hal-flag:, and lists strict ones as not failing', () => {
    const unasked = smokeRun(workspace(), { record: { telemetryHal: false }, telemetry: (t) => (t.timestamp = 'now') });
    const result = checkTelemetrySchema(unasked, view(unasked));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^hal-flag: hal\.summary: expected no hal\.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got an object /);
    expect(result.message).toMatch(/; not failing \(the Spec Kit accepts these\): strict: timestamp: /);
    const absent = smokeRun(workspace(), { telemetry: (t) => delete t.hal });
    expect(checkTelemetrySchema(absent, view(absent)).message).toBe(
      'hal-flag: hal.summary: missing, expected the hal.summary block because the run set SPEC_OPS_TELEMETRY_HAL=1',
    );
  });

  it('fails when there is no telemetry, saying so', () => {
    const missing = smokeRun(workspace(), { record: { telemetryPath: null } });
    expect(checkTelemetrySchema(missing, view(missing))).toMatchObject({
      ok: false,
      message: 'expected telemetry spec-validate_<session>.json: no telemetry file was written',
      detail: {
        reason: 'unreadable',
        expected: { file: 'spec-validate_<session>.json', noProblemsIn: ['spec-kit', 'hal-flag'] },
        seen: ['no telemetry file was written'],
      },
    });
  });
});

describe('spec-kit-outcome', () => {
  it('holds: advance on a healthy run, halt on a degraded one', () => {
    const healthy = outcomeOf(smokeRun(workspace()));
    expect(healthy).toMatchObject({
      id: 'spec-kit-outcome',
      status: 'passed',
      ok: true,
      detail: { expected: 'advance', seen: { decision: 'advance' }, reason: 'scenarios' },
    });
    expect(healthy.message).toBe(
      'the Spec Kit would advance, as expected (scenario healthy expects validate to pass): every scenario passed or skipped ("validate guardrail bootstrap" passed); hal.summary.status is "passed", which the Spec Kit only adds to its report',
    );
    const degraded = outcomeOf(smokeRun(workspace(), { failed: ['health'] }));
    expect(degraded).toMatchObject({ ok: true, detail: { expected: 'halt', seen: { decision: 'halt' }, reason: 'scenarios' } });
  });

  it('fails when a degraded run reports a passing scenario (the failure swallowed)', () => {
    const run = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => (t.scenarios[0].status = 'passed') });
    expect(outcomeOf(run)).toMatchObject({
      ok: false,
      message: expect.stringMatching(
        /^expected the Spec Kit to halt \(scenario degraded expects validate to fail\), but it would advance: every scenario passed or skipped/,
      ),
    });
  });

  it('fails when only hal.summary says failed: the Spec Kit advances on the scenario status', () => {
    const run = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => (t.scenarios[0].status = 'passed') });
    expect(outcomeOf(run).message).toMatch(/; hal\.summary\.status is "failed", which the Spec Kit only adds to its report$/);
  });

  it('holds when a healthy run reports skipped (the Spec Kit advances), fails when a degraded one does', () => {
    const skip = (t: Record<string, any>) => {
      t.scenarios[0].status = 'skipped';
      t.hal.summary = { status: 'skipped' };
    };
    expect(outcomeOf(smokeRun(workspace(), { telemetry: skip })).ok).toBe(true);
    expect(outcomeOf(smokeRun(workspace(), { failed: ['health'], telemetry: skip })).ok).toBe(false);
  });

  it('fails when a healthy run would halt: a failed scenario, invalid telemetry, or missing evidence', () => {
    const failedScenario = smokeRun(workspace(), { telemetry: (t) => (t.scenarios[0].status = 'failed') });
    expect(outcomeOf(failedScenario)).toMatchObject({ ok: false, detail: { reason: 'scenarios' } });
    const invalid = smokeRun(workspace(), { telemetry: (t) => (t.scenarios[0].status = 'ok') });
    expect(outcomeOf(invalid)).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'but it would halt: the telemetry fails the Spec Kit\'s schema validation (1 error: scenarios[0].status: expected one of passed|failed|skipped, got "ok")',
      ),
      detail: { reason: 'invalid-telemetry' },
    });
    const ws = workspace();
    const audit = smokeRun(ws, { telemetry: (t) => (t.command = 'spec-ops-audit'), record: { flow: 'audit' } });
    for (const artifact of audit.producedFiles.filter((file) => file !== audit.telemetryPath)) rmSync(artifact);
    expect(outcomeOf(audit)).toMatchObject({ ok: false, detail: { reason: 'missing-evidence' } });
  });

  it('resolves relative artifact paths from the run repository', () => {
    const ws = workspace();
    writeFileSync(`${ws.repoDir}/relative.log`, 'log\n');
    const run = stageRun(ws, 'unlock', { unlock_status: 'unlocked', artifacts: ['relative.log'] });
    expect(outcomeOf(run)).toMatchObject({ ok: true, detail: { seen: { evidence: [] } } });
  });

  it('plan: halt with a failing baseline (allowed to fail or not), advance with a passing or skipped one', () => {
    expect(outcomeOf(planRun(workspace(), { baselineStatus: 'failed', exitCode: 1, forcedFail: true })).ok).toBe(true);
    expect(outcomeOf(planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true, allowFail: true })).ok).toBe(true);
    expect(outcomeOf(planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false })).ok).toBe(true);
    expect(outcomeOf(planRun(workspace(), { baselineStatus: 'skipped', exitCode: 0, forcedFail: false })).ok).toBe(true);
    const ignored = outcomeOf(planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: true }));
    expect(ignored).toMatchObject({ ok: false, detail: { expected: 'halt', seen: { decision: 'advance' }, reason: 'baseline-status' } });
  });

  it.each([
    ['tasks', { tool: { status: 'ok' } }, { tool: { status: 'ready' } }, 'tool-status'],
    ['implement', { lock_status: 'locked', hook_status: 'ok' }, { lock_status: 'locked', hook_status: 'failed' }, 'hook-status'],
    ['unlock', { unlock_status: 'unlocked' }, { unlock_status: 'failed' }, 'unlock-status'],
  ] as const)('%s must advance under any scenario', (flow, good, bad, code) => {
    expect(outcomeOf(stageRun(workspace(), flow, good)).ok).toBe(true);
    expect(outcomeOf(stageRun(workspace(), flow, good, 'degraded')).ok).toBe(true);
    expect(outcomeOf(stageRun(workspace(), flow, bad))).toMatchObject({ ok: false, detail: { expected: 'advance', reason: code } });
  });

  it('is not applicable when there is no telemetry to read, and says so', () => {
    const run = smokeRun(workspace(), { record: { telemetryPath: null } });
    expect(outcomeOf(run)).toMatchObject({
      status: 'not-applicable',
      ok: null,
      message: 'no telemetry to read (no telemetry file was written), so there is no Spec Kit outcome to compare; telemetry-schema reports the file',
      detail: { reason: 'no-telemetry', expected: 'advance', seen: { telemetry: null, problems: ['no telemetry file was written'] } },
    });
    const broken = smokeRun(workspace());
    writeFileSync(broken.telemetryPath as string, '{"command":');
    expect(outcomeOf(broken)).toMatchObject({ status: 'not-applicable', detail: { reason: 'no-telemetry' } });
  });

  it('runs in judgeRun right after telemetry-status', () => {
    const ids = judgeRun(smokeRun(workspace()), 'hermetic').checks.map((check) => check.id);
    expect(ids.indexOf('spec-kit-outcome')).toBe(ids.indexOf('telemetry-status') + 1);
  });
});

describe('skipped is accepted wherever the Spec Kit accepts it', () => {
  it('telemetry-status: a skipped scenario and hal.summary where passed is expected, saying so', () => {
    const run = smokeRun(workspace(), {
      telemetry: (t) => {
        t.scenarios[0].status = 'skipped';
        t.hal.summary = { status: 'skipped' };
      },
    });
    const result = checkTelemetryStatus(run, view(run));
    expect(result).toMatchObject({
      ok: true,
      detail: { reason: 'skipped-accepted', seen: { 'scenarios[].status': 'skipped', 'hal.summary.status': 'skipped' } },
    });
    expect(result.message).toBe(
      'reported passed with failed_checks [], as the scenario expects; scenario status skipped, accepted where passed is expected because the Spec Kit advances on skipped; hal.summary.status skipped, accepted where passed is expected because the Spec Kit advances on skipped',
    );
  });

  it('telemetry-status: not where failed is expected (the Spec Kit would advance)', () => {
    const run = smokeRun(workspace(), { failed: ['health'], telemetry: (t) => (t.scenarios[0].status = 'skipped') });
    expect(checkTelemetryStatus(run, view(run))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^scenario status: expected failed, saw skipped/),
      detail: { reason: 'status-mismatch', expected: { 'scenarios[].status': 'failed' }, seen: { 'scenarios[].status': 'skipped' } },
    });
  });

  it('telemetry-status: a skipped plan baseline where passed is expected', () => {
    const run = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 0, forcedFail: false });
    expect(checkTelemetryStatus(run, view(run))).toMatchObject({
      ok: true,
      message: 'baseline.status skipped, accepted where passed is expected because the Spec Kit advances on skipped',
      detail: { reason: 'skipped-accepted', expected: { 'baseline.status': 'passed' }, seen: { 'baseline.status': 'skipped' } },
    });
  });
});

describe('unknown extra telemetry objects never fail a check', () => {
  const extras = (t: Record<string, any>) => {
    t.policy = { mode: 'enforce', rules: [{ id: 'no-secrets', action: 'block' }] };
    t.runner = { host: 'ci' };
    t.scenarios[0].durationMs = 12;
    t.artifacts[0].sha256 = 'abc';
    t.hal.mode = 'live';
    t.hal.summary.latencyMs = 3;
  };

  it.each([[[]], [['health', 'graphql_ping']]] as const)('a smoke run failing %j, with a policy block and extra fields everywhere', (failed) => {
    const run = smokeRun(workspace(), { failed: [...failed], telemetry: extras });
    const { checks } = judgeRun(run, 'hermetic');
    expect(checks.filter((check) => check.ok === false)).toEqual([]);
    expect(checks.find((check) => check.id === 'telemetry-schema')?.detail.seen).toEqual([]);
  });

  it('a plan run with a policy block', () => {
    const ws = workspace();
    const run = planRun(ws, { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    const data = JSON.parse(readFileSync(run.telemetryPath as string, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      run.telemetryPath as string,
      JSON.stringify({ ...data, policy: { enforce: true }, baseline: { ...(data.baseline as object), durationMs: 4 } }),
    );
    expect(judgeRun(run, 'hermetic').checks.filter((check) => check.ok === false)).toEqual([]);
  });
});
