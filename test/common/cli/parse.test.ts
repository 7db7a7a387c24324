// parseCommandLine: what a user sees for each way a command line can be wrong.
import { describe, expect, it } from 'vitest';
import { HelpRequest, parseCommandLine, UsageError } from '../../../common/cli/index.ts';

const CONFIG = {
  help: 'Usage: tool [options]\n',
  options: {
    'report-json': { type: 'string' },
    port: { type: 'string', default: '7878' },
    force: { type: 'boolean', short: 'f', default: false },
    env: { type: 'string', multiple: true, default: [] as string[] },
  },
} as const;

function usageMessage(args: string[], config: Parameters<typeof parseCommandLine>[1] = CONFIG): string {
  try {
    parseCommandLine(args, config);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(args)} parsed without a usage error`);
}

describe('parseCommandLine', () => {
  it('returns the values and positionals, defaults filled in', () => {
    const { values, positionals } = parseCommandLine(['--port', '0', '-f', '--env', 'A=1', '--env', 'B=2', 'file'], { ...CONFIG, allowPositionals: true });
    expect(values).toEqual({ port: '0', force: true, env: ['A=1', 'B=2'] });
    expect(positionals).toEqual(['file']);
    expect(parseCommandLine([], CONFIG).values).toEqual({ port: '7878', force: false, env: [] });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['-z'], "Unknown option '-z'"],
    [['--report-jsn', 'x.json'], "Unknown option '--report-jsn'; did you mean --report-json?"],
    [['--prot', '0'], "Unknown option '--prot'; did you mean --port?"],
    [['--port'], '--port needs a value: --port VALUE'],
    [['--port', '--force'], '--port needs a value, but the next argument is "--force"; give one, or write --port=--force if that is the value'],
    [['--force=yes'], '--force takes no value; write --force alone'],
    [['stray'], 'unexpected argument "stray"; this command takes options only'],
  ])('%j is a usage error that names the flag: %s', (args, message) => {
    expect(usageMessage(args)).toBe(message);
  });

  it('suggests nothing when no option is close to the mistyped one', () => {
    expect(usageMessage(['--colour'])).toBe("Unknown option '--colour'");
  });

  it('answers --help and -h with the help, and a bad option before them with a usage error', () => {
    for (const flag of ['--help', '-h']) {
      let thrown: unknown;
      try {
        parseCommandLine(['stray', flag], CONFIG);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(HelpRequest);
      expect((thrown as HelpRequest).help).toBe(CONFIG.help);
    }
    expect(usageMessage(['--bogus', '--help'])).toBe("Unknown option '--bogus'");
  });

  it('takes --help after -- as a positional, not as a request for help', () => {
    expect(parseCommandLine(['--', '--help'], { ...CONFIG, allowPositionals: true }).positionals).toEqual(['--help']);
  });
});
