// splitCommandLine: --mcp-server and --server-command values become an argv array
// with POSIX shell word splitting and quoting, and nothing else a shell would do.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandLineError, splitCommandLine } from '../../../harness/cli/command-line.ts';

/** How a user would quote one argument for a POSIX shell: single quotes, with ' written as '\''. */
const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

describe('splitCommandLine', () => {
  it.each([
    ['npx -y hal-mcp', ['npx', '-y', 'hal-mcp']],
    ['  node\t server.js \n', ['node', 'server.js']],
    ['', []],
    [' \t\n ', []],
    ["node '/opt/my dir/index.js'", ['node', '/opt/my dir/index.js']],
    ['node "/opt/my dir/index.js"', ['node', '/opt/my dir/index.js']],
    ['a"b c"d', ['ab cd']],
    ['\'\' ""', ['', '']],
    ["a''b", ['ab']],
    ['my\\ file', ['my file']],
    ['\\"quoted\\"', ['"quoted"']],
  ])('%j -> %j', (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });

  it('expands nothing: variables, globs, tildes, command substitution and operators stay as written', () => {
    expect(splitCommandLine('echo $HOME ~ *.ts $(rm -rf /) `id` a;b a|b a&&b > out')).toEqual([
      'echo',
      '$HOME',
      '~',
      '*.ts',
      '$(rm',
      '-rf',
      '/)',
      '`id`',
      'a;b',
      'a|b',
      'a&&b',
      '>',
      'out',
    ]);
  });

  it('single quotes keep backslashes and double quotes literally', () => {
    expect(splitCommandLine(`'a\\"b\\\\c'`)).toEqual(['a\\"b\\\\c']);
    expect(splitCommandLine(`'say "hi"'`)).toEqual(['say "hi"']);
  });

  it('inside double quotes a backslash escapes only " \\ $ and `; before anything else it is kept', () => {
    expect(splitCommandLine(String.raw`"a\"b\\c\$d\`e"`)).toEqual(['a"b\\c$d`e']);
    expect(splitCommandLine(String.raw`"C:\temp\n"`)).toEqual([String.raw`C:\temp\n`]);
  });

  it('outside quotes a backslash escapes the next character; a trailing one is kept', () => {
    expect(splitCommandLine(String.raw`a\'b`)).toEqual(["a'b"]);
    expect(splitCommandLine(String.raw`a\\b`)).toEqual(['a\\b']);
    expect(splitCommandLine('end\\')).toEqual(['end\\']);
  });

  it.each([
    ["node 'index.js", `unclosed ' quote in command "node 'index.js"`],
    ['node "index.js', 'unclosed " quote in command "node "index.js"'],
    [String.raw`"a\"`, String.raw`unclosed " quote in command ""a\""`],
  ])('an unclosed quote is a CommandLineError naming the quote and the command: %j', (line, message) => {
    expect(() => splitCommandLine(line)).toThrow(CommandLineError);
    expect(() => splitCommandLine(line)).toThrow(message);
  });

  it('round-trips any argv quoted the way a user would quote it for a shell', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom("'", '"', '\\', ' ', '\t', '\n', '$', '`', 'a', 'é', '😀'), maxLength: 12 }), { maxLength: 6 }),
        (argv) => {
          const words = splitCommandLine(argv.map(shellQuote).join(' '));
          return words.length === argv.length && words.every((word, index) => word === argv[index]);
        },
      ),
      { seed: 13, numRuns: 200 },
    );
  });

  it('round-trips words without quotes or backslashes joined by any whitespace, and never yields an empty word', () => {
    const plain = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).filter((word) => !/[\s'"\\]/.test(word));
    const gap = fc.constantFrom(' ', '\t', '\n', '  ', ' \t ');
    fc.assert(
      fc.property(fc.array(fc.tuple(plain, gap), { maxLength: 6 }), gap, (pairs, lead) => {
        const line = lead + pairs.map(([word, space]) => word + space).join('');
        expect(splitCommandLine(line)).toEqual(pairs.map(([word]) => word));
      }),
      { seed: 13, numRuns: 300 },
    );
  });
});
