// call_tool's command line and error format, in process: the flags, the timeout and
// its sources, and anyhow's Debug format, point by point as the Rust binary behaves
// (guardrail-interfaces.md, "How one call travels").
import { describe, expect, it } from 'vitest';
import { callToolMain } from '../../../../harness/fakes/call-tool/call-tool.ts';
import {
  CALL_TOOL_TIMEOUT_ENV,
  CallToolError,
  DEFAULT_TIMEOUT_SECONDS,
  EXIT_FAILURE,
  formatAnyhowError,
  parseCommandLine,
  parseU64,
} from '../../../../harness/fakes/call-tool/call-tool-args.ts';
import { capture } from '../../../support/mcp.ts';
import { ARGS_ERROR, useCallToolScratch } from './call-tool-fixtures.ts';

const FLAGS = '--tool NAME --args JSON --timeout SECS --env KEY=VALUE -- SERVER...';

const { markerServer } = useCallToolScratch();

// --- The error format --------------------------------------------------------------------

describe('formatAnyhowError (anyhow Debug, as Rust prints what main returned)', () => {
  it('prints the context alone when there is no cause', () => {
    expect(formatAnyhowError('request timed out')).toBe('Error: request timed out\n');
  });

  it('one cause: "Caused by:" and the cause indented 4 spaces', () => {
    expect(formatAnyhowError('failed to parse arguments', ['failed to parse --args JSON: {"a":'])).toBe(
      'Error: failed to parse arguments\n\nCaused by:\n    failed to parse --args JSON: {"a":\n',
    );
  });

  it('several causes are numbered, right-aligned in 5 columns', () => {
    expect(formatAnyhowError('outer', ['middle', 'inner'])).toBe('Error: outer\n\nCaused by:\n    0: middle\n    1: inner\n');
  });

  it('continuation lines of a cause line up under its text', () => {
    expect(formatAnyhowError('c', ['a\nb'])).toBe('Error: c\n\nCaused by:\n    a\n    b\n');
    expect(formatAnyhowError('c', ['a\nb', 'z'])).toBe('Error: c\n\nCaused by:\n    0: a\n       b\n    1: z\n');
  });
});

// --- The command line --------------------------------------------------------------------

describe('call_tool command line', () => {
  it('reads every flag, splits --env at the first =, and takes the server command after --', () => {
    expect(
      parseCommandLine(
        [
          '--tool',
          'http-get',
          '--args',
          '{"url":"http://x"}',
          '--env',
          'A=1',
          '--env',
          'B=x=y',
          '--env',
          'E=',
          '--timeout',
          '7',
          '--',
          'npx',
          '-y',
          'hal-mcp',
          '--tool',
        ],
        {},
      ),
    ).toEqual({
      tool: 'http-get',
      args: { url: 'http://x' },
      serverEnv: { A: '1', B: 'x=y', E: '' },
      timeoutSeconds: 7,
      timeoutSource: 'flag',
      command: 'npx',
      commandArgs: ['-y', 'hal-mcp', '--tool'],
    });
  });

  it('a repeated flag: the last one wins, as in a hand-written loop', () => {
    const request = parseCommandLine(['--tool', 'a', '--tool', 'b', '--env', 'K=1', '--env', 'K=2', '--', 'srv'], {});
    expect(request.tool).toBe('b');
    expect(request.serverEnv).toEqual({ K: '2' });
  });

  it('--args takes any JSON value, and defaults to {}', () => {
    for (const [raw, value] of [
      ['[1,"two"]', [1, 'two']],
      ['null', null],
      ['"text"', 'text'],
      ['5', 5],
      [' {} ', {}],
    ] as const) {
      expect(parseCommandLine(['--tool', 't', '--args', raw, '--', 'srv'], {}).args).toEqual(value);
    }
    expect(parseCommandLine(['--tool', 't', '--', 'srv'], {}).args).toEqual({});
  });

  it(`the timeout: --timeout, else ${CALL_TOOL_TIMEOUT_ENV} (the kit's own), else ${DEFAULT_TIMEOUT_SECONDS} s; 0 is accepted`, () => {
    const plain = parseCommandLine(['--tool', 't', '--', 'srv'], {});
    expect([plain.timeoutSeconds, plain.timeoutSource]).toEqual([30, 'default']);
    const fromEnv = parseCommandLine(['--tool', 't', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '3' });
    expect([fromEnv.timeoutSeconds, fromEnv.timeoutSource]).toEqual([3, 'env']);
    const flagWins = parseCommandLine(['--tool', 't', '--timeout', '7', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: '3' });
    expect([flagWins.timeoutSeconds, flagWins.timeoutSource]).toEqual([7, 'flag']);
    expect(parseCommandLine(['--tool', 't', '--timeout', '0', '--', 'srv'], {}).timeoutSeconds).toBe(0);
  });

  it("whole seconds as Rust's u64 parse reads them, with its messages", () => {
    expect(parseU64('0')).toBe(0);
    expect(parseU64('+12')).toBe(12);
    expect(parseU64('18446744073709551615')).toBe(2 ** 64);
    expect(parseU64('')).toEqual({ error: 'cannot parse integer from empty string' });
    for (const bad of ['1.5', '-1', 'soon', ' 1', '1e3', '+', '0x10']) expect(parseU64(bad)).toEqual({ error: 'invalid digit found in string' });
    expect(parseU64('18446744073709551616')).toEqual({ error: 'number too large to fit in target type' });
  });

  // SERVER stands for a server command that would leave a marker if it were ever started.
  it.each<[string, string[], string]>([
    ['no argument at all', [], `no arguments given (flags: ${FLAGS})`],
    ['an unknown flag', ['--bogus', '--tool', 't', 'SERVER'], `unknown argument '--bogus' (flags: ${FLAGS})`],
    ['--help', ['--help'], `unknown argument '--help' (flags: ${FLAGS})`],
    ['-h', ['--tool', 't', '-h', 'SERVER'], `unknown argument '-h' (flags: ${FLAGS})`],
    ['--flag=value', ['--tool=http-get', 'SERVER'], `unknown argument '--tool=http-get' (flags: ${FLAGS})`],
    ['a word before --', ['--tool', 't', 'srv'], `unknown argument 'srv' (flags: ${FLAGS})`],
    ['a flag with no value', ['--tool'], '--tool needs a value: --tool NAME'],
    ['--args with no value', ['--tool', 't', '--args'], '--args needs a value: --args JSON'],
    ['no --tool', ['--args', '{}', 'SERVER'], `--tool NAME is missing: name the tool to call, e.g. --tool http-get (flags: ${FLAGS})`],
    ['no -- at all', ['--tool', 't'], 'no server command: put it after --, e.g. -- npx -y hal-mcp'],
    ['nothing after --', ['--tool', 't', '--'], 'no server command: put it after --, e.g. -- npx -y hal-mcp'],
    ['--env without =', ['--tool', 't', '--env', 'NOEQUALS', 'SERVER'], "--env needs KEY=VALUE, got 'NOEQUALS'"],
    [
      '--timeout 1.5',
      ['--tool', 't', '--timeout', '1.5', 'SERVER'],
      "invalid --timeout '1.5': invalid digit found in string; give whole seconds, e.g. --timeout 30 (0 times out at once)",
    ],
    ['--timeout -1', ['--tool', 't', '--timeout', '-1', 'SERVER'], "invalid --timeout '-1': invalid digit found in string"],
    ['--timeout soon', ['--tool', 't', '--timeout', 'soon', 'SERVER'], "invalid --timeout 'soon': invalid digit found in string"],
    ['an empty --timeout', ['--tool', 't', '--timeout', '', 'SERVER'], "invalid --timeout '': cannot parse integer from empty string"],
    [
      'a --timeout past u64',
      ['--tool', 't', '--timeout', '99999999999999999999', 'SERVER'],
      "invalid --timeout '99999999999999999999': number too large to fit in target type",
    ],
  ])('%s: exit 1, "failed to parse arguments" and the cause, server never started', async (_name, words, cause) => {
    const marker = markerServer();
    const argv = words.flatMap((word) => (word === 'SERVER' ? marker.words : [word]));
    const c = capture();
    expect(await callToolMain(argv, c.io, { env: { [CALL_TOOL_TIMEOUT_ENV]: '1' } })).toBe(EXIT_FAILURE);
    expect(c.err().startsWith(`${ARGS_ERROR}    ${cause}`)).toBe(true);
    expect(c.err()).toMatch(/\n$/);
    expect(c.err().split('\n')).toHaveLength(5); // one cause, one line
    expect(c.out()).toBe('');
    expect(marker.started()).toBe(false);
  });

  it(`a bad ${CALL_TOOL_TIMEOUT_ENV} is an error too (when --timeout is absent), naming the variable`, async () => {
    const c = capture();
    const marker = markerServer();
    expect(await callToolMain(['--tool', 't', ...marker.words], c.io, { env: { [CALL_TOOL_TIMEOUT_ENV]: '2.5' } })).toBe(1);
    expect(c.err()).toBe(
      `${ARGS_ERROR}    invalid ${CALL_TOOL_TIMEOUT_ENV} '2.5': invalid digit found in string; this test kit setting replaces the 30 s default timeout: set whole seconds, e.g. 3, or unset it\n`,
    );
    expect(marker.started()).toBe(false);
    expect(() => parseCommandLine(['--tool', 't', '--timeout', '4', '--', 'srv'], { [CALL_TOOL_TIMEOUT_ENV]: 'x' })).not.toThrow();
  });

  it('throws CallToolError with the context and the causes apart', () => {
    try {
      parseCommandLine(['--tool', 't', '--args', '{'], {});
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CallToolError);
      expect((error as CallToolError).context).toBe('failed to parse arguments');
      expect((error as CallToolError).causes[0]).toBe('failed to parse --args JSON: {');
    }
  });
});
