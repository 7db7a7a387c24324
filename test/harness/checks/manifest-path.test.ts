// manifest-path on records: its reason codes, the cargo calls it reports in `seen`, and the
// readers gaps and knobs use instead of its message.
import { describe, expect, it } from 'vitest';
import { checkExitCode } from '../../../harness/checks/index.ts';
import { checkManifestPath, describeWrongCalls, manifestCallsOf, manifestOf } from '../../../harness/checks/manifest-path.ts';
import { cargoCall, planRun, smokeRun, workspace } from '../../support/run-record.ts';

describe('manifest-path', () => {
  it('holds when every cargo call passes the configured manifest', () => {
    const ws = workspace();
    const result = checkManifestPath(smokeRun(ws), 'hermetic');
    expect(result).toMatchObject({
      ok: true,
      detail: { reason: 'configured', expected: { manifest: 'codex-rs/Cargo.toml', resolved: `${ws.repoDir}/codex-rs/Cargo.toml` } },
    });
    expect(manifestCallsOf(result)).toEqual(
      Array(4).fill({ command: 'run --manifest-path codex-rs/Cargo.toml', manifest: 'codex-rs/Cargo.toml', matches: true }),
    );
  });
  it('fails: a cargo call without --manifest-path (gap 4) or with another manifest, or none for the smoke', () => {
    const ws = workspace();
    const bare = checkManifestPath(smokeRun(ws, { record: { shimCalls: [cargoCall(ws), cargoCall(ws, [])] } }), 'hermetic');
    expect(bare).toMatchObject({ message: expect.stringMatching(/^cargo run --quiet -p … ran without --manifest-path$/), detail: { reason: 'missing-flag' } });
    expect(manifestCallsOf(bare).map((call) => [call.manifest, call.matches])).toEqual([
      ['codex-rs/Cargo.toml', true],
      [null, false],
    ]);
    const other = checkManifestPath(smokeRun(ws, { record: { shimCalls: [cargoCall(ws, ['--manifest-path', 'Cargo.toml'])] } }), 'hermetic');
    expect(other).toMatchObject({
      message: expect.stringMatching(/--manifest-path Cargo\.toml, expected codex-rs\/Cargo\.toml/),
      detail: { reason: 'other-manifest' },
    });
    expect(manifestCallsOf(other)).toEqual([{ command: 'run --manifest-path Cargo.toml', manifest: 'Cargo.toml', matches: false }]);
    const none = checkManifestPath(smokeRun(ws, { record: { shimCalls: [] } }), 'hermetic');
    expect(none).toMatchObject({ ok: false, detail: { reason: 'smoke-without-cargo', seen: { transport: 'hermetic', calls: [] } } });
  });
  it('names the first wrong call in its reason, and each wording once in its message', () => {
    const ws = workspace();
    const mixed = checkManifestPath(
      smokeRun(ws, { record: { shimCalls: [cargoCall(ws, ['--manifest-path=Cargo.toml']), cargoCall(ws, []), cargoCall(ws, [])] } }),
      'hermetic',
    );
    expect(mixed.detail.reason).toBe('other-manifest');
    expect(mixed.message).toBe('cargo ran with --manifest-path Cargo.toml, expected codex-rs/Cargo.toml; cargo run --quiet -p … ran without --manifest-path');
  });
  it('does not apply to the native transport, or to a flow that ran no cargo', () => {
    expect(checkManifestPath(smokeRun(workspace()), 'native')).toMatchObject({
      status: 'not-applicable',
      detail: { reason: 'native-transport', seen: { transport: 'native', calls: [] } },
    });
    const plan = planRun(workspace(), { baselineStatus: 'passed', exitCode: 0, forcedFail: false });
    expect(checkManifestPath(plan, 'hermetic')).toMatchObject({ status: 'not-applicable', detail: { reason: 'no-cargo-calls' } });
  });
  it('does not apply when the scripts report the smoke skipped and call nothing (hal-reached judges that)', () => {
    const skipped = smokeRun(workspace(), {
      record: { shimCalls: [] },
      telemetry: (t) => {
        t.scenarios[0].status = 'skipped';
        t.hal.summary.status = 'skipped';
      },
    });
    expect(checkManifestPath(skipped, 'hermetic')).toMatchObject({
      status: 'not-applicable',
      message: expect.stringMatching(/reported its HAL smoke skipped/),
      detail: { reason: 'smoke-skipped' },
    });
  });
});

describe('the readers of its detail', () => {
  it('read nothing from another check or from a seen of another shape', () => {
    const exit = checkExitCode(smokeRun(workspace()));
    expect(manifestCallsOf(exit)).toEqual([]);
    expect(manifestCallsOf(undefined)).toEqual([]);
    const odd = { ...checkManifestPath(smokeRun(workspace()), 'hermetic') };
    odd.detail = { ...odd.detail, seen: 'cargo ran without --manifest-path' };
    expect(manifestCallsOf(odd)).toEqual([]);
  });
  it('word only the wrong calls', () => {
    expect(describeWrongCalls([{ command: 'run', manifest: 'a/Cargo.toml', matches: true }], 'a/Cargo.toml')).toBe('');
    expect(describeWrongCalls([{ command: 'run -p x', manifest: null, matches: false }], 'a/Cargo.toml')).toBe('cargo run -p x … ran without --manifest-path');
  });
  it('manifestOf stops at --', () => {
    expect(manifestOf(['run', '--', '--manifest-path', 'x'])).toBeNull();
    expect(manifestOf(['run', '--manifest-path'])).toBe('');
  });
});
