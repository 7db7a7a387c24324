// dispatch and runCommand: one way to answer help, usage errors and failures, for every program.
import { describe, expect, it } from 'vitest';
import { type CommandTable, dispatch, type Io, messageOf, parseCommandLine, runCommand, UsageError } from '../../../common/cli/index.ts';

class MissingThing extends Error {}

function captureIo(): Io & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

const TABLE: CommandTable = {
  name: 'tool',
  help: 'tool: the top-level help\n',
  commands: {
    greet: (args, io) => {
      const { values } = parseCommandLine(args, { help: 'Usage: tool greet --name NAME\n', options: { name: { type: 'string' } } });
      if (values.name === undefined) throw new UsageError('greet needs --name NAME');
      io.stdout(`hello ${values.name}\n`);
      return 0;
    },
    fail: async () => {
      throw new MissingThing('no such thing; make one first');
    },
    crash: () => {
      throw new TypeError('a bug');
    },
    'raw-parse': () => {
      throw Object.assign(new TypeError("Unknown option '--x'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    },
  },
  couldNotRun: messageOf([MissingThing]),
};

describe('dispatch', () => {
  it('runs the named command with the rest of the arguments and returns its exit status', async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['greet', '--name', 'Ada'], io)).toBe(0);
    expect(io).toMatchObject({ out: 'hello Ada\n', err: '' });
  });

  it.each([['--help'], ['-h'], ['help']])('prints the top-level help for %s, exit 0', async (word) => {
    const io = captureIo();
    expect(await dispatch(TABLE, [word], io)).toBe(0);
    expect(io).toMatchObject({ out: TABLE.help, err: '' });
  });

  it('prints the top-level help without a command, exit 2', async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, [], io)).toBe(2);
    expect(io.out).toBe(TABLE.help);
  });

  it('answers an unknown command with the commands there are, exit 2', async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['deploy', '--help'], io)).toBe(2);
    expect(io.out).toBe('');
    expect(io.err).toBe('tool: unknown command "deploy"; the commands are greet, fail, crash, raw-parse\nRun tool --help for usage.\n');
  });

  it('does not take an inherited property for a command', async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['toString'], io)).toBe(2);
    expect(io.err).toMatch(/^tool: unknown command "toString"/);
  });

  it("prints a command's usage error with where its help is, exit 2", async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['greet'], io)).toBe(2);
    expect(io.err).toBe('tool: greet needs --name NAME\nRun tool greet --help for usage.\n');
    const bad = captureIo();
    expect(await dispatch(TABLE, ['greet', '--nam', 'Ada'], bad)).toBe(2);
    expect(bad.err).toBe("tool: Unknown option '--nam'; did you mean --name?\nRun tool greet --help for usage.\n");
  });

  it("prints a command's help on stdout, exit 0", async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['greet', '-h'], io)).toBe(0);
    expect(io).toMatchObject({ out: 'Usage: tool greet --name NAME\n', err: '' });
  });

  it("answers node:util parseArgs' own errors as usage errors", async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['raw-parse'], io)).toBe(2);
    expect(io.err).toBe("tool: Unknown option '--x'\nRun tool raw-parse --help for usage.\n");
  });

  it('prints an error that means the command could not run without the usage pointer, exit 2', async () => {
    const io = captureIo();
    expect(await dispatch(TABLE, ['fail'], io)).toBe(2);
    expect(io.err).toBe('tool: no such thing; make one first\n');
  });

  it('lets any other error through, as the bug it is', async () => {
    await expect(dispatch(TABLE, ['crash'], captureIo())).rejects.toThrow('a bug');
  });
});

describe('runCommand', () => {
  it('points a program of one command to its own invocation for help', async () => {
    const io = captureIo();
    const main = (args: string[]) => {
      parseCommandLine(args, { help: 'Usage: npm run check -- [--update]\n', options: { update: { type: 'boolean' } } });
      return 1;
    };
    const program = { name: 'check', invocation: 'npm run check --' };
    expect(await runCommand(program, undefined, main, ['--updat'], io)).toBe(2);
    expect(io.err).toBe("check: Unknown option '--updat'; did you mean --update?\nRun npm run check -- --help for usage.\n");
    expect(await runCommand(program, undefined, main, [], io)).toBe(1);
  });
});

describe('messageOf', () => {
  it('gives the message of the listed classes and names only', () => {
    const known = messageOf([MissingThing], ['LazyError']);
    expect(known(new MissingThing('missing'))).toBe('missing');
    expect(known(Object.assign(new Error('lazy'), { name: 'LazyError' }))).toBe('lazy');
    expect(known(new Error('other'))).toBeUndefined();
    expect(known('not an error')).toBeUndefined();
  });
});
