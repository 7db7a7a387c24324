// The knob judges word what a check saw from its detail, not from its message: the
// manifest-default row, built in memory, keeps its reason when the messages change.
import { describe, expect, it } from 'vitest';
import { judgeManifestDefault } from '../../../harness/knobs/judges.ts';
import { type KnobContext, type KnobProbeRun, probeSpec } from '../../../harness/knobs/model.ts';
import type { FaultEvent } from '../../../harness/run/fault-injection.ts';
import { cargoCall, smokeRun, type Workspace, workspace } from '../../support/run-record.ts';
import { probeRunOf, reworded } from '../gaps/probe-run.ts';

/** The manifest-unset probe with one run whose cargo calls pass `args`, and a fault log saying the variable was unset. */
function context(ws: Workspace, args: string[][], edit: (run: KnobProbeRun) => KnobProbeRun = (run) => run): KnobContext {
  const run = edit(probeRunOf(smokeRun(ws, { record: { shimCalls: args.map((given) => cargoCall(ws, given)) } }), 'manifest-unset'));
  const started: FaultEvent = {
    fault: 'unset-env',
    event: 'start',
    script: `${ws.repoDir}/scripts/spec_ops_004/commands/spec_ops_validate.sh`,
    argv: [],
    cwd: ws.repoDir,
    pid: 1,
    manifestEnv: null,
    detail: '',
  };
  const report = { ok: true, specId: 'SPEC-KIT-018', pairId: 'p', bundleDir: '/b', notes: [], runs: [run.report] };
  return {
    flows: ['validate'],
    planManifest: '',
    probes: { 'manifest-unset': { name: 'manifest-unset', spec: probeSpec('manifest-unset', ''), report, runs: [run], events: [started] } },
  };
}

describe('manifest-default', () => {
  it('holds when every cargo call passed the default manifest', () => {
    expect(judgeManifestDefault(context(workspace(), [['--manifest-path', 'codex-rs/Cargo.toml']]))).toMatchObject({ state: 'holds' });
  });
  it('is broken by another manifest or none, said from the calls the check saw, whatever its message', () => {
    const ws = workspace();
    for (const edit of [(run: KnobProbeRun) => run, (run: KnobProbeRun) => reworded(run, 'all is well')]) {
      const row = judgeManifestDefault(context(ws, [['--manifest-path', 'Cargo.toml'], []], edit));
      expect(row.state).toBe('broken');
      expect(row.reason).toBe(
        'with SPEC_OPS_CARGO_MANIFEST unset, cargo did not run with --manifest-path codex-rs/Cargo.toml: ' +
          'cargo ran with --manifest-path Cargo.toml, expected codex-rs/Cargo.toml; cargo run --quiet -p … ran without --manifest-path',
      );
    }
  });
});
