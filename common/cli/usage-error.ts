// The two ways a command line ends before the command does anything.

/**
 * A command line the command cannot act on. runCommand prints "<program>: <message>"
 * and where to find the usage, and exits 2; the message says what is wrong and what to do.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * --help or -h: parseCommandLine throws it and runCommand prints the help on stdout and
 * exits 0. Thrown rather than returned so that no command writes that branch itself,
 * and so that a bad option still wins over --help, as parsing comes first.
 */
export class HelpRequest extends Error {
  override name = 'HelpRequest';
  readonly help: string;

  constructor(help: string) {
    super('help was asked for');
    this.help = help;
  }
}

/** The exit status of a command line that could not be acted on, and of a command that could not run. */
export const USAGE_EXIT_CODE = 2;
