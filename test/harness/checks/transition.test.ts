// transition, the check across runs: holding, failing and not applying (a single run,
// a shard), with the message for people and the detail for tools.
import { describe, expect, it } from 'vitest';
import { checkTransition, notApplicableTransition } from '../../../harness/checks/transition.ts';

describe('transition', () => {
  it('holds for passed→failed and for a window passed→failed→passed', () => {
    const pair = checkTransition([
      { flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' },
      { flow: 'validate', label: 'degraded', observed: 'failed', expected: 'failed' },
    ]);
    expect(pair).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: { runs: ['healthy', 'degraded'], statuses: ['passed', 'failed'] }, seen: { statuses: ['passed', 'failed'] } },
    });
    expect(
      checkTransition(
        ['passed', 'failed', 'passed'].map((status, index) => ({
          flow: 'validate',
          label: `p${index}`,
          observed: status,
          expected: status as 'passed' | 'failed',
        })),
      ).ok,
    ).toBe(true);
  });
  it('fails when the degraded run still says passed, or gave no status', () => {
    const stuck = checkTransition([
      { flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' },
      { flow: 'validate', label: 'degraded', observed: 'passed', expected: 'failed' },
    ]);
    expect(stuck.message).toBe('healthy, degraded: expected passed→failed, saw passed→passed');
    expect(stuck.detail).toEqual({
      reason: 'unexpected-sequence',
      expected: { runs: ['healthy', 'degraded'], statuses: ['passed', 'failed'] },
      seen: { runs: ['healthy', 'degraded'], statuses: ['passed', 'passed'] },
    });
    const silent = checkTransition([
      { flow: 'audit', label: 'healthy', observed: null, expected: 'passed' },
      { flow: 'audit', label: 'degraded', observed: 'failed', expected: 'failed' },
    ]);
    expect(silent).toMatchObject({ ok: false, detail: { reason: 'unexpected-sequence', seen: { statuses: [null, 'failed'] } } });
  });
  it('does not apply to a single run, nor to a shard', () => {
    expect(checkTransition([{ flow: 'validate', label: 'healthy', observed: 'passed', expected: 'passed' }])).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'single-run' },
    });
    expect(notApplicableTransition('a shard')).toMatchObject({
      status: 'not-applicable',
      ok: null,
      message: 'a shard',
      detail: { reason: 'partial-shard', expected: null, seen: null },
    });
  });
});
