// Running a command line: the sub-command table, --help, and the one place that turns
// an error into a message and an exit status, so every command answers alike.
import type { Io } from './io.ts';
import { isParseArgsError } from './parse.ts';
import { HelpRequest, USAGE_EXIT_CODE, UsageError } from './usage-error.ts';

export type CommandMain = (args: string[], io: Io) => number | Promise<number>;

export interface Program {
  /** What every message on stderr starts with, e.g. "mock-hal". */
  name: string;
  /** How a user runs it, for "Run <invocation> --help" (default: the name), e.g. "npm run conformance --". */
  invocation?: string;
  /**
   * The message for an error that means the command could not run (a missing file, a
   * busy port): printed after the name, exit 2, with no pointer to --help, as the command
   * line was fine. undefined lets the error through, as the bug it is.
   */
  couldNotRun?: (error: unknown) => string | undefined;
}

export interface CommandTable extends Program {
  /** Printed for --help, -h and help (exit 0), and when no command is given (exit 2). */
  help: string;
  commands: Readonly<Record<string, CommandMain>>;
}

const HELP_WORDS: readonly string[] = ['--help', '-h', 'help'];

export async function dispatch(table: CommandTable, argv: readonly string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || HELP_WORDS.includes(command)) {
    io.stdout(table.help);
    return command === undefined ? USAGE_EXIT_CODE : 0;
  }
  const main = Object.hasOwn(table.commands, command) ? table.commands[command] : undefined;
  if (main === undefined) {
    const known = Object.keys(table.commands).join(', ');
    return usageFailure(table, undefined, new UsageError(`unknown command "${command}"; the commands are ${known}`), io);
  }
  return runCommand(table, command, main, args, io);
}

/** Runs one command; `command` is its name under the program, for the --help pointer, or undefined for a program of one command. */
export async function runCommand(program: Program, command: string | undefined, main: CommandMain, args: string[], io: Io): Promise<number> {
  try {
    return await main(args, io);
  } catch (error) {
    if (error instanceof HelpRequest) {
      io.stdout(error.help);
      return 0;
    }
    // Every command parses through parseCommandLine; a raw parseArgs error still reads as a usage error, not a crash.
    if (error instanceof UsageError || isParseArgsError(error)) return usageFailure(program, command, error as Error, io);
    const message = program.couldNotRun?.(error);
    if (message === undefined) throw error;
    io.stderr(`${program.name}: ${message}\n`);
    return USAGE_EXIT_CODE;
  }
}

function usageFailure(program: Program, command: string | undefined, error: Error, io: Io): number {
  const helpCommand = [program.invocation ?? program.name, command, '--help'].filter(Boolean).join(' ');
  io.stderr(`${program.name}: ${error.message}\nRun ${helpCommand} for usage.\n`);
  return USAGE_EXIT_CODE;
}

/** couldNotRun for errors known by class (or, for a class loaded lazily, by name): their message says it all. */
export function messageOf(
  classes: ReadonlyArray<abstract new (...args: never[]) => Error>,
  names: readonly string[] = [],
): (error: unknown) => string | undefined {
  return (error) => (error instanceof Error && (classes.some((type) => error instanceof type) || names.includes(error.name)) ? error.message : undefined);
}
