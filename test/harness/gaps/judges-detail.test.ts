// The gap judges decide from the checks' detail (reason codes and seen values), never from
// their messages: each verdict is shown on runs built in memory, then again with every
// check message replaced by misleading text, and must not change.
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { needsRootManifest } from '../../../harness/gaps/detect.ts';
import { judgeArtifactOnFailure, judgeGraphqlEscaping, judgeManifestPath } from '../../../harness/gaps/judges-smoke.ts';
import type { GapProbeRun, Probes } from '../../../harness/gaps/model.ts';
import { cargoCall, journalEntry, smokeRun, workspace } from '../../support/run-record.ts';
import { probeRunOf, reworded } from './probe-run.ts';

const probes = (on: GapProbeRun[]): Probes => ({ on, off: [], baselineFault: [], faultEvents: [], rootManifest: [], flows: ['validate'] });
/** The run as judged, with misleading messages (no false alarm from words) and with neutral ones (no verdict lost without them). */
const both = (run: GapProbeRun) => [run, reworded(run), reworded(run, 'nothing to match here')];

describe('artifact-on-failure reads the artifacts problems', () => {
  it('present for a listed capture that does not exist, its evidence worded from the problem', () => {
    const ws = workspace();
    const record = smokeRun(ws, { failed: ['health'] });
    rmSync(`${ws.evidenceDir}/20261124-100000Z-hal-list_movies.json`);
    for (const run of both(probeRunOf(record, 'hal-on'))) {
      const verdict = judgeArtifactOnFailure(probes([run]));
      expect(verdict.state).toBe('present');
      expect(verdict.evidence.map((item) => [item.check, item.message])).toEqual([
        ['artifacts', `${ws.evidenceDir}/20261124-100000Z-hal-list_movies.json is listed but does not exist`],
      ]);
    }
  });
  it('closed when the only problem is a capture of a call the mock failed (status-by-body, not this gap)', () => {
    const record = smokeRun(workspace(), {
      record: {
        journal: [journalEntry('health', 503), journalEntry('list_movies', 200), journalEntry('indexer_test', 200), journalEntry('graphql_ping', 200)],
      },
    });
    const run = probeRunOf(record, 'hal-on');
    expect(run.report.checks.find((check) => check.id === 'artifacts')?.detail.reason).toBe('failed-call-listed');
    for (const item of both(run)) expect(judgeArtifactOnFailure(probes([item])).state).toBe('closed');
  });
});

describe('manifest-path reads the reason code', () => {
  it('present for a cargo call without --manifest-path or with another one', () => {
    const ws = workspace();
    for (const args of [[], ['--manifest-path', 'Cargo.toml']]) {
      for (const run of both(probeRunOf(smokeRun(ws, { record: { shimCalls: [cargoCall(ws, args)] } }), 'hal-on'))) {
        expect(judgeManifestPath(probes([run])).state).toBe('present');
      }
    }
  });
  it('not present for a smoke that ran no cargo at all (hal-reached judges that), closed for a correct one', () => {
    const ws = workspace();
    const none = probeRunOf(smokeRun(ws, { record: { shimCalls: [] } }), 'hal-on');
    expect(none.report.checks.find((check) => check.id === 'manifest-path')?.status).toBe('failed');
    for (const run of both(none)) expect(judgeManifestPath(probes([run])).state).toBe('not-testable');
    for (const run of both(probeRunOf(smokeRun(ws), 'hal-on'))) expect(judgeManifestPath(probes([run])).state).toBe('closed');
  });
});

describe('graphql-escaping reads the reason code', () => {
  it('present when graphql_ping arrived unescaped; closed when it arrived right', () => {
    const base = smokeRun(workspace());
    const pasted = {
      ...base,
      journal: [
        journalEntry('graphql_ping', 400, {
          body: '{"query":"{"query":"x"}"}',
          bodyIsJson: false,
          graphql: { parseable: false, operation: null, query: null },
        }),
      ],
    };
    for (const run of both(probeRunOf(pasted, 'hal-on'))) expect(judgeGraphqlEscaping(probes([run])).state).toBe('present');
    for (const run of both(probeRunOf(base, 'hal-on'))) expect(judgeGraphqlEscaping(probes([run])).state).toBe('closed');
  });
  it('not present when graphql_ping never arrived and the shim log shows no args', () => {
    const base = smokeRun(workspace());
    const lost = { ...base, journal: base.journal.filter((entry) => entry.check !== 'graphql_ping') };
    for (const run of both(probeRunOf(lost, 'hal-on'))) expect(judgeGraphqlEscaping(probes([run])).state).toBe('not-testable');
  });
});

describe('the root-manifest probe is asked for by the cargo calls manifest-path saw', () => {
  const errorBodies = (args: string[]) => {
    const ws = workspace();
    return probeRunOf(smokeRun(ws, { record: { scenario: 'error-bodies', journal: [], shimCalls: [cargoCall(ws, args)] } }), 'hal-on');
  };
  it('when a call had no --manifest-path and nothing reached the mock', () => {
    expect(needsRootManifest([errorBodies([])])).toBe(true);
    expect(needsRootManifest([reworded(errorBodies([]), 'cargo ran fine')])).toBe(true);
  });
  it('not for a call naming another manifest, whatever its message says', () => {
    expect(needsRootManifest([reworded(errorBodies(['--manifest-path', 'Cargo.toml']))])).toBe(false);
  });
  it('not when the calls reached the mock, or under another scenario', () => {
    const ws = workspace();
    expect(needsRootManifest([probeRunOf(smokeRun(ws, { record: { scenario: 'error-bodies', shimCalls: [cargoCall(ws, [])] } }), 'hal-on')])).toBe(false);
    expect(needsRootManifest([probeRunOf(smokeRun(ws, { record: { journal: [], shimCalls: [cargoCall(ws, [])] } }), 'hal-on')])).toBe(false);
  });
});
