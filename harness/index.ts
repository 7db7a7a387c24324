// Public API of the harness (the package's `guardrail-testkit/harness` entry point).
// Everything else under harness/ is internal: the CLI (guardrail-harness) is built on these.

// The bundled reference guardrails runHarness uses when given no `repo`: a known-good baseline to copy or compare with.
export { REFERENCE_GUARDRAILS_DIR } from '../common/package-root.ts';
// Probing a guardrail repository for its known gaps and for the knobs its environment documents.
export { detectGaps, type GapId, type GapsOptions, type GapsResult, type GapVerdict } from './gaps/index.ts';
// The same probes across a repository's history: every commit that touched the guardrails, and the commit where a gap came in.
export {
  type BisectOptions,
  type BisectResult,
  bisectGap,
  HistoryError,
  type HistoryOptions,
  type HistoryResult,
  runHistory,
} from './history/index.ts';
export { detectKnobs, type KnobId, type KnobRow, type KnobsOptions, type KnobsResult } from './knobs/index.ts';
export { type WrittenReports, writeReports } from './reports/index.ts';
// Turning reports into files: merging CI shards, then writing report.json, junit.xml and summary.md.
export { MergeError, mergeReports } from './reports/merge.ts';
// Running the guardrails: the one call a test or a CI script makes, its options, and why it may refuse to start.
export { type HarnessOptions, HarnessSetupError, type MockFactory, runHarness } from './run/runner.ts';
// What a run returns (and what report.json holds), so callers can read verdicts with types.
export type { CheckId, CheckResult, CheckStatus, EnvSetting, Flow, HarnessReport, RunReport, UserEnvironmentReport } from './run/types.ts';
// Judging telemetry a guardrail left elsewhere (check-telemetry, one file at a time; never throws).
export { type FileProblem, type FileVerdict, type JudgeOptions, judgeTelemetryFile } from './telemetry/check-telemetry.ts';
