// The knobs `knobs` probes: one row per documented variable of the scripts' environment
// (interfaces doc, section 1, "Environment the scripts read") and the two behaviours that
// go with them (plan's --manifest-path, an empty baseline output). Each row is decided by
// small harness calls of its own (probes), some with a fault injected through BASH_ENV.
import { parseScenario, type Scenario } from '../../mock-hal/index.ts';
import type { ProbeOptions } from '../gaps/model.ts';
import type { ProbeEvidence, ProbeRun } from '../gaps/probe-runs.ts';
import type { FaultEvent, FaultRequest } from '../run/fault-injection.ts';
import type { EnvSetting, Flow, HarnessReport } from '../run/types.ts';

export const KNOB_IDS = ['hal-skip', 'allow-dirty', 'baseline-allow-fail', 'manifest-default', 'plan-manifest-path', 'empty-baseline'] as const;
export type KnobId = (typeof KNOB_IDS)[number];
export type KnobState = 'holds' | 'broken' | 'not-testable';

/** What each row sets, and what the documentation says must follow. */
export const KNOB_DOC: Record<KnobId, { variable: string; expected: string }> = {
  'hal-skip': {
    variable: 'SPEC_OPS_HAL_SKIP=1',
    expected: "validate and audit report status skipped and send no HAL request (the mock's journal stays empty)",
  },
  'allow-dirty': { variable: 'SPEC_OPS_ALLOW_DIRTY=1', expected: 'plan runs on a dirty tree, and a failing baseline passes (baseline.status failed, exit 0)' },
  'baseline-allow-fail': {
    variable: 'SPEC_OPS_BASELINE_ALLOW_FAIL=1',
    expected: 'acts as --allow-fail: a failing baseline gives baseline.status failed and exit 0',
  },
  'manifest-default': { variable: 'SPEC_OPS_CARGO_MANIFEST unset', expected: 'every cargo run uses --manifest-path codex-rs/Cargo.toml' },
  'plan-manifest-path': {
    variable: 'plan --manifest-path P',
    expected: 'plan hands P (not the default or SPEC_OPS_CARGO_MANIFEST) to the baseline audit and to every cargo run',
  },
  'empty-baseline': {
    variable: 'empty baseline output',
    expected: 'a baseline audit that writes no report, or an empty one, fails plan (baseline.status failed, non-zero exit)',
  },
};

/**
 * The harness calls behind the rows, one evidence bundle each (<pair-id>-knobs-<name>):
 * hal-skip               validate and audit, healthy, SPEC_OPS_HAL_SKIP=1
 * manifest-unset         validate (else audit), healthy, SPEC_OPS_CARGO_MANIFEST unset inside the scripts (BASH_ENV)
 * plan-manifest          plan, healthy, started with --manifest-path P, P a manifest outside the repository (BASH_ENV)
 * failing-baseline       plan, failing baseline: the control that a failing baseline fails plan
 * allow-fail-flag        plan, failing baseline, --allow-fail
 * allow-fail-env         plan, failing baseline, SPEC_OPS_BASELINE_ALLOW_FAIL=1
 * dirty-tree             plan, passing baseline, dirty tree (BASH_ENV): the control that plan refuses it
 * allow-dirty            plan, failing baseline, dirty tree, SPEC_OPS_ALLOW_DIRTY=1
 * baseline-no-output     plan, the baseline audit exits 0 before writing anything (BASH_ENV)
 * baseline-empty-report  plan, the baseline audit leaves an empty report and exits 0 (BASH_ENV)
 */
export const KNOB_PROBE_NAMES = [
  'manifest-unset',
  'hal-skip',
  'plan-manifest',
  'failing-baseline',
  'allow-fail-flag',
  'allow-fail-env',
  'dirty-tree',
  'allow-dirty',
  'baseline-no-output',
  'baseline-empty-report',
] as const;
export type KnobProbeName = (typeof KNOB_PROBE_NAMES)[number];

/** The probes each row needs. */
export const PROBES_OF_KNOB: Record<KnobId, KnobProbeName[]> = {
  'hal-skip': ['hal-skip'],
  'allow-dirty': ['dirty-tree', 'allow-dirty', 'failing-baseline'],
  'baseline-allow-fail': ['failing-baseline', 'allow-fail-flag', 'allow-fail-env'],
  'manifest-default': ['manifest-unset'],
  'plan-manifest-path': ['plan-manifest'],
  'empty-baseline': ['baseline-no-output', 'baseline-empty-report'],
};

/** Plan under it gets a failing baseline (the harness sets SPEC_OPS_BASELINE_FORCE_FAIL=1); plan makes no HAL call. */
export const FAILING_BASELINE_SCENARIO: Scenario = parseScenario(
  {
    name: 'failing-baseline',
    description: 'knobs probe: plan with a failing baseline audit (SPEC_OPS_BASELINE_FORCE_FAIL=1); no HAL call',
    endpoints: {},
    expect: { status: 'failed', failedChecks: [] },
  },
  'knobs probe scenario "failing-baseline"',
);

export interface KnobProbeSpec {
  name: KnobProbeName;
  /** plan, or the smoke flows (all, or only the first the repository has). */
  flows: 'plan' | 'smoke' | 'first-smoke';
  scenario: 'healthy' | Scenario;
  env: EnvSetting[];
  allowFail: boolean;
  fault?: FaultRequest;
  /** Shown after the run in the console, e.g. "(SPEC_OPS_HAL_SKIP=1)". */
  note: string;
}

const knobEnv = (probe: KnobProbeName, name: string, value: string): EnvSetting => ({ name, value, source: `knobs probe ${probe}` });

/** The probe's harness call; `planManifest` is the P that plan-manifest passes. */
export function probeSpec(name: KnobProbeName, planManifest: string): KnobProbeSpec {
  const base = { name, env: [] as EnvSetting[], allowFail: false };
  switch (name) {
    case 'hal-skip':
      return { ...base, flows: 'smoke', scenario: 'healthy', env: [knobEnv(name, 'SPEC_OPS_HAL_SKIP', '1')], note: 'SPEC_OPS_HAL_SKIP=1' };
    case 'manifest-unset':
      return {
        ...base,
        flows: 'first-smoke',
        scenario: 'healthy',
        fault: { name: 'unset-env', names: ['SPEC_OPS_CARGO_MANIFEST'] },
        note: 'SPEC_OPS_CARGO_MANIFEST unset',
      };
    case 'plan-manifest':
      return {
        ...base,
        flows: 'plan',
        scenario: 'healthy',
        fault: { name: 'plan-args', args: ['--manifest-path', planManifest] },
        note: `plan --manifest-path ${planManifest}`,
      };
    case 'failing-baseline':
      return { ...base, flows: 'plan', scenario: FAILING_BASELINE_SCENARIO, note: 'no variable' };
    case 'allow-fail-flag':
      return { ...base, flows: 'plan', scenario: FAILING_BASELINE_SCENARIO, allowFail: true, note: '--allow-fail' };
    case 'allow-fail-env':
      return {
        ...base,
        flows: 'plan',
        scenario: FAILING_BASELINE_SCENARIO,
        env: [knobEnv(name, 'SPEC_OPS_BASELINE_ALLOW_FAIL', '1')],
        note: 'SPEC_OPS_BASELINE_ALLOW_FAIL=1',
      };
    case 'dirty-tree':
      return { ...base, flows: 'plan', scenario: 'healthy', fault: { name: 'dirty-tree' }, note: 'dirty tree, no variable' };
    case 'allow-dirty':
      return {
        ...base,
        flows: 'plan',
        scenario: FAILING_BASELINE_SCENARIO,
        env: [knobEnv(name, 'SPEC_OPS_ALLOW_DIRTY', '1')],
        fault: { name: 'dirty-tree' },
        note: 'dirty tree, SPEC_OPS_ALLOW_DIRTY=1',
      };
    case 'baseline-no-output':
      return { ...base, flows: 'plan', scenario: FAILING_BASELINE_SCENARIO, fault: { name: 'baseline-no-output' }, note: 'audit writes nothing' };
    case 'baseline-empty-report':
      return { ...base, flows: 'plan', scenario: FAILING_BASELINE_SCENARIO, fault: { name: 'baseline-empty-report' }, note: 'audit leaves an empty report' };
  }
}

export type KnobProbeRun = ProbeRun<KnobProbeName>;
export type KnobEvidence = ProbeEvidence<KnobProbeName>;

export interface KnobProbeResult {
  name: KnobProbeName;
  spec: KnobProbeSpec;
  report: HarnessReport;
  runs: KnobProbeRun[];
  /** The fault log, when the probe injected a fault. */
  events: FaultEvent[];
}

/** What the judges read. */
export interface KnobContext {
  flows: Flow[];
  probes: Partial<Record<KnobProbeName, KnobProbeResult>>;
  /** P, the manifest plan-manifest passes with --manifest-path (absolute). */
  planManifest: string;
}

export interface KnobRow {
  id: KnobId;
  variable: string;
  expected: string;
  state: KnobState;
  /** One line: why this state. */
  reason: string;
  evidence: KnobEvidence[];
}

export interface KnobsResult {
  /** No row is broken. */
  ok: boolean;
  knobs: KnobRow[];
  probes: { name: KnobProbeName; report: HarnessReport }[];
}

/** Bundles go to OUT/<SPEC-ID>/<pair-id>-knobs-<probe>/; concurrency bounds the harness calls and the runs in each. */
export interface KnobsOptions extends ProbeOptions {
  /** Only these rows (default: all, in KNOB_IDS order). */
  knobs?: readonly KnobId[];
}

export const row = (id: KnobId, state: KnobState, reason: string, evidence: KnobEvidence[]): KnobRow => ({ id, ...KNOB_DOC[id], state, reason, evidence });
