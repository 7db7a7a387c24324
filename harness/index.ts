// Public API of the harness (the package's `guardrail-testkit/harness` entry point).
// Everything else under harness/ is internal: the CLI (guardrail-harness) is built on these.

// Running the guardrails: the one call a test or a CI script makes, its options, and why it may refuse to start.
export { runHarness, HarnessSetupError, type HarnessOptions, type MockFactory } from './run/runner.ts';
// What a run returns (and what report.json holds), so callers can read verdicts with types.
export type { CheckId, CheckResult, CheckStatus, EnvSetting, Flow, HarnessReport, RunReport, UserEnvironmentReport } from './run/types.ts';

// Judging telemetry a guardrail left elsewhere (check-telemetry, one file at a time; never throws).
export { judgeTelemetryFile, type FileProblem, type FileVerdict, type JudgeOptions } from './telemetry/check-telemetry.ts';

// Probing a guardrail repository for its known gaps and for the knobs its environment documents.
export { detectGaps, type GapId, type GapVerdict, type GapsOptions, type GapsResult } from './gaps/index.ts';
export { detectKnobs, type KnobId, type KnobRow, type KnobsOptions, type KnobsResult } from './knobs/index.ts';

// Turning reports into files: merging CI shards, then writing report.json, junit.xml and summary.md.
export { mergeReports, MergeError } from './reports/merge.ts';
export { writeReports, type WrittenReports } from './reports/index.ts';

// The bundled reference guardrails runHarness uses when given no `repo`: a known-good baseline to copy or compare with.
export { REFERENCE_GUARDRAILS_DIR } from '../common/package-root.ts';
