// How a telemetry problem is worded: `<JSON path>: expected X, got <value>`, one line
// each, the same for the kit's schema and the Spec Kit's reader.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeValue, expectedGot, formatJsonPath, fromZodIssue, issueLine, valueAt } from '../../../harness/telemetry/telemetry-issues.ts';

describe('formatJsonPath', () => {
  it.each<[PropertyKey[], string]>([
    [[], '(top level)'],
    [['command'], 'command'],
    [['scenarios', 0, 'status'], 'scenarios[0].status'],
    [[0, 'a'], '[0].a'],
    [['hooks', 'session.start'], 'hooks["session.start"]'],
    [['a b', 'c'], '["a b"].c'],
    [['$ok', '_x1'], '$ok._x1'],
    [['1abc'], '["1abc"]'],
    [['say "hi"'], '["say \\"hi\\""]'],
    [[Symbol('s')], '["Symbol(s)"]'],
  ])('%j -> %s', (path, text) => {
    expect(formatJsonPath(path)).toBe(text);
  });
});

describe('valueAt', () => {
  const root = { scenarios: [{ status: 'passed' }], hooks: { 'session.start': null } };

  it('follows own keys and indexes, and is undefined where the path leaves the data', () => {
    expect(valueAt(root, ['scenarios', 0, 'status'])).toBe('passed');
    expect(valueAt(root, ['hooks', 'session.start'])).toBeNull();
    expect(valueAt(root, [])).toBe(root);
    expect(valueAt(root, ['scenarios', 1, 'status'])).toBeUndefined();
    expect(valueAt(root, ['hooks', 'session.start', 'x'])).toBeUndefined();
    expect(valueAt('text', ['length'])).toBeUndefined();
  });

  it('never reads inherited properties', () => {
    expect(valueAt({}, ['constructor'])).toBeUndefined();
    expect(valueAt({}, ['__proto__'])).toBeUndefined();
    expect(valueAt([], ['length'])).toBe(0); // own property of an array
  });
});

describe('describeValue', () => {
  it.each<[unknown, string]>([
    [undefined, 'nothing'],
    [null, 'null'],
    [42, '42'],
    ['x', '"x"'],
    [true, 'true'],
    [[1, 'a'], 'an array [1,"a"]'],
    [{ a: 1 }, 'an object {"a":1}'],
    [[], 'an array []'],
    [Number.NaN, 'null'],
  ])('%j -> %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  it('cuts long values to 80 characters ending in "..."', () => {
    expect(describeValue('a'.repeat(78))).toBe(`"${'a'.repeat(78)}"`);
    expect(describeValue('a'.repeat(79))).toBe(`"${'a'.repeat(76)}...`);
    expect(describeValue({ k: 'b'.repeat(100) })).toBe(`an object {"k":"${'b'.repeat(71)}...`);
  });

  it('a value too deep to print is {...} or [...], not a stack overflow', () => {
    let deep: unknown = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(describeValue(deep)).toBe('an array [...]');
    let object: unknown = {};
    for (let i = 0; i < 100_000; i++) object = { a: object };
    expect(describeValue(object)).toBe('an object {...}');
  });

  it('a value JSON cannot print (a bigint) still gives one line', () => {
    expect(describeValue(10n)).toBe('10');
  });

  it('any JSON value gives one line of at most 80 characters plus its article', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = describeValue(value);
        const body = text.replace(/^an (array|object) /, '');
        return !text.includes('\n') && body.length <= 80;
      }),
      { seed: 5, numRuns: 200 },
    );
  });
});

describe('expectedGot and issueLine', () => {
  it('says "missing" when nothing is there, otherwise what was seen', () => {
    expect(expectedGot('a string', 42, true)).toBe('expected a string, got 42');
    expect(expectedGot('a string', undefined, true)).toBe('expected a string, got nothing');
    expect(expectedGot('a string', 'ignored', false)).toBe('missing, expected a string');
    expect(issueLine({ path: 'scenarios[0].status', message: 'expected a string, got 42' })).toBe('scenarios[0].status: expected a string, got 42');
  });
});

describe('fromZodIssue', () => {
  const schema = z.object({
    command: z.string(),
    count: z.int(),
    ok: z.boolean(),
    status: z.enum(['passed', 'failed']),
    schemaVersion: z.literal(1),
    scenarios: z.array(z.object({ status: z.string() })).min(1),
    note: z.string().min(1),
    score: z.number().min(3),
    hooks: z.record(z.string(), z.number()),
    stamp: z.string().refine(() => false, 'expected an ISO-8601 time'),
    meta: z.object({}),
  });
  const data = {
    command: 42,
    count: 1.5,
    ok: 'yes',
    status: 'skipped',
    schemaVersion: 2,
    scenarios: [],
    note: '',
    score: 1,
    hooks: { 'session.start': 'x' },
    stamp: 'yesterday',
    meta: [1, 2],
  };
  const lines = (value: unknown): string[] => {
    const result = schema.safeParse(value);
    if (result.success) throw new Error('expected the data to fail');
    return result.error.issues.map((issue) => issueLine(fromZodIssue(issue, value)));
  };

  it('words each kind of problem as expected X, got the value at that path', () => {
    expect(lines(data)).toEqual([
      'command: expected a string, got 42',
      'count: expected an integer, got 1.5',
      'ok: expected true or false, got "yes"',
      'status: expected one of passed|failed, got "skipped"',
      'schemaVersion: expected 1, got 2',
      'scenarios: expected at least 1 item, got an empty array',
      'note: expected a non-empty string, got ""',
      'score: expected at least 3, got 1',
      'hooks["session.start"]: expected a number, got "x"',
      'stamp: expected an ISO-8601 time, got "yesterday"',
      'meta: expected an object, got an array [1,2]',
    ]);
  });

  it('a field that is not there is "missing"', () => {
    expect(lines({ ...data, command: undefined, scenarios: undefined })[0]).toBe('command: missing, expected a string');
    expect(lines({ ...data, command: undefined, scenarios: undefined })).toContain('scenarios: missing, expected an array');
  });

  it('the whole document of the wrong type is worded at (top level)', () => {
    expect(lines([1])).toEqual(['(top level): expected an object, got an array [1]']);
    expect(lines(null)).toEqual(['(top level): expected an object, got null']);
  });

  // Only an empty array is worded as empty; a min(2) rule given one item quotes it.
  it('"at least N items" quotes a too-short array that is not empty', () => {
    const two = z.object({ list: z.array(z.number()).min(2) });
    const result = two.safeParse({ list: [1] });
    expect(result.success).toBe(false);
    expect(fromZodIssue(result.error!.issues[0]!, { list: [1] })).toEqual({ path: 'list', message: 'expected at least 2 items, got an array [1]' });
  });

  it('a custom invalid_type message that already says "expected ..." is kept', () => {
    const custom = z.object({ when: z.string({ error: 'expected a time like 2025-09-29T16:34:21Z' }) });
    const result = custom.safeParse({ when: 5 });
    expect(fromZodIssue(result.error!.issues[0]!, { when: 5 })).toEqual({ path: 'when', message: 'expected a time like 2025-09-29T16:34:21Z, got 5' });
  });
});
