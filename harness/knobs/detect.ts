// Running the knob probes: only those the asked-for rows need, each its own small
// harness call, several at a time; faults go in through BASH_ENV (harness/fault-injection.ts).

import { existsSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { newPairId } from '../evidence/evidence.ts';
import { probeTarget } from '../gaps/detect.ts';
import { runWithFault } from '../gaps/fault-probe.ts';
import { loadRun } from '../gaps/probe-runs.ts';
import { DEFAULT_MANIFEST, DEFAULT_SPEC_ID, type HarnessOptions, runHarness } from '../run/runner.ts';
import { pool, removeScratch, scratchDir } from '../run/scratch.ts';
import type { Flow } from '../run/types.ts';
import { judgeAllowDirty, judgeBaselineAllowFail, judgeEmptyBaseline, judgeHalSkip, judgeManifestDefault, judgePlanManifestPath } from './judges.ts';
import {
  KNOB_IDS,
  KNOB_PROBE_NAMES,
  type KnobContext,
  type KnobId,
  type KnobProbeName,
  type KnobProbeResult,
  type KnobProbeSpec,
  type KnobRow,
  type KnobsOptions,
  type KnobsResult,
  PROBES_OF_KNOB,
  probeSpec,
} from './model.ts';

const JUDGES: Record<KnobId, (ctx: KnobContext) => KnobRow> = {
  'hal-skip': judgeHalSkip,
  'allow-dirty': judgeAllowDirty,
  'baseline-allow-fail': judgeBaselineAllowFail,
  'manifest-default': judgeManifestDefault,
  'plan-manifest-path': judgePlanManifestPath,
  'empty-baseline': judgeEmptyBaseline,
};

const SMOKE: readonly Flow[] = ['validate', 'audit'];

/** The flows a probe runs in this repository (none: the probe cannot run). */
function flowsOf(spec: KnobProbeSpec, flows: readonly Flow[]): Flow[] {
  if (spec.flows === 'plan') return flows.includes('plan') ? ['plan'] : [];
  const smoke = SMOKE.filter((flow) => flows.includes(flow));
  return spec.flows === 'smoke' ? smoke : smoke.slice(0, 1);
}

async function runProbe(spec: KnobProbeSpec, flows: Flow[], common: HarnessOptions, pairId: string): Promise<KnobProbeResult> {
  const options: HarnessOptions = {
    ...common,
    flows,
    scenarios: [spec.scenario],
    telemetryHal: true,
    baselineAllowFail: spec.allowFail,
    env: [...(common.env ?? []), ...spec.env],
    pairId,
  };
  const { report, events } = spec.fault ? await runWithFault(spec.fault, options) : { report: await runHarness(options), events: [] };
  report.notes.push(`knobs probe ${spec.name}: ${spec.note}`);
  return { name: spec.name, spec, report, runs: report.runs.map((run) => loadRun(run, spec.name)), events };
}

/**
 * The manifest plan-manifest passes with --manifest-path: a copy of the repository's
 * default manifest in a folder of its own outside the repository, so that it can be told
 * apart from the default and from SPEC_OPS_CARGO_MANIFEST by its path alone.
 */
async function alternativeManifest(repo: string, dir: string): Promise<string> {
  const path = join(dir, 'Cargo.toml');
  const source = join(repo, DEFAULT_MANIFEST);
  if (existsSync(source)) await copyFile(source, path);
  else await writeFile(path, '[workspace]\nresolver = "2"\nmembers = []\n');
  return path;
}

export async function detectKnobs(options: KnobsOptions = {}): Promise<KnobsResult> {
  const { repo, flows } = probeTarget(options.repo, ['validate', 'audit', 'plan']);
  const selected = KNOB_IDS.filter((id) => (options.knobs ?? KNOB_IDS).includes(id));
  const base = options.pairId ?? newPairId();
  const scratch = await scratchDir('guardrail-knobs-');
  try {
    const planManifest = await alternativeManifest(repo, scratch);
    const common: HarnessOptions = {
      repo,
      specId: options.specId ?? DEFAULT_SPEC_ID,
      out: options.out ?? 'evidence-bundles',
      transport: 'hermetic',
      ...(options.env !== undefined && options.env.length > 0 ? { env: [...options.env] } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
    };
    const needed = new Set(selected.flatMap((id) => PROBES_OF_KNOB[id]));
    // KNOB_PROBE_NAMES puts the one probe that makes HAL calls (the slowest) first.
    const specs = KNOB_PROBE_NAMES.filter((name) => needed.has(name))
      .map((name) => probeSpec(name, planManifest))
      .map((spec) => ({ spec, flows: flowsOf(spec, flows) }))
      .filter((item) => item.flows.length > 0);
    const lanes = options.concurrency ?? availableParallelism();
    const results = await pool(specs, lanes, ({ spec, flows: probeFlows }) => runProbe(spec, probeFlows, common, `${base}-knobs-${spec.name}`));
    const probes: Partial<Record<KnobProbeName, KnobProbeResult>> = Object.fromEntries(results.map((result) => [result.name, result]));
    const knobs = selected.map((id) => JUDGES[id]({ flows, probes, planManifest }));
    return {
      ok: knobs.every((knob) => knob.state !== 'broken'),
      knobs,
      probes: results.map((result) => ({ name: result.name, report: result.report })),
    };
  } finally {
    await removeScratch(scratch);
  }
}
