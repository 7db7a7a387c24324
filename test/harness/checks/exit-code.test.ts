// exit-code, holding and failing, on the exact input it judges: the message for people,
// and the detail for tools (reason code, expected and seen as values).
import { describe, expect, it } from 'vitest';
import { checkExitCode } from '../../../harness/checks/exit-code.ts';
import { planRun, smokeRun, workspace } from '../../support/run-record.ts';

describe('exit-code', () => {
  it('holds: 0 for passed, non-zero for failed', () => {
    expect(checkExitCode(smokeRun(workspace()))).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: 'zero', seen: { exitCode: 0, signal: null, timedOut: false } },
    });
    expect(checkExitCode(smokeRun(workspace(), { failed: ['health'] }))).toMatchObject({
      ok: true,
      detail: { reason: 'as-expected', expected: 'non-zero', seen: { exitCode: 1 } },
    });
  });
  it('fails: exit 0 under a degraded scenario (gap 2), non-zero when healthy, killed, killed by timeout', () => {
    const green = checkExitCode(smokeRun(workspace(), { failed: ['health'], record: { exitCode: 0 } }));
    expect(green).toMatchObject({ ok: false, message: expect.stringMatching(/expected a non-zero exit for a failed run, saw exit 0/) });
    expect(green.detail).toEqual({ reason: 'zero-exit', expected: 'non-zero', seen: { exitCode: 0, signal: null, timedOut: false } });
    const three = checkExitCode(smokeRun(workspace(), { record: { exitCode: 3 } }));
    expect(three).toMatchObject({
      message: expect.stringMatching(/expected exit 0, saw exit 3/),
      detail: { reason: 'non-zero-exit', expected: 'zero', seen: { exitCode: 3 } },
    });
    const killed = checkExitCode(smokeRun(workspace(), { record: { exitCode: null, signal: 'SIGKILL' } }));
    expect(killed).toMatchObject({ ok: false, detail: { reason: 'killed', seen: { exitCode: null, signal: 'SIGKILL', timedOut: false } } });
    const timedOut = checkExitCode(smokeRun(workspace(), { record: { timedOut: true, exitCode: null, signal: 'SIGTERM' } }));
    expect(timedOut).toMatchObject({
      message: expect.stringMatching(/killed it after its timeout/),
      detail: { reason: 'timed-out', seen: { timedOut: true, signal: 'SIGTERM' } },
    });
  });
  it('wants exit 0 for plan allowed to fail its baseline', () => {
    const allowed = planRun(workspace(), { baselineStatus: 'failed', exitCode: 1, forcedFail: true, allowFail: true });
    expect(checkExitCode(allowed)).toMatchObject({ ok: false, detail: { reason: 'non-zero-exit', expected: 'zero' } });
  });
});
