// The gaps `gaps` looks for (interfaces doc, section 4), the probes that look, and the
// shape of a verdict. Each gap is decided by evidence that only that gap produces:
//   baseline-exit            plan with a failing baseline (forced under offline and error-bodies): `baseline`;
//                            and plan whose baseline audit writes a passing report, then exits 3 (fault
//                            injected through BASH_ENV): plan must still report failed and exit non-zero
//   hal-failure-propagation  validate/audit under offline, where no answer has a body: exit 0 or status passed
//   artifact-on-failure      `artifacts` naming a listed capture that is missing, empty, a fallback, or in failed_checks
//   manifest-path            `manifest-path` seeing a cargo run without (or with another) --manifest-path
//   graphql-escaping         graphql_ping arriving malformed, or its call_tool args (shim log) not being valid JSON
//   status-by-body           under error-bodies (503/401/500 with JSON bodies): failed_checks leaving out a
//                            check the journal saw answered non-2xx, while offline failures are all listed.
//                            When cargo without --manifest-path kept every call from the API, these two
//                            scenarios run again on a copy with a Cargo.toml at its root.
//   hal-summary-flag         hal.summary present with SPEC_OPS_TELEMETRY_HAL=0 (validate, healthy) or absent with =1
//   secret-leak              `secret-leak` in any run
import { parseScenario, type Scenario } from '../../mock-hal/index.ts';
import type { FaultEvent } from '../run/fault-injection.ts';
import { SCRIPTS_DIR } from '../run/runner.ts';
import { type EnvSetting, type Flow, type HarnessReport, STAGE_OF_FLOW } from '../run/types.ts';
import type { ProbeEvidence, ProbeRun } from './probe-runs.ts';

export const GAP_IDS = [
  'baseline-exit',
  'hal-failure-propagation',
  'artifact-on-failure',
  'manifest-path',
  'graphql-escaping',
  'status-by-body',
  'hal-summary-flag',
  'secret-leak',
] as const;
export type GapId = (typeof GAP_IDS)[number];
export type GapState = 'present' | 'closed' | 'not-testable';

/**
 * The harness calls behind a verdict, one evidence bundle each:
 * hal-on: SPEC_OPS_TELEMETRY_HAL=1, every probe flow under healthy, offline and error-bodies;
 * hal-off: SPEC_OPS_TELEMETRY_HAL=0, validate (else audit) under healthy;
 * baseline-fault: plan only, its baseline audit writing a passing report and then exiting 3 (BASH_ENV);
 * root-manifest: only when cargo ran without --manifest-path and reached no API: validate and audit
 * under offline and error-bodies on a copy of the repository with a Cargo.toml at its root.
 */
export type ProbeName = 'hal-on' | 'hal-off' | 'baseline-fault' | 'root-manifest';

export const PROBE_NOTE: Record<ProbeName, string> = {
  'hal-on': '',
  'hal-off': ' (SPEC_OPS_TELEMETRY_HAL=0)',
  'baseline-fault': ' (audit exits 3 after a passing report)',
  'root-manifest': ' (copy with a root Cargo.toml)',
};

export type GapEvidence = ProbeEvidence<ProbeName>;
export type GapProbeRun = ProbeRun<ProbeName>;

export interface GapVerdict {
  id: GapId;
  state: GapState;
  /** One line: why this state. */
  reason: string;
  evidence: GapEvidence[];
}

export interface GapsResult {
  /** No gap is present. */
  ok: boolean;
  gaps: GapVerdict[];
  /** The harness runs behind the verdicts, one report per evidence bundle. */
  probes: { name: ProbeName; report: HarnessReport }[];
}

/** What every command that probes a repository (gaps, knobs) takes. */
export interface ProbeOptions {
  repo?: string;
  specId?: string;
  /** Where the evidence bundles go (default ./evidence-bundles); each command names its pair folders. */
  out?: string;
  /** Base of the bundles' pair ids (default: a new one). */
  pairId?: string;
  /** Parallel runs (default: the number of cores). */
  concurrency?: number;
  timeoutSeconds?: number;
  /** The user's variables for the scripts (--env, --env-file), given to every probe before the probe's own. */
  env?: readonly EnvSetting[];
}

/** Bundles go to OUT/<SPEC-ID>/<pair-id>-gaps[-hal-off|-baseline-fault|-root-manifest]/. */
export type GapsOptions = ProbeOptions;

/** What every judge reads. */
export interface Probes {
  on: GapProbeRun[];
  off: GapProbeRun[];
  baselineFault: GapProbeRun[];
  /** The fault log of the baseline-fault probe (every run of it). */
  faultEvents: FaultEvent[];
  rootManifest: GapProbeRun[];
  flows: Flow[];
}

/** Errors that carry a JSON body (503, 401, 500); graphql_ping answers normally as a control. */
export const ERROR_BODIES_SCENARIO: Scenario = parseScenario(
  {
    name: 'error-bodies',
    description: 'gaps probe: three checks answer an error status with a JSON body (503, 401, 500); graphql_ping is healthy',
    endpoints: {
      health: { type: 'status', status: 503, body: { status: 'unhealthy', error: 'Service Unavailable' } },
      list_movies: { type: 'status', status: 401, body: { error: 'Unauthorized', message: 'invalid API key' } },
      indexer_test: { type: 'status', status: 500, body: { connected: false, status: 'error', message: 'indexer test failed' } },
    },
    expect: { status: 'failed', failedChecks: ['health', 'list_movies', 'indexer_test'] },
  },
  'gaps probe scenario "error-bodies"',
);

/**
 * Plan only (it makes no HAL call). It expects failed, so the harness forces a failing
 * baseline (SPEC_OPS_BASELINE_FORCE_FAIL=1) and the checks want baseline.status failed and
 * a non-zero exit; the fault then unsets that variable inside the audit, so the audit's
 * report says passed and only its exit status (3) says it failed.
 */
export const BASELINE_FAULT_SCENARIO: Scenario = parseScenario(
  {
    name: 'baseline-exit-fault',
    description: "gaps probe: plan's baseline audit writes a passing report, then exits 3 (fault injected through BASH_ENV); no HAL call",
    endpoints: {},
    expect: { status: 'failed', failedChecks: [] },
  },
  'gaps probe scenario "baseline-exit-fault"',
);

export const HEALTHY = 'healthy';
export const OFFLINE = 'offline';
export const ERROR_BODIES = ERROR_BODIES_SCENARIO.name;
export const SMOKE: readonly Flow[] = ['validate', 'audit'];
/** Flows the probes use, in run order. */
export const PROBE_FLOWS: readonly Flow[] = ['validate', 'audit', 'plan'];

export const smokeRuns = <R extends { flow: Flow }>(runs: readonly R[]): R[] => runs.filter((run) => SMOKE.includes(run.flow));
export const missingScript = (flow: Flow) => `the repository has no ${SCRIPTS_DIR}/${STAGE_OF_FLOW[flow].script}`;
export const NO_SMOKE = `the repository has neither ${SCRIPTS_DIR}/${STAGE_OF_FLOW.validate.script} nor ${STAGE_OF_FLOW.audit.script}`;

export const verdict = (id: GapId, state: GapState, reason: string, evidence: GapEvidence[]): GapVerdict => ({ id, state, reason, evidence });
