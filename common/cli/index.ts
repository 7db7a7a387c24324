// The command-line plumbing every command of the kit shares: mock-hal, guardrail-harness,
// npm run conformance and ci/compare-verdicts.ts.
export { processIo, type Io } from './io.ts';
export { HelpRequest, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
export { describeParseError, isParseArgsError, parseCommandLine, type CommandLine, type CommandLineConfig } from './parse.ts';
export { STOP_SIGNALS, STOP_SIGNAL_EXIT_CODES, exitOnStopSignal, waitForStopSignal, type StopSignal } from './signals.ts';
export { dispatch, messageOf, runCommand, type CommandMain, type CommandTable, type Program } from './dispatch.ts';
