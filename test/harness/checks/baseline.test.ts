// baseline, holding, failing and not applying, on the exact input it judges: the message
// for people, and the detail for tools (reason code, expected and seen as values).
import { describe, expect, it } from 'vitest';
import { checkBaseline } from '../../../harness/checks/baseline.ts';
import { readTelemetry } from '../../../harness/checks/run-view.ts';
import { planRun, smokeRun, workspace } from '../../support/run-record.ts';

const view = readTelemetry;

describe('baseline', () => {
  it('holds: passing baseline exits 0; failing baseline fails and exits non-zero; allowed failure exits 0', () => {
    const passing = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkBaseline(passing, view(passing))).toMatchObject({
      ok: true,
      detail: {
        reason: 'as-expected',
        expected: { 'baseline.status': ['passed', 'skipped'], exit: 'zero' },
        seen: { 'baseline.status': 'passed', exitCode: 0 },
      },
    });
    const failing = planRun(workspace(), { baselineStatus: 'failed', exitCode: 1, forcedFail: true });
    expect(checkBaseline(failing, view(failing))).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: { 'baseline.status': ['failed'], exit: 'non-zero' } },
    });
    const allowed = planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true, allowFail: true });
    expect(checkBaseline(allowed, view(allowed))).toMatchObject({ ok: true, detail: { expected: { exit: 'zero' } } });
  });
  it('holds on a skipped baseline with exit 0, as the Spec Kit advances on it; not when it exits non-zero', () => {
    const skipped = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 0, forcedFail: false });
    expect(checkBaseline(skipped, view(skipped))).toMatchObject({
      ok: true,
      message: 'a passing baseline gave baseline.status skipped and exit 0',
      detail: { reason: 'skipped-accepted' },
    });
    const skippedButFailed = planRun(workspace(), { baselineStatus: 'skipped', exitCode: 1, forcedFail: false });
    expect(checkBaseline(skippedButFailed, view(skippedButFailed))).toMatchObject({ ok: false, detail: { reason: 'exit-mismatch', seen: { exitCode: 1 } } });
  });
  it('fails: status stamped from the mode (gap 1), or the exit status lost', () => {
    const stamped = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: true });
    expect(checkBaseline(stamped, view(stamped))).toMatchObject({
      message: expect.stringMatching(/should give baseline\.status failed and a non-zero exit, saw passed and exit 0/),
      detail: { reason: 'status-mismatch', seen: { 'baseline.status': 'passed', exitCode: 0 } },
    });
    const lostExit = planRun(workspace(), { baselineStatus: 'failed', exitCode: 0, forcedFail: true });
    expect(checkBaseline(lostExit, view(lostExit))).toMatchObject({ ok: false, detail: { reason: 'exit-mismatch' } });
  });
  it('does not apply outside plan', () => {
    const run = smokeRun(workspace());
    expect(checkBaseline(run, view(run))).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'not-plan', expected: { flows: ['plan'] }, seen: { flow: 'validate' } },
    });
  });
});
