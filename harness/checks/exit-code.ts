// exit-code: the exit status says what the scenario expects: 0 for a run expected to
// pass (and for plan's allowed baseline failure), non-zero for one expected to fail.
import type { RunRecord } from '../run/types.ts';
import { type CheckResultOf, result } from './result.ts';
import { expectedStatus } from './run-view.ts';

export type ExitCodeReason =
  | 'as-expected'
  /** The harness killed the guardrail at its timeout. */
  | 'timed-out'
  /** It ended on a signal, with no exit status. */
  | 'killed'
  | 'non-zero-exit'
  | 'zero-exit';

export type ExitWanted = 'zero' | 'non-zero';

export interface ExitCodeSeen {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
}

export function checkExitCode(run: RunRecord): CheckResultOf<ExitCodeReason> {
  const id = 'exit-code';
  const status = expectedStatus(run.flow, run.expect);
  const wantZero = run.flow === 'plan' && run.baseline?.forcedFail ? run.baseline.allowFail : status === 'passed';
  const expected: ExitWanted = wantZero ? 'zero' : 'non-zero';
  const seen: ExitCodeSeen = { exitCode: run.exitCode, signal: run.signal, timedOut: run.timedOut };
  const detail = (reason: ExitCodeReason) => ({ reason, expected, seen });
  if (run.timedOut) {
    return result(id, 'failed', `expected the guardrail to finish, but the harness killed it after its timeout (signal ${run.signal})`, detail('timed-out'));
  }
  const seenText = run.exitCode === null ? `no exit code (signal ${run.signal})` : `exit ${run.exitCode}`;
  if (run.exitCode === null) {
    return result(
      id,
      'failed',
      wantZero ? `expected exit 0, saw ${seenText}` : `expected a non-zero exit for a ${status} run, saw ${seenText}`,
      detail('killed'),
    );
  }
  if (wantZero) {
    return run.exitCode === 0
      ? result(id, 'passed', 'expected exit 0, saw exit 0', detail('as-expected'))
      : result(id, 'failed', `expected exit 0, saw ${seenText}`, detail('non-zero-exit'));
  }
  return run.exitCode !== 0
    ? result(id, 'passed', `expected a non-zero exit, saw ${seenText}`, detail('as-expected'))
    : result(id, 'failed', `expected a non-zero exit for a ${status} run, saw ${seenText}`, detail('zero-exit'));
}
