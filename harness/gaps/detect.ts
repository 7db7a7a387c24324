// Running the gap probes: the harness calls behind the verdicts (see model.ts), in parallel.
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { manifestCallsOf } from '../checks/manifest-path.ts';
import { newPairId } from '../evidence/evidence.ts';
import { rebasedWorkspaceManifest } from '../fakes/shims/cargo-workspace.ts';
import { snapshotRepository } from '../run/repo-copy.ts';
import { DEFAULT_MANIFEST, DEFAULT_SPEC_ID, type HarnessOptions, HarnessSetupError, REFERENCE_GUARDRAILS_DIR, runHarness, SCRIPTS_DIR } from '../run/runner.ts';
import { removeScratch, scratchDir } from '../run/scratch.ts';
import { type Flow, type HarnessReport, STAGE_OF_FLOW } from '../run/types.ts';
import { type FaultProbeResult, runWithFault } from './fault-probe.ts';
import { judgeBaselineExit } from './judge-baseline.ts';
import { judgeHalSummaryFlag, judgeSecretLeak, judgeStatusByBody } from './judges-body.ts';
import { judgeArtifactOnFailure, judgeFailurePropagation, judgeGraphqlEscaping, judgeManifestPath } from './judges-smoke.ts';
import {
  BASELINE_FAULT_SCENARIO,
  ERROR_BODIES,
  ERROR_BODIES_SCENARIO,
  type GapProbeRun,
  type GapsOptions,
  type GapsResult,
  HEALTHY,
  OFFLINE,
  PROBE_FLOWS,
  type Probes,
  SMOKE,
  smokeRuns,
} from './model.ts';
import { checkOf, loadRun } from './probe-runs.ts';

/** Probe flows whose script the repository has. */
export function availableFlows(repo: string): Flow[] {
  return PROBE_FLOWS.filter((flow) => existsSync(join(repo, SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)));
}

/** The repository to probe, checked: a folder with at least one of the probe flows' scripts. */
export function probeTarget(repoOption: string | undefined, flowsWanted: readonly Flow[] = PROBE_FLOWS): { repo: string; flows: Flow[] } {
  const repo = resolve(repoOption ?? REFERENCE_GUARDRAILS_DIR);
  if (!existsSync(repo) || !statSync(repo).isDirectory()) {
    throw new HarnessSetupError(`--repo ${repo} is not a folder; point it at the root of a guardrail repository`);
  }
  const flows = flowsWanted.filter((flow) => existsSync(join(repo, SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)));
  if (flows.length === 0) {
    throw new HarnessSetupError(
      `${repo} has none of ${flowsWanted.map((flow) => join(SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)).join(', ')}; is --repo the root of a guardrail repository?`,
    );
  }
  return { repo, flows };
}

export async function detectGaps(options: GapsOptions = {}): Promise<GapsResult> {
  const { repo, flows } = probeTarget(options.repo);
  const base = options.pairId ?? newPairId();
  const common = {
    repo,
    specId: options.specId ?? DEFAULT_SPEC_ID,
    out: options.out ?? 'evidence-bundles',
    transport: 'hermetic' as const,
    ...(options.env !== undefined && options.env.length > 0 ? { env: [...options.env] } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
  };
  const offFlow = SMOKE.find((flow) => flows.includes(flow));
  const [on, off, fault] = await Promise.all([
    runHarness({ ...common, flows, scenarios: [HEALTHY, OFFLINE, ERROR_BODIES_SCENARIO], telemetryHal: true, pairId: `${base}-gaps` }),
    offFlow ? runHarness({ ...common, flows: [offFlow], scenarios: [HEALTHY], telemetryHal: false, pairId: `${base}-gaps-hal-off` }) : null,
    flows.includes('plan')
      ? runWithFault(
          { name: 'baseline-exit-after-pass' },
          { ...common, flows: ['plan'], scenarios: [BASELINE_FAULT_SCENARIO], telemetryHal: true, pairId: `${base}-gaps-baseline-fault` },
        )
      : (null as FaultProbeResult | null),
  ]);
  const reports: GapsResult['probes'] = [
    { name: 'hal-on', report: on },
    ...(off ? [{ name: 'hal-off' as const, report: off }] : []),
    ...(fault ? [{ name: 'baseline-fault' as const, report: fault.report }] : []),
  ];
  const probes: Probes = {
    on: on.runs.map((run) => loadRun(run, 'hal-on')),
    off: off ? off.runs.map((run) => loadRun(run, 'hal-off')) : [],
    baselineFault: fault ? fault.report.runs.map((run) => loadRun(run, 'baseline-fault')) : [],
    faultEvents: fault?.events ?? [],
    rootManifest: [],
    flows,
  };
  const smokeFlows = SMOKE.filter((flow) => flows.includes(flow));
  if (needsRootManifest(probes.on)) {
    const rootManifest = await runWithRootManifest(repo, { ...common, flows: smokeFlows, pairId: `${base}-gaps-root-manifest` });
    reports.push({ name: 'root-manifest', report: rootManifest });
    probes.rootManifest = rootManifest.runs.map((run) => loadRun(run, 'root-manifest'));
  }
  const gaps = [
    judgeBaselineExit(probes),
    judgeFailurePropagation(probes),
    judgeArtifactOnFailure(probes),
    judgeManifestPath(probes),
    judgeGraphqlEscaping(probes),
    judgeStatusByBody(probes),
    judgeHalSummaryFlag(probes),
    judgeSecretLeak(probes),
  ];
  return { ok: gaps.every((gap) => gap.state !== 'present'), gaps, probes: reports };
}

/**
 * Whether the error-bodies runs reached no API because cargo ran without --manifest-path,
 * as the manifest-path check's `seen` shows: only such a call looks for a Cargo.toml from
 * the root (one naming another manifest would not), so only then does a root one help.
 */
export function needsRootManifest(runs: readonly GapProbeRun[]): boolean {
  return smokeRuns(runs).some(
    (run) => run.scenario === ERROR_BODIES && run.journal.length === 0 && manifestCallsOf(checkOf(run, 'manifest-path')).some((call) => call.manifest === null),
  );
}

/**
 * cargo without --manifest-path looks for a Cargo.toml from the repository root upwards. On a
 * copy that has one there (the configured workspace, rebased to the root), the HAL calls reach the API again.
 */
async function runWithRootManifest(repo: string, options: HarnessOptions): Promise<HarnessReport> {
  // In the scratch registry, so a gaps run stopped by a signal removes it too.
  const scratch = await scratchDir('guardrail-gaps-');
  try {
    const copy = join(scratch, 'repo');
    await snapshotRepository(repo, copy);
    const manifest = join(copy, options.manifest ?? DEFAULT_MANIFEST);
    // The configured workspace with its members listed from the root (a plain copy would name them wrongly).
    const rootManifest = existsSync(manifest)
      ? (rebasedWorkspaceManifest(manifest, copy) ?? (await readFile(manifest)))
      : '[workspace]\nresolver = "2"\nmembers = []\n';
    await writeFile(join(copy, 'Cargo.toml'), rootManifest);
    return await runHarness({ ...options, repo: copy, scenarios: [OFFLINE, ERROR_BODIES_SCENARIO], telemetryHal: true });
  } finally {
    await removeScratch(scratch);
  }
}
