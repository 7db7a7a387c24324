// Shared shapes of the harness: what one run produced and how it was judged.
import type { CheckName, Expectation, JournalEntry } from '../../mock-hal/index.ts';

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

// The report shapes (check results, runs, the whole report, the user's environment) are
// zod schemas in harness/reports/report-schema.ts; these are their inferred types. Only
// types are re-exported, so the schema module can import the constants above without a cycle.
export type {
  CheckDetail,
  CheckResult,
  CheckStatus,
  EnvSetting,
  HarnessReport,
  RunReport,
  UserEnvironmentReport,
} from '../reports/report-schema.ts';

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

export type { CheckName };
