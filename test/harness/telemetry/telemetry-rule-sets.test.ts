// The strict schema's structured issues and the rules telemetry-schema.ts keeps apart
// (the SPEC_OPS_TELEMETRY_HAL rule, the file-name rules), and unknown extra objects,
// which neither rule set ever refuses.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLOWS } from '../../../harness/run/types.ts';
import { specKitSchemaIssues } from '../../../harness/telemetry/spec-kit-reader.ts';
import * as files from '../../../harness/telemetry/telemetry-files.ts';
import * as names from '../../../harness/telemetry/telemetry-names.ts';
import {
  checkParsedTelemetry,
  checkTelemetryFileSync,
  fileNameIssues,
  halFlagIssue,
  issueLine,
  MAX_TELEMETRY_BYTES,
  readTelemetryFile,
  stageOfFile,
  validateTelemetry,
} from '../../../harness/telemetry/telemetry-schema.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';

async function fixture(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
}

const ENVELOPE = {
  specId: 'SPEC-KIT-018',
  sessionId: '2025-09-29T16:34:21Z-229132461',
  timestamp: '2025-09-29T16:34:25Z',
  artifacts: [{ path: '/repo/docs/evidence/spec.log' }],
};
const SYNTHETIC: Record<string, Record<string, unknown>> = {
  tasks: { ...ENVELOPE, command: 'spec-ops-tasks', tool: { status: 'ready' } },
  implement: { ...ENVELOPE, command: 'spec-ops-implement', lock_status: 'locked', hook_status: 'ok' },
  unlock: { ...ENVELOPE, command: 'spec-ops-unlock', unlock_status: 'unlocked' },
};

describe('structured issues', () => {
  it('gives each problem as path and message too, and the line is their join', async () => {
    const data = await fixture(AUDIT);
    setAt(data, ['scenarios', 0, 'status'], 'ok');
    data.sessionId = 'x';
    const result = validateTelemetry(data);
    expect(result.issues).toEqual([
      { path: 'sessionId', message: 'expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461", got "x"' },
      { path: 'scenarios[0].status', message: 'expected one of passed|failed|skipped, got "ok"' },
    ]);
    expect(result.problems).toEqual(result.issues.map(issueLine));
  });

  it('halFlagIssue: the SPEC_OPS_TELEMETRY_HAL rule on its own, for validate and audit only', async () => {
    const data = await fixture(AUDIT);
    expect(halFlagIssue(data, 'audit', true)).toBeNull();
    expect(halFlagIssue(data, 'spec-ops-audit', false)?.path).toBe('hal.summary');
    expect(halFlagIssue({}, 'validate', true)).toEqual({
      path: 'hal.summary',
      message: 'missing, expected the hal.summary block because the run set SPEC_OPS_TELEMETRY_HAL=1',
    });
    expect(halFlagIssue({}, 'plan', true)).toBeNull();
    expect(halFlagIssue([], 'validate', true)).toBeNull();
  });

  it('fileNameIssues and checkParsedTelemetry: the name agrees with the content', async () => {
    const data = await fixture(AUDIT);
    expect(fileNameIssues('/x/spec-audit_2025-09-29T12:33:29Z-218285443.json', data)).toEqual([]);
    expect(fileNameIssues('/x/spec-audit_2025-09-29T12:33:29Z-1.json', data, 'validate').map((issue) => issue.path)).toEqual(['(file name)', 'sessionId']);
    expect(fileNameIssues('/x/telemetry.json', data, 'validate')).toEqual([]);
    expect(checkParsedTelemetry('/x/spec-validate_2025-09-29T12:33:29Z-218285443.json', data).problems).toEqual([
      'command: expected "spec-ops-validate", got "spec-ops-audit"',
    ]);
  });

  it('read problems come back as problems, the sync reader too', async () => {
    const missing = join(FIXTURES, 'nope.json');
    expect(checkTelemetryFileSync(missing)).toEqual({ ok: false, problems: [expect.stringMatching(/^file not found/)], issues: [] });
    expect(checkTelemetryFileSync(join(FIXTURES, AUDIT)).ok).toBe(true);
  });

  it('re-exports the reading and naming helpers it was split into', () => {
    expect(readTelemetryFile).toBe(files.readTelemetryFile);
    expect(MAX_TELEMETRY_BYTES).toBe(files.MAX_TELEMETRY_BYTES);
    expect(stageOfFile).toBe(names.stageOfFile);
    expect(names.flowOf('spec-audit')).toBe('audit');
    expect(names.flowOf('spec-ops-plan')).toBe('plan');
    expect(names.flowOf('deploy')).toBeNull();
  });
});

describe('unknown extra objects never fail, in either rule set', () => {
  it.each(FLOWS)('%s with a policy block and extra fields', (flow) => {
    const base: Record<string, Record<string, unknown>> = {
      ...SYNTHETIC,
      plan: {
        ...ENVELOPE,
        command: 'spec-ops-plan',
        baseline: { mode: 'quick', artifact: '/a.md', status: 'passed', extra: 1 },
        hooks: { 'session.start': 'ok', other: 'x' },
      },
      validate: {
        ...ENVELOPE,
        command: 'spec-ops-validate',
        scenarios: [{ name: 'n', status: 'passed', extra: true }],
        hal: { summary: { status: 'passed', extra: [] }, mode: 'mock' },
      },
      audit: { ...ENVELOPE, command: 'spec-ops-audit', scenarios: [{ name: 'n', status: 'passed' }], errors: [{ any: 'shape' }] },
    };
    const data = { ...base[flow], policy: { mode: 'enforce', rules: [{ id: 1 }] }, extra: 'field' };
    expect(validateTelemetry(data, { expectedCommand: flow }).problems).toEqual([]);
    expect(specKitSchemaIssues(data, flow)).toEqual([]);
  });
});
