// The command-line plumbing every command of the kit shares: mock-hal, guardrail-harness,
// npm run conformance and ci/compare-verdicts.ts.

export { type CommandMain, type CommandTable, dispatch, messageOf, type Program, runCommand } from './dispatch.ts';
export { type Io, processIo } from './io.ts';
export { type CommandLine, type CommandLineConfig, describeParseError, isParseArgsError, parseCommandLine } from './parse.ts';
export { exitOnStopSignal, STOP_SIGNAL_EXIT_CODES, STOP_SIGNALS, type StopSignal, stopWhenLauncherDies, waitForStopSignal } from './signals.ts';
export { HelpRequest, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';
