// The Spec Kit's reader (guardrail-interfaces.md §3, "How the Spec Kit consumes
// telemetry"): every schema rule, for validate and audit and for the other stages, and
// where it accepts what the strict rules of telemetry-schema.ts refuse.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, type Flow } from '../../../harness/run/types.ts';
import { readAsSpecKit, type SpecKitIssueCode, specKitSchemaIssues } from '../../../harness/telemetry/spec-kit-reader.ts';
import { validateTelemetry } from '../../../harness/telemetry/telemetry-schema.ts';
import { codes, edit, makeRepo, minimal } from './spec-kit-reader-fixtures.ts';

let repo: string;
beforeAll(() => {
  repo = makeRepo();
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const read = (data: unknown, flow: Flow) => readAsSpecKit(data, flow, { repoRoot: repo });

describe('schema validation', () => {
  it.each(FLOWS)('accepts the smallest %s file and advances', (flow) => {
    const reading = read(minimal(flow), flow);
    expect(reading.schema).toEqual([]);
    expect(reading.evidence.issues).toEqual([]);
    expect(reading.valid).toBe(true);
    expect(reading.outcome.decision).toBe('advance');
  });

  it.each(FLOWS)('%s: the strict rules reject what the Spec Kit accepts (any formats, relative paths)', (flow) => {
    const strict = validateTelemetry(minimal(flow)).problems;
    expect(strict.length).toBeGreaterThan(0);
    expect(specKitSchemaIssues(minimal(flow), flow)).toEqual([]);
  });

  it('accepts values the strict rules refuse: baseline.status unknown, any mode, any session id', () => {
    const plan = edit('plan', (d) => {
      d.baseline = { mode: 'turbo', artifact: 'docs/x.md', status: 'unknown' };
      d.sessionId = 'not-a-session';
      d.timestamp = 'yesterday';
      d.schemaVersion = 99;
    });
    expect(specKitSchemaIssues(plan, 'plan')).toEqual([]);
  });

  it('ignores extra fields and unknown objects anywhere (a policy block, say)', () => {
    const audit = edit('audit', (d) => {
      d.policy = { mode: 'enforce', rules: [{ id: 1 }] };
      d.scenarios[0].durationMs = 3;
      d.hal = { summary: { status: 'passed', extra: true }, mode: 'mock' };
      d.errors = 'not even a list';
    });
    expect(specKitSchemaIssues(audit, 'audit')).toEqual([]);
  });

  it('refuses a top level that is not an object', () => {
    expect(codes([], 'validate')).toEqual([['not-an-object', '(top level)']]);
    expect(codes(null, 'plan')).toEqual([['not-an-object', '(top level)']]);
  });

  it.each(FLOWS)('%s: command must equal the stage command', (flow) => {
    const other = flow === 'audit' ? 'spec-ops-validate' : 'spec-ops-audit';
    const issues = specKitSchemaIssues(
      edit(flow, (d) => (d.command = other)),
      flow,
    );
    expect(issues).toEqual([{ code: 'wrong-command', path: 'command', message: `expected "spec-ops-${flow}", got "${other}"` }]);
    expect(
      codes(
        edit(flow, (d) => delete d.command),
        flow,
      ),
    ).toEqual([['missing', 'command']]);
  });

  it.each(['specId', 'sessionId', 'timestamp'])('%s must be a string', (key) => {
    expect(
      codes(
        edit('unlock', (d) => (d[key] = 42)),
        'unlock',
      ),
    ).toEqual([['wrong-type', key]]);
    expect(
      codes(
        edit('unlock', (d) => delete d[key]),
        'unlock',
      ),
    ).toEqual([['missing', key]]);
    expect(
      codes(
        edit('unlock', (d) => (d[key] = '')),
        'unlock',
      ),
    ).toEqual([]);
  });

  describe('validate and audit', () => {
    it.each(['validate', 'audit'] as const)('%s: artifacts optional, but an array when present', (flow) => {
      expect(
        codes(
          edit(flow, (d) => delete d.artifacts),
          flow,
        ),
      ).toEqual([]);
      expect(
        codes(
          edit(flow, (d) => (d.artifacts = [])),
          flow,
        ),
      ).toEqual([]);
      expect(
        codes(
          edit(flow, (d) => (d.artifacts = {})),
          flow,
        ),
      ).toEqual([['wrong-type', 'artifacts']]);
      expect(
        codes(
          edit(flow, (d) => (d.artifacts = null)),
          flow,
        ),
      ).toEqual([['wrong-type', 'artifacts']]);
    });

    const cases: [string, (d: Record<string, any>) => void, [SpecKitIssueCode, string][]][] = [
      ['no scenarios', (d) => delete d.scenarios, [['missing', 'scenarios']]],
      ['scenarios not an array', (d) => (d.scenarios = { name: 'n' }), [['wrong-type', 'scenarios']]],
      ['empty scenarios', (d) => (d.scenarios = []), [['empty-array', 'scenarios']]],
      ['a scenario not an object', (d) => (d.scenarios = ['passed']), [['wrong-type', 'scenarios[0]']]],
      ['a scenario without name', (d) => delete d.scenarios[0].name, [['missing', 'scenarios[0].name']]],
      ['a numeric name', (d) => (d.scenarios[0].name = 7), [['wrong-type', 'scenarios[0].name']]],
      ['status ok', (d) => (d.scenarios[0].status = 'ok'), [['not-allowed', 'scenarios[0].status']]],
      ['status true', (d) => (d.scenarios[0].status = true), [['wrong-type', 'scenarios[0].status']]],
      ['no status', (d) => delete d.scenarios[0].status, [['missing', 'scenarios[0].status']]],
      ['hal not an object', (d) => (d.hal = 'passed'), [['wrong-type', 'hal']]],
      ['hal null', (d) => (d.hal = null), [['wrong-type', 'hal']]],
      ['hal without summary', (d) => (d.hal = {}), [['missing', 'hal.summary']]],
      ['summary not an object', (d) => (d.hal = { summary: [] }), [['wrong-type', 'hal.summary']]],
      ['summary without status', (d) => (d.hal = { summary: {} }), [['missing', 'hal.summary.status']]],
      ['summary status unknown', (d) => (d.hal = { summary: { status: 'mocked' } }), [['not-allowed', 'hal.summary.status']]],
      [
        'failed_checks not an array',
        (d) => (d.hal = { summary: { status: 'failed', failed_checks: 'health' } }),
        [['wrong-type', 'hal.summary.failed_checks']],
      ],
      [
        'a blank failed check',
        (d) => (d.hal = { summary: { status: 'failed', failed_checks: ['health', '  '] } }),
        [['blank-string', 'hal.summary.failed_checks[1]']],
      ],
      ['a numeric artifact', (d) => (d.hal = { summary: { status: 'passed', artifacts: [3] } }), [['wrong-type', 'hal.summary.artifacts[0]']]],
      ['an empty hal artifact', (d) => (d.hal = { summary: { status: 'passed', artifacts: [''] } }), [['blank-string', 'hal.summary.artifacts[0]']]],
    ];
    it.each(cases)('refuses %s', (_label, change, expected) => {
      expect(codes(edit('validate', change), 'validate')).toEqual(expected);
      expect(codes(edit('audit', change), 'audit')).toEqual(expected);
    });

    it('accepts any non-blank names in failed_checks and hal artifacts, relative or repeated', () => {
      const data = edit('validate', (d) => (d.hal = { summary: { status: 'failed', failed_checks: ['graphql', 'graphql'], artifacts: ['rel/x.json'] } }));
      expect(codes(data, 'validate')).toEqual([]);
    });

    it('says what it expected and what it saw', () => {
      expect(
        specKitSchemaIssues(
          edit('audit', (d) => (d.scenarios[0].status = 'ok')),
          'audit',
        ),
      ).toEqual([{ code: 'not-allowed', path: 'scenarios[0].status', message: 'expected one of passed|failed|skipped, got "ok"' }]);
    });
  });

  describe('the other stages', () => {
    it.each(['plan', 'tasks', 'implement', 'unlock'] as const)('%s: artifacts must be a non-empty array', (flow) => {
      expect(
        codes(
          edit(flow, (d) => delete d.artifacts),
          flow,
        ),
      ).toEqual([['missing', 'artifacts']]);
      expect(
        codes(
          edit(flow, (d) => (d.artifacts = [])),
          flow,
        ),
      ).toEqual([['empty-array', 'artifacts']]);
      expect(
        codes(
          edit(flow, (d) => (d.artifacts = 'docs/run.log')),
          flow,
        ),
      ).toEqual([['wrong-type', 'artifacts']]);
    });

    const cases: [Flow, string, (d: Record<string, any>) => void, [SpecKitIssueCode, string][]][] = [
      ['plan', 'no baseline', (d) => delete d.baseline, [['missing', 'baseline']]],
      ['plan', 'baseline a string', (d) => (d.baseline = 'passed'), [['wrong-type', 'baseline']]],
      ['plan', 'baseline.mode missing', (d) => delete d.baseline.mode, [['missing', 'baseline.mode']]],
      ['plan', 'baseline.artifact a number', (d) => (d.baseline.artifact = 1), [['wrong-type', 'baseline.artifact']]],
      ['plan', 'baseline.status null', (d) => (d.baseline.status = null), [['wrong-type', 'baseline.status']]],
      ['plan', 'no hooks', (d) => delete d.hooks, [['missing', 'hooks']]],
      ['plan', 'no session.start', (d) => (d.hooks = {}), [['missing', 'hooks["session.start"]']]],
      ['tasks', 'no tool', (d) => delete d.tool, [['missing', 'tool']]],
      ['tasks', 'tool.status a number', (d) => (d.tool.status = 0), [['wrong-type', 'tool.status']]],
      ['implement', 'no lock_status', (d) => delete d.lock_status, [['missing', 'lock_status']]],
      ['implement', 'hook_status a boolean', (d) => (d.hook_status = true), [['wrong-type', 'hook_status']]],
      ['unlock', 'no unlock_status', (d) => delete d.unlock_status, [['missing', 'unlock_status']]],
    ];
    it.each(cases)('%s: refuses %s', (flow, _label, change, expected) => {
      expect(codes(edit(flow, change), flow)).toEqual(expected);
    });

    it('lists every error, not only the first', () => {
      const data = edit('implement', (d) => {
        delete d.lock_status;
        delete d.hook_status;
        d.specId = null;
      });
      expect(codes(data, 'implement')).toEqual([
        ['wrong-type', 'specId'],
        ['missing', 'lock_status'],
        ['missing', 'hook_status'],
      ]);
    });
  });
});
