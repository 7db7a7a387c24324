// Every bound the mock enforces: the defaults, the CLI flag table, and how a given
// value is checked (a whole number >= 1, named by its flag when it is wrong).
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, LIMIT_FLAGS, type Limits, resolveLimits } from '../../../mock-hal/server/limits.ts';

describe('LIMIT_FLAGS', () => {
  it('has one kebab-case --flag per limit, in the order of the defaults', () => {
    expect(LIMIT_FLAGS.map((entry) => entry.key)).toEqual(Object.keys(DEFAULT_LIMITS));
    for (const { key, flag, what } of LIMIT_FLAGS) {
      expect(flag).toBe(`--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`);
      expect(what).not.toBe('');
    }
  });
});

describe('resolveLimits', () => {
  it('gives the defaults when nothing is given, as a copy', () => {
    const limits = resolveLimits();
    expect(limits).toEqual(DEFAULT_LIMITS);
    limits.journalSize = 1;
    expect(DEFAULT_LIMITS.journalSize).toBe(1_000);
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
  });

  it('replaces only the limits given; undefined means the default', () => {
    expect(resolveLimits({ maxBodyBytes: 1, journalSize: undefined })).toEqual({ ...DEFAULT_LIMITS, maxBodyBytes: 1 });
    expect(resolveLimits({ graphqlMaxDepth: 2 ** 40 }).graphqlMaxDepth).toBe(2 ** 40);
  });

  it.each<[Partial<Limits>, string]>([
    [{ maxBodyBytes: 0 }, '--max-body-bytes must be a whole number >= 1, got 0'],
    [{ graphqlMaxDepth: -3 }, '--graphql-max-depth must be a whole number >= 1, got -3'],
    [{ requestTimeoutMs: 1.5 }, '--request-timeout-ms must be a whole number >= 1, got 1.5'],
    [{ journalSize: Number.NaN }, '--journal-size must be a whole number >= 1, got NaN'],
    [{ headersTimeoutMs: Number.POSITIVE_INFINITY }, '--headers-timeout-ms must be a whole number >= 1, got Infinity'],
  ])('%j is refused with a RangeError naming the flag', (given, message) => {
    expect(() => resolveLimits(given)).toThrow(RangeError);
    expect(() => resolveLimits(given)).toThrow(message);
  });

  it('a value that is not a number is refused too', () => {
    expect(() => resolveLimits({ maxHeaderBytes: '16' as unknown as number })).toThrow('--max-header-bytes must be a whole number >= 1, got 16');
  });
});
