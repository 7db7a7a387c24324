// The file names of an evidence bundle, which its writer, its reader and pair.json share.

/** Name of the run's telemetry copy inside a bundle; check-telemetry looks for it. */
export const BUNDLE_TELEMETRY_NAME = 'telemetry.json';
export const MANIFEST_NAME = 'manifest.json';
export const PAIR_FILE_NAME = 'pair.json';
export const JOURNAL_NAME = 'journal.json';
export const SHIM_LOG_NAME = 'shim-log.jsonl';
export const STDOUT_NAME = 'stdout.txt';
export const STDERR_NAME = 'stderr.txt';

/** Names the writer itself uses in a run folder; copied files never take them. */
export const RESERVED_RUN_FILE_NAMES = [BUNDLE_TELEMETRY_NAME, JOURNAL_NAME, SHIM_LOG_NAME, STDOUT_NAME, STDERR_NAME, MANIFEST_NAME] as const;
