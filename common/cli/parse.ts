// node:util parseArgs for every command, with its errors turned into usage errors that
// name the flag and say what to do, and with --help/-h handled in one place.
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { HelpRequest, UsageError } from './usage-error.ts';

/** node:util parseArgs rejects unknown or malformed flags with these codes. */
export function isParseArgsError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export interface CommandLineConfig<O extends ParseArgsOptionsConfig> {
  options?: O;
  /** Without it, any positional argument is a usage error. */
  allowPositionals?: boolean;
  /** Printed on stdout for --help or -h, exit 0. The option is added here, so commands do not declare it. */
  help: string;
}

export interface CommandLine<O extends ParseArgsOptionsConfig> {
  values: ReturnType<typeof parseArgs<{ args: string[]; options: O }>>['values'];
  positionals: string[];
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsOptionsConfig;

export function parseCommandLine<O extends ParseArgsOptionsConfig = Record<never, never>>(args: string[], config: CommandLineConfig<O>): CommandLine<O> {
  const options: ParseArgsOptionsConfig = { ...config.options, ...HELP_OPTION };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    // Positionals are always accepted here and refused below, after --help: `cmd x --help` helps.
    parsed = parseArgs({ args, options, allowPositionals: true });
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(describeParseError(args, options, error as Error));
    throw error;
  }
  if (parsed.values.help === true) throw new HelpRequest(config.help);
  if (!config.allowPositionals && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"; this command takes options only`);
  }
  return parsed as CommandLine<O>;
}

/**
 * Node's messages are phrased for programmers ("Option '--port <value>' argument missing")
 * and its error carries no flag name, so the arguments are read again leniently, as tokens,
 * to find the flag at fault. Node's own message stays when nothing is found.
 */
export function describeParseError(args: string[], options: ParseArgsOptionsConfig, error: Error): string {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) {
      const suggestion = token.rawName.startsWith('--') ? closestOption(token.name, Object.keys(options)) : undefined;
      return `Unknown option '${token.rawName}'${suggestion ? `; did you mean --${suggestion}?` : ''}`;
    }
    const flag = token.rawName;
    if (option.type === 'boolean' && token.value !== undefined) return `${flag} takes no value; write ${flag} alone`;
    if (option.type === 'string' && token.value === undefined) return `${flag} needs a value: ${flag} VALUE`;
    if (option.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      return `${flag} needs a value, but the next argument is "${token.value}"; give one, or write ${flag}=${token.value} if that is the value`;
    }
  }
  return error.message;
}

/** The option a mistyped --name most likely meant, if one is close enough to say so. */
function closestOption(name: string, known: string[]): string | undefined {
  let best: { option: string; distance: number } | undefined;
  for (const option of known) {
    const distance = editDistance(name, option);
    if (distance <= Math.max(1, Math.floor(option.length / 3)) && (best === undefined || distance < best.distance)) best = { option, distance };
  }
  return best?.option;
}

/** Edits from a to b, a swap of two neighbours counting as one: the usual typos. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] as number;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
