// The Spec Kit's reader (guardrail-interfaces.md §3, "How the Spec Kit consumes
// telemetry"): each stage's outcome rule both ways, and how schema and evidence errors halt.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flow } from '../../../harness/run/types.ts';
import { readAsSpecKit } from '../../../harness/telemetry/spec-kit-reader.ts';
import { edit, makeRepo, minimal } from './spec-kit-reader-fixtures.ts';

let repo: string;
beforeAll(() => {
  repo = makeRepo();
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const read = (data: unknown, flow: Flow) => readAsSpecKit(data, flow, { repoRoot: repo });

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
