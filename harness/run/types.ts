// Shared shapes of the harness: what one run produced and how it was judged.
import type { CheckName, Expectation } from '../../mock-hal/index.ts';
import type { JournalEntry } from '../../mock-hal/index.ts';

export const FLOWS = ['plan', 'tasks', 'implement', 'validate', 'audit', 'unlock'] as const;
export type Flow = (typeof FLOWS)[number];

/** Telemetry stage name (file prefix) and `command` field per flow. */
export const STAGE_OF_FLOW: Record<Flow, { stage: string; command: string; script: string }> = {
  plan: { stage: 'spec-plan', command: 'spec-ops-plan', script: 'spec_ops_plan.sh' },
  tasks: { stage: 'spec-tasks', command: 'spec-ops-tasks', script: 'spec_ops_tasks.sh' },
  implement: { stage: 'spec-implement', command: 'spec-ops-implement', script: 'spec_ops_implement.sh' },
  validate: { stage: 'spec-validate', command: 'spec-ops-validate', script: 'spec_ops_validate.sh' },
  audit: { stage: 'spec-audit', command: 'spec-ops-audit', script: 'spec_ops_audit.sh' },
  unlock: { stage: 'spec-unlock', command: 'spec-ops-unlock', script: 'spec_ops_unlock.sh' },
};

export const SMOKE_FLOWS: readonly Flow[] = ['validate', 'audit'];

export const CHECK_IDS = [
  'exit-code',
  'telemetry-schema',
  'telemetry-status',
  'spec-kit-outcome',
  'journal-consistency',
  'hal-reached',
  'artifacts',
  'graphql-escaping',
  'manifest-path',
  'secret-leak',
  'transition',
  'baseline',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = 'passed' | 'failed' | 'not-applicable';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** true when passed, false when failed, null when the check does not apply. */
  ok: boolean | null;
  /** Says what was expected and what was seen. */
  message: string;
  /** The same in structured form, for tools: what was expected, what was seen, and a reason code. */
  detail?: { expected?: unknown; seen?: unknown; reason?: string };
}

/** A variable the user set for the scripts (--env KEY=VALUE or a line of --env-file). */
export interface EnvSetting {
  name: string;
  value: string;
  /** Where it came from: "--env", or "FILE:LINE" for --env-file. */
  source: string;
}

/** What report.json and the console say about the user's variables. */
export interface UserEnvironmentReport {
  /** Every variable the user set, in the order applied (last wins); values of secrets are [REDACTED]. */
  set: EnvSetting[];
  /** Harness variables the user's replaced, with the runs where the harness had set them. */
  overridden: { name: string; runs: string[] }[];
}

/** One line of the hermetic shim log (JSON Lines). */
export interface ShimCall {
  shim: 'cargo' | 'npx';
  argv: string[];
  cwd: string;
  exitCode: number | null;
  startedAt: string;
  durationMs: number;
  /** What the shim did: emulated call_tool / HAL server, passed through, or refused. */
  action: 'call_tool' | 'hal-mcp' | 'mcp-server' | 'passthrough' | 'refused';
  note?: string;
}

/** Everything one (scenario, flow) run left behind, as the checks see it. */
export interface RunRecord {
  scenario: string;
  /** Phase name for a timeline scenario; undefined for a steady one. */
  phase?: string;
  flow: Flow;
  expect: Expectation;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Absolute path of the telemetry file the guardrail wrote, if any. */
  telemetryPath: string | null;
  /** Files the guardrail created during the run (absolute, in the run's repo copy). */
  producedFiles: string[];
  journal: JournalEntry[];
  shimCalls: ShimCall[];
  apiKey: string;
  telemetryHal: boolean;
  /** Manifest the harness configured (as given in SPEC_OPS_CARGO_MANIFEST). */
  manifest: string;
  repoDir: string;
  /** Plan only: whether the run was given a failing baseline, and whether it was allowed to fail. */
  baseline?: { forcedFail: boolean; allowFail: boolean };
  /** The variables the user set for the scripts (--env, --env-file), as the scripts got them. */
  userEnv?: Record<string, string>;
}

export interface RunReport {
  scenario: string;
  phase?: string;
  flow: Flow;
  exitCode: number | null;
  durationMs: number;
  evidenceDir: string;
  checks: CheckResult[];
  /** Position in the whole (unsharded) run matrix, so merged shards keep pair order. */
  matrixIndex?: number;
  /** Status the telemetry reported, and the one a correct guardrail reports. */
  status?: string | null;
  expectedStatus?: 'passed' | 'failed';
}

export interface HarnessReport {
  ok: boolean;
  specId: string;
  pairId: string;
  bundleDir: string;
  notes: string[];
  runs: RunReport[];
  /** Present when the user set variables for the scripts (--env, --env-file). */
  environment?: UserEnvironmentReport;
}

export type { CheckName };
