// The Spec Kit's reader (guardrail-interfaces.md §3, "How the Spec Kit consumes
// telemetry"): every schema rule, the evidence rule, and each outcome rule both ways.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, type Flow } from '../../../harness/run/types.ts';
import { MAX_LISTED_MISSING, readAsSpecKit, type SpecKitIssueCode, specKitEvidence, specKitSchemaIssues } from '../../../harness/telemetry/spec-kit-reader.ts';
import { validateTelemetry } from '../../../harness/telemetry/telemetry-schema.ts';

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'spec-kit-reader-'));
  mkdirSync(join(repo, 'docs'), { recursive: true });
  writeFileSync(join(repo, 'docs', 'run.log'), 'log\n');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const ENVELOPE = { specId: 'SPEC-KIT-018', sessionId: 'S1', timestamp: 'T1' };

/** The smallest file of each stage the Spec Kit accepts, with a relative artifact that exists. */
function minimal(flow: Flow): Record<string, any> {
  const artifacts = ['docs/run.log'];
  switch (flow) {
    case 'plan':
      return { ...ENVELOPE, command: 'spec-ops-plan', artifacts, baseline: { mode: 'm', artifact: 'a', status: 'passed' }, hooks: { 'session.start': 'ok' } };
    case 'tasks':
      return { ...ENVELOPE, command: 'spec-ops-tasks', artifacts, tool: { status: 'ok' } };
    case 'implement':
      return { ...ENVELOPE, command: 'spec-ops-implement', artifacts, lock_status: 'locked', hook_status: 'ok' };
    case 'validate':
      return { ...ENVELOPE, command: 'spec-ops-validate', scenarios: [{ name: 'n', status: 'passed' }] };
    case 'audit':
      return { ...ENVELOPE, command: 'spec-ops-audit', artifacts, scenarios: [{ name: 'n', status: 'passed' }] };
    case 'unlock':
      return { ...ENVELOPE, command: 'spec-ops-unlock', artifacts, unlock_status: 'unlocked' };
  }
}

function edit(flow: Flow, change: (data: Record<string, any>) => void): Record<string, any> {
  const data = minimal(flow);
  change(data);
  return data;
}

const read = (data: unknown, flow: Flow) => readAsSpecKit(data, flow, { repoRoot: repo });
const codes = (data: unknown, flow: Flow) => specKitSchemaIssues(data, flow).map((issue) => [issue.code, issue.path]);

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

describe('evidence validation', () => {
  it('skips validate entirely', () => {
    const data = edit('validate', (d) => (d.artifacts = [{ path: '/no/such/file' }]));
    expect(specKitEvidence(data, 'validate', { repoRoot: repo })).toEqual({ applies: false, issues: [], found: [] });
  });

  it('accepts strings and {path} objects; relative paths resolve from the repo root', () => {
    const data = edit('audit', (d) => (d.artifacts = ['docs/run.log', { path: join(repo, 'docs', 'run.log') }]));
    const result = specKitEvidence(data, 'audit', { repoRoot: repo });
    expect(result.issues).toEqual([]);
    expect(result.found.map((found) => found.at)).toEqual([join(repo, 'docs', 'run.log'), join(repo, 'docs', 'run.log')]);
    // From another root the same relative path is not there.
    const elsewhere = specKitEvidence(data, 'audit', { repoRoot: join(repo, 'docs') });
    expect(elsewhere.issues.map((issue) => [issue.code, issue.path])).toEqual([['artifact-missing', 'artifacts[0]']]);
    expect(elsewhere.issues[0]?.message).toBe(
      `"docs/run.log" does not exist (relative paths resolve from the repo root ${join(repo, 'docs')}: looked for ${join(repo, 'docs', 'docs', 'run.log')})`,
    );
  });

  it('wants every listed artifact to exist, and at least one', () => {
    const some = specKitEvidence(
      edit('plan', (d) => (d.artifacts = ['docs/run.log', '/no/such.log'])),
      'plan',
      { repoRoot: repo },
    );
    expect(some.issues).toEqual([
      { code: 'artifact-missing', path: 'artifacts[1]', message: '"/no/such.log" does not exist', artifact: '/no/such.log', resolved: '/no/such.log' },
    ]);
    const none = specKitEvidence(
      edit('tasks', (d) => (d.artifacts = [{ path: '/no/such.log' }])),
      'tasks',
      { repoRoot: repo },
    );
    expect(none.issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['artifact-missing', 'artifacts[0].path'],
      ['no-evidence', 'artifacts'],
    ]);
  });

  it('wants at least one artifact from audit, whose schema lets it leave them out', () => {
    const data = edit('audit', (d) => delete d.artifacts);
    expect(specKitSchemaIssues(data, 'audit')).toEqual([]);
    const reading = read(data, 'audit');
    expect(reading.evidence.issues).toEqual([
      { code: 'no-evidence', path: 'artifacts', message: 'no artifact is listed; the Spec Kit wants at least one that exists' },
    ]);
    expect(reading.outcome).toMatchObject({
      decision: 'halt',
      reasons: [
        { code: 'missing-evidence', holds: false },
        { code: 'scenarios', holds: true },
      ],
    });
  });

  it('refuses artifacts that are no path', () => {
    const data = edit('unlock', (d) => (d.artifacts = ['docs/run.log', 7, { file: 'x' }, { path: '' }, '  ']));
    expect(specKitEvidence(data, 'unlock', { repoRoot: repo }).issues.map((issue) => [issue.code, issue.path])).toEqual([
      ['artifact-not-a-path', 'artifacts[1]'],
      ['artifact-not-a-path', 'artifacts[2]'],
      ['artifact-not-a-path', 'artifacts[3]'],
      ['artifact-not-a-path', 'artifacts[4]'],
    ]);
  });

  it('counts a copy standing in for a file the run wrote (a harness bundle)', () => {
    const data = edit('plan', (d) => (d.artifacts = ['/gone/repo/docs/plan.log']));
    const copies = new Map([['/gone/repo/docs/plan.log', join(repo, 'docs', 'run.log')]]);
    expect(specKitEvidence(data, 'plan', { repoRoot: repo, copies })).toEqual({
      applies: true,
      issues: [],
      found: [{ artifact: '/gone/repo/docs/plan.log', at: join(repo, 'docs', 'run.log'), viaCopy: true }],
    });
  });

  it(`lists at most ${MAX_LISTED_MISSING} missing artifacts one by one`, () => {
    const data = edit('plan', (d) => (d.artifacts = Array.from({ length: 50 }, (_, i) => `/no/${i}.log`)));
    const issues = specKitEvidence(data, 'plan', { repoRoot: repo }).issues;
    expect(issues).toHaveLength(MAX_LISTED_MISSING + 2);
    expect(issues.at(-2)?.message).toBe(`and ${50 - MAX_LISTED_MISSING} more listed artifacts do not exist`);
    expect(issues.at(-1)?.code).toBe('no-evidence');
  });
});

describe('outcome', () => {
  const cases: [Flow, string, (d: Record<string, any>) => void, 'advance' | 'halt', string][] = [
    ['plan', 'baseline passed, hook ok', () => {}, 'advance', 'baseline.status is "passed"; hooks["session.start"] is "ok"'],
    ['plan', 'baseline skipped', (d) => (d.baseline.status = 'skipped'), 'advance', 'baseline.status is "skipped"; hooks["session.start"] is "ok"'],
    [
      'plan',
      'baseline failed',
      (d) => (d.baseline.status = 'failed'),
      'halt',
      'baseline.status is "failed", and the Spec Kit advances only on passed or skipped',
    ],
    [
      'plan',
      'baseline unknown',
      (d) => (d.baseline.status = 'unknown'),
      'halt',
      'baseline.status is "unknown", and the Spec Kit advances only on passed or skipped',
    ],
    [
      'plan',
      'session.start skipped',
      (d) => (d.hooks['session.start'] = 'skipped'),
      'halt',
      'hooks["session.start"] is "skipped", and the Spec Kit advances only on ok',
    ],
    ['tasks', 'tool ok', () => {}, 'advance', 'tool.status is "ok"'],
    ['tasks', 'tool ready', (d) => (d.tool.status = 'ready'), 'halt', 'tool.status is "ready", and the Spec Kit advances only on ok'],
    ['implement', 'locked and ok', () => {}, 'advance', 'lock_status is "locked"; hook_status is "ok"'],
    ['implement', 'lock failed', (d) => (d.lock_status = 'failed'), 'halt', 'lock_status is "failed", and the Spec Kit advances only on locked'],
    ['implement', 'hook failed', (d) => (d.hook_status = 'failed'), 'halt', 'hook_status is "failed", and the Spec Kit advances only on ok'],
    ['unlock', 'unlocked', () => {}, 'advance', 'unlock_status is "unlocked"'],
    ['unlock', 'unlock failed', (d) => (d.unlock_status = 'failed'), 'halt', 'unlock_status is "failed", and the Spec Kit advances only on unlocked'],
    ['validate', 'scenario passed', () => {}, 'advance', 'every scenario passed or skipped ("n" passed)'],
    ['validate', 'scenario skipped', (d) => (d.scenarios[0].status = 'skipped'), 'advance', 'every scenario passed or skipped ("n" skipped)'],
    [
      'audit',
      'one of two failed',
      (d) => d.scenarios.push({ name: 'm', status: 'failed' }),
      'halt',
      'scenario "m" failed, and the Spec Kit advances only when every scenario passed or skipped',
    ],
    [
      'audit',
      'both failed',
      (d) =>
        (d.scenarios = [
          { name: 'a', status: 'failed' },
          { name: 'b', status: 'failed' },
        ]),
      'halt',
      'scenarios "a" failed, "b" failed, and the Spec Kit advances only when every scenario passed or skipped',
    ],
  ];
  it.each(cases)('%s, %s: %s', (flow, _label, change, decision, reason) => {
    const outcome = read(edit(flow, change), flow).outcome;
    expect(outcome.decision).toBe(decision);
    expect(outcome.reason).toBe(reason);
  });

  it('gives a code per condition it weighed', () => {
    const outcome = read(
      edit('implement', (d) => (d.hook_status = 'failed')),
      'implement',
    ).outcome;
    expect(outcome.reasons.map((reason) => [reason.code, reason.holds])).toEqual([
      ['lock-status', true],
      ['hook-status', false],
    ]);
  });

  it('never lets hal.summary change the outcome, only adds a note', () => {
    const halFailed = read(
      edit('validate', (d) => (d.hal = { summary: { status: 'failed', failed_checks: ['health'] } })),
      'validate',
    ).outcome;
    expect(halFailed.decision).toBe('advance');
    expect(halFailed.halNote).toBe('hal.summary.status is "failed", which the Spec Kit only adds to its report');
    const halPassed = read(
      edit('audit', (d) => {
        d.scenarios[0].status = 'failed';
        d.hal = { summary: { status: 'passed' } };
      }),
      'audit',
    ).outcome;
    expect(halPassed.decision).toBe('halt');
    expect(read(minimal('validate'), 'validate').outcome.halNote).toBeUndefined();
  });

  it('halts on a schema error before reading the stage rule', () => {
    const outcome = read(
      edit('plan', (d) => delete d.hooks),
      'plan',
    ).outcome;
    expect(outcome).toEqual({
      decision: 'halt',
      reasons: [
        {
          code: 'invalid-telemetry',
          holds: false,
          message: "the telemetry fails the Spec Kit's schema validation (1 error: hooks: missing, expected an object)",
        },
      ],
      reason: "the telemetry fails the Spec Kit's schema validation (1 error: hooks: missing, expected an object)",
    });
  });

  it('halts on missing evidence even when the stage rule holds', () => {
    const outcome = read(
      edit('unlock', (d) => (d.artifacts = ['/no/such.log'])),
      'unlock',
    ).outcome;
    expect(outcome.decision).toBe('halt');
    expect(outcome.reasons.map((reason) => [reason.code, reason.holds])).toEqual([
      ['missing-evidence', false],
      ['unlock-status', true],
    ]);
    expect(outcome.reason).toMatch(
      /^the telemetry fails the Spec Kit's evidence validation \(2 errors: artifacts\[0\]: "\/no\/such.log" does not exist; artifacts: none of the 1 listed artifact exists/,
    );
  });
});
