// The kit's strict telemetry schema v1: the real samples pass, and each missing field or
// wrong value is named with its JSON path, what was expected and what was seen.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTelemetryFile, validateTelemetry } from '../../../harness/telemetry/telemetry-schema.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

const SESSION = '2025-09-29T16:34:21Z-229132461';
const ENVELOPE = {
  specId: 'SPEC-KIT-018',
  sessionId: SESSION,
  timestamp: '2025-09-29T16:34:25Z',
  artifacts: [{ path: '/repo/docs/evidence/spec.log' }],
};

// No real samples exist for these stages; built from the doc's table.
const SYNTHETIC: Record<string, Record<string, unknown>> = {
  tasks: { ...ENVELOPE, command: 'spec-ops-tasks', tool: { status: 'ready' } },
  implement: { ...ENVELOPE, command: 'spec-ops-implement', lock_status: 'locked', hook_status: 'ok' },
  unlock: { ...ENVELOPE, command: 'spec-ops-unlock', unlock_status: 'unlocked' },
};

const PLAN = 'spec-plan_2025-09-29T16-23-09Z-1240129600.json';
const VALIDATE_HAL = 'spec-validate_2025-09-29T16-34-21Z-229132461.json';
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';

function clone<T>(value: T): T {
  return structuredClone(value);
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe('real samples', () => {
  it('has the fixtures copied from the reference samples', async () => {
    const names = (await readdir(FIXTURES)).filter((n) => n.endsWith('.json'));
    expect(names).toHaveLength(5);
  });

  it.each([
    'spec-audit_2025-09-29T12-33-29Z-218285443.json',
    'spec-plan_2025-09-29T16-23-09Z-1240129600.json',
    'spec-plan_2025-09-29T16-23-24Z-2625014190.json',
    'spec-validate_2025-09-29T16-25-38Z-2828521850.json',
    'spec-validate_2025-09-29T16-34-21Z-229132461.json',
  ])('%s is valid', async (name) => {
    const data = await fixture(name);
    const result = validateTelemetry(data);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.telemetry?.command).toBe(data.command);
    // Checked as a file too: the name (with "-" for ":") agrees with the content.
    const fromFile = await checkTelemetryFile(join(FIXTURES, name));
    expect(fromFile.problems).toEqual([]);
  });

  it.each(Object.keys(SYNTHETIC))('a %s file built from the doc table is valid', (stage) => {
    const result = validateTelemetry(SYNTHETIC[stage]);
    expect(result.problems).toEqual([]);
    expect(result.telemetry?.schemaVersion).toBe(1);
  });

  it('fills in schemaVersion 1 when it is absent', async () => {
    const data = await fixture(PLAN);
    delete data.schemaVersion;
    const result = validateTelemetry(data);
    expect(result.ok).toBe(true);
    expect(result.telemetry?.schemaVersion).toBe(1);
  });
});

describe('required fields', () => {
  const cases: [string, string, (string | number)[], string][] = [
    [PLAN, 'command', ['command'], 'command: missing, expected one of spec-ops-plan|'],
    [PLAN, 'specId', ['specId'], 'specId: missing, expected a string'],
    [PLAN, 'sessionId', ['sessionId'], 'sessionId: missing, expected "<ISO-8601 UTC time>-<digits>"'],
    [PLAN, 'timestamp', ['timestamp'], 'timestamp: missing, expected an ISO-8601 UTC time'],
    [PLAN, 'artifacts', ['artifacts'], 'artifacts: missing, expected an array'],
    [PLAN, 'baseline', ['baseline'], 'baseline: missing, expected an object'],
    [PLAN, 'baseline.mode', ['baseline', 'mode'], 'baseline.mode: missing, expected one of skip|no-run|quick|full'],
    [PLAN, 'baseline.artifact', ['baseline', 'artifact'], 'baseline.artifact: missing, expected an absolute path'],
    [PLAN, 'baseline.status', ['baseline', 'status'], 'baseline.status: missing, expected one of passed|skipped|failed'],
    [PLAN, 'hooks', ['hooks'], 'hooks: missing, expected an object'],
    [PLAN, 'hooks[session.start]', ['hooks', 'session.start'], 'hooks["session.start"]: missing, expected one of ok|failed|skipped'],
    [AUDIT, 'audit artifacts', ['artifacts'], 'artifacts: missing, expected an array'],
    [AUDIT, 'scenarios', ['scenarios'], 'scenarios: missing, expected an array'],
    [AUDIT, 'scenarios[0].name', ['scenarios', 0, 'name'], 'scenarios[0].name: missing, expected a string'],
    [AUDIT, 'scenarios[0].status', ['scenarios', 0, 'status'], 'scenarios[0].status: missing, expected one of passed|failed|skipped'],
    [VALIDATE_HAL, 'hal.summary.status', ['hal', 'summary', 'status'], 'hal.summary.status: missing, expected one of passed|failed|skipped'],
  ];
  it.each(cases)('%s without %s is refused', async (file, _label, path, problem) => {
    const data = await fixture(file);
    setAt(data, path, undefined);
    const result = validateTelemetry(data);
    expect(result.ok).toBe(false);
    expect(result.problems.some((p) => p.startsWith(problem))).toBe(true);
  });

  const synthetic: [string, string, string][] = [
    ['tasks', 'tool', 'tool: missing, expected an object'],
    ['implement', 'lock_status', 'lock_status: missing, expected one of locked|failed'],
    ['implement', 'hook_status', 'hook_status: missing, expected one of ok|failed'],
    ['unlock', 'unlock_status', 'unlock_status: missing, expected one of unlocked|failed'],
    ['tasks', 'artifacts', 'artifacts: missing, expected an array'],
  ];
  it.each(synthetic)('%s without %s is refused', (stage, field, problem) => {
    const data = clone(SYNTHETIC[stage] as Record<string, unknown>);
    delete data[field];
    const result = validateTelemetry(data);
    expect(result.problems).toContain(problem);
  });

  it('tasks without tool.status is refused', () => {
    const data = clone(SYNTHETIC.tasks as Record<string, unknown>);
    data.tool = {};
    expect(validateTelemetry(data).problems).toEqual(['tool.status: missing, expected one of ok|failed|skipped|ready']);
  });

  it('lets validate, and only validate, leave out artifacts', async () => {
    const data = await fixture(VALIDATE_HAL);
    delete data.artifacts;
    expect(validateTelemetry(data).problems).toEqual([]);
    data.command = 'spec-ops-audit';
    expect(validateTelemetry(data).problems).toEqual(['artifacts: missing, expected an array']);
  });

  it('wants at least one scenario', async () => {
    const data = await fixture(AUDIT);
    data.scenarios = [];
    expect(validateTelemetry(data).problems).toEqual(['scenarios: expected at least 1 item, got an empty array']);
  });

  it('refuses a top level that is not an object', () => {
    expect(validateTelemetry([]).problems).toEqual(['(top level): expected a JSON object, got an array []']);
    expect(validateTelemetry('x').ok).toBe(false);
    expect(validateTelemetry(null).problems[0]).toMatch(/got null$/);
  });
});

describe('wrong values', () => {
  const enums: [string, (string | number)[], string][] = [
    [PLAN, ['baseline', 'mode'], 'skip|no-run|quick|full'],
    [PLAN, ['baseline', 'status'], 'passed|skipped|failed'],
    [PLAN, ['hooks', 'session.start'], 'ok|failed|skipped'],
    [AUDIT, ['scenarios', 0, 'status'], 'passed|failed|skipped'],
    [AUDIT, ['hal', 'summary', 'status'], 'passed|failed|skipped'],
  ];
  it.each(enums)('%s %j = "bogus" is refused', async (file, path, allowed) => {
    const data = await fixture(file);
    setAt(data, path, 'bogus');
    const problems = validateTelemetry(data).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`: expected one of ${allowed.replace(/\|/g, '\\|')}, got "bogus"$`));
  });

  it('names the path, the allowed values and what it saw', async () => {
    const data = await fixture(AUDIT);
    setAt(data, ['scenarios', 0, 'status'], 'ok');
    expect(validateTelemetry(data).problems).toEqual(['scenarios[0].status: expected one of passed|failed|skipped, got "ok"']);
  });

  it.each([
    ['tasks', 'tool', { status: 'done' }, 'tool.status: expected one of ok|failed|skipped|ready, got "done"'],
    ['implement', 'lock_status', 'unlocked', 'lock_status: expected one of locked|failed, got "unlocked"'],
    ['implement', 'hook_status', 'skipped', 'hook_status: expected one of ok|failed, got "skipped"'],
    ['unlock', 'unlock_status', 'locked', 'unlock_status: expected one of unlocked|failed, got "locked"'],
  ])('%s.%s wrong is refused', (stage, field, value, problem) => {
    const data = clone(SYNTHETIC[stage] as Record<string, unknown>);
    data[field] = value;
    expect(validateTelemetry(data).problems).toEqual([problem]);
  });

  it('refuses an unknown command and still checks the envelope', () => {
    const problems = validateTelemetry({ ...ENVELOPE, command: 'spec-ops-deploy', sessionId: 42 }).problems;
    expect(problems[0]).toBe(
      'command: expected one of spec-ops-plan|spec-ops-tasks|spec-ops-implement|spec-ops-validate|spec-ops-audit|spec-ops-unlock, got "spec-ops-deploy"',
    );
    expect(problems).toContain('sessionId: expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461", got 42');
  });

  it.each([
    ['2025-09-29T16:34:21Z', 'no random digits'],
    ['2025-09-29T16:34:21+00:00-1234', 'an offset instead of Z'],
    ['2025-13-29T16:34:21Z-1234', 'month 13'],
    ['2025-09-29T16:34:21Z-12a4', 'letters in the digits'],
  ])('refuses session id %s (%s)', (sessionId) => {
    const problems = validateTelemetry({ ...SYNTHETIC.unlock, sessionId }).problems;
    expect(problems).toEqual([`sessionId: expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461", got ${JSON.stringify(sessionId)}`]);
  });

  it.each(['2025-09-29T16:34:21+02:00', '2025-09-29 16:34:21Z', '2025-02-30T10:00:00Z', '2025-09-29T24:00:00Z', 'yesterday'])(
    'refuses timestamp %s',
    (timestamp) => {
      const problems = validateTelemetry({ ...SYNTHETIC.unlock, timestamp }).problems;
      expect(problems).toEqual([`timestamp: expected an ISO-8601 UTC time like "2025-09-29T16:34:21Z", got ${JSON.stringify(timestamp)}`]);
    },
  );

  it('accepts fractional seconds in the timestamp', () => {
    expect(validateTelemetry({ ...SYNTHETIC.unlock, timestamp: '2025-09-29T16:34:21.123Z' }).ok).toBe(true);
  });

  it('refuses relative paths wherever a path is expected', async () => {
    const plan = await fixture(PLAN);
    setAt(plan, ['artifacts', 1, 'path'], 'docs/x.log');
    setAt(plan, ['baseline', 'artifact'], './baseline.md');
    expect(validateTelemetry(plan).problems).toEqual([
      'artifacts[1].path: expected an absolute path (starting with "/"), got "docs/x.log"',
      'baseline.artifact: expected an absolute path (starting with "/"), got "./baseline.md"',
    ]);
    const audit = await fixture(AUDIT);
    setAt(audit, ['hal', 'summary', 'artifacts', 0], 'capture.json');
    expect(validateTelemetry(audit).problems).toEqual(['hal.summary.artifacts[0]: expected an absolute path (starting with "/"), got "capture.json"']);
  });

  it('refuses an artifact that is not {path}', () => {
    const problems = validateTelemetry({ ...SYNTHETIC.unlock, artifacts: ['/a/b.log'] }).problems;
    expect(problems).toEqual(['artifacts[0]: expected an object, got "/a/b.log"']);
  });

  it('refuses other schema versions with a clear message', () => {
    const v2 = validateTelemetry({ ...SYNTHETIC.unlock, schemaVersion: 2 });
    expect(v2.ok).toBe(false);
    expect(v2.problems).toEqual([
      'schemaVersion: expected 1 (the only telemetry schema version this harness understands; update the harness to read newer telemetry), got 2',
    ]);
    expect(validateTelemetry({ ...SYNTHETIC.unlock, schemaVersion: '1' }).problems).toEqual(['schemaVersion: expected an integer, got "1"']);
    expect(validateTelemetry({ ...SYNTHETIC.unlock, schemaVersion: 1.5 }).problems).toEqual(['schemaVersion: expected an integer, got 1.5']);
  });

  it('refuses unknown and repeated failed_checks', async () => {
    const data = await fixture(AUDIT);
    setAt(data, ['hal', 'summary', 'failed_checks'], ['graphql_ping', 'graphql']);
    expect(validateTelemetry(data).problems).toEqual([
      'hal.summary.failed_checks[1]: expected one of health|list_movies|indexer_test|graphql_ping, got "graphql"',
    ]);
    setAt(data, ['hal', 'summary', 'failed_checks'], ['health', 'graphql_ping', 'health']);
    expect(validateTelemetry(data).problems).toEqual(['hal.summary.failed_checks[2]: expected each check name at most once (this one repeats), got "health"']);
  });

  it('allows extra fields the scripts add', async () => {
    const data = await fixture(PLAN);
    data.runner = { host: 'ci' };
    setAt(data, ['baseline', 'durationMs'], 12);
    setAt(data, ['artifacts', 0, 'sha256'], 'abc');
    const result = validateTelemetry(data);
    expect(result.ok).toBe(true);
    expect((result.telemetry as Record<string, unknown>).runner).toEqual({ host: 'ci' });
  });
});

describe('options', () => {
  it('demands hal.summary on validate/audit when SPEC_OPS_TELEMETRY_HAL=1', async () => {
    const data = await fixture(VALIDATE_HAL);
    expect(validateTelemetry(data, { telemetryHal: true }).ok).toBe(true);
    delete data.hal;
    expect(validateTelemetry(data, { telemetryHal: true }).problems).toEqual([
      'hal.summary: missing, expected the hal.summary block because the run set SPEC_OPS_TELEMETRY_HAL=1',
    ]);
    // Without the option either way is fine.
    expect(validateTelemetry(data).ok).toBe(true);
  });

  it('forbids hal.summary when the flag was off', async () => {
    const data = await fixture(AUDIT);
    const result = validateTelemetry(data, { telemetryHal: false });
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^hal\.summary: expected no hal\.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got an object/);
    delete data.hal;
    expect(validateTelemetry(data, { telemetryHal: false }).ok).toBe(true);
  });

  it('does not apply the hal flag to stages without a smoke', async () => {
    expect(validateTelemetry(await fixture(PLAN), { telemetryHal: true }).ok).toBe(true);
  });

  it('checks the command against the expected one, by command, stage or flow name', async () => {
    const data = await fixture(AUDIT);
    expect(validateTelemetry(data, { expectedCommand: 'spec-ops-audit' }).ok).toBe(true);
    expect(validateTelemetry(data, { expectedCommand: 'spec-audit' }).ok).toBe(true);
    expect(validateTelemetry(data, { expectedCommand: 'audit' }).ok).toBe(true);
    expect(validateTelemetry(data, { expectedCommand: 'validate' }).problems).toEqual(['command: expected "spec-ops-validate", got "spec-ops-audit"']);
    expect(validateTelemetry(data, { expectedCommand: 'deploy' }).problems[0]).toMatch(/^\(options\): expectedCommand "deploy"/);
  });

  it('checks stage fields by the expected command when the command is broken', () => {
    const data: Record<string, unknown> = { ...clone(SYNTHETIC.implement as Record<string, unknown>), command: 'implement' };
    delete data.lock_status;
    const problems = validateTelemetry(data, { expectedCommand: 'implement' }).problems;
    expect(problems).toContain('lock_status: missing, expected one of locked|failed');
    expect(problems.some((p) => p.startsWith('command: expected one of'))).toBe(true);
  });
});

describe('checkTelemetryFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telemetry-check-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the real name with colons', async () => {
    const path = join(dir, 'spec-audit_2025-09-29T12:33:29Z-218285443.json');
    await writeFile(path, await readFile(join(FIXTURES, AUDIT)));
    expect(await checkTelemetryFile(path)).toMatchObject({ ok: true, problems: [] });
  });

  it('flags a file whose name says another stage', async () => {
    const path = join(dir, 'spec-validate_2025-09-29T12:33:29Z-218285443.json');
    await writeFile(path, await readFile(join(FIXTURES, AUDIT)));
    expect((await checkTelemetryFile(path)).problems).toEqual(['command: expected "spec-ops-validate", got "spec-ops-audit"']);
  });

  it('flags a session id that differs from the name', async () => {
    const path = join(dir, 'spec-audit_2025-09-29T12:33:29Z-1.json');
    await writeFile(path, await readFile(join(FIXTURES, AUDIT)));
    expect((await checkTelemetryFile(path)).problems).toEqual([
      'sessionId: expected "2025-09-29T12:33:29Z-1" (the session id in the file name), got "2025-09-29T12:33:29Z-218285443"',
    ]);
  });

  it('passes read problems through', async () => {
    const result = await checkTelemetryFile(join(dir, 'missing.json'));
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatch(/^file not found/);
  });
});
