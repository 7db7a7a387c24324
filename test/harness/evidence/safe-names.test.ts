// safeFileName and uniqueSafeFileName as properties over any input; the fixed
// examples (colons, control characters, dots, -2/-3 suffixes) are in evidence-file-names.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeFileName, uniqueSafeFileName } from '../../../harness/evidence/safe-names.ts';

const UNSAFE = /[:"<>|*?\\/\u0000-\u001f\u007f]/;
const MAX_BYTES = 200;

/** Names built from the characters that matter: the unsafe ones, dots, spaces, multi-byte text. */
const nameArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(':', '/', '\\', '.', ' ', '*', '\u0000', '\n', 'a', 'Z', '-', 'é', '😀'), maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);
const longNameArb = fc
  .tuple(fc.string({ unit: fc.constantFrom('a', 'é', '😀', '.', ' ', ':'), minLength: 150, maxLength: 300 }), fc.constantFrom('', '.json', '.txt', '.tar.gz'))
  .map(([stem, ext]) => stem + ext);

describe('safeFileName', () => {
  it('never gives an unsafe character, an empty name or a name starting with a dot or space', () => {
    fc.assert(
      fc.property(fc.oneof(nameArb, longNameArb), (name) => {
        const safe = safeFileName(name);
        return safe !== '' && !UNSAFE.test(safe) && !/^[. ]/.test(safe) && Buffer.byteLength(safe) <= MAX_BYTES;
      }),
      { seed: 39, numRuns: 400 },
    );
  });

  it('keeps the length of a name that fits: each unsafe character becomes one "-"', () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        fc.pre(Buffer.byteLength(name) <= MAX_BYTES && name !== '');
        return [...safeFileName(name)].length === [...name].length;
      }),
      { seed: 39, numRuns: 300 },
    );
  });

  it('shortens by whole code points, so the result is valid UTF-8, and keeps a short extension', () => {
    const name = `${'😀'.repeat(100)}.json`; // 405 bytes
    const safe = safeFileName(name);
    expect(safe).toBe(`${'😀'.repeat(48)}.json`); // 48 * 4 + 5 = 197 bytes; a 49th would be 201
    expect(Buffer.from(safe, 'utf8').toString('utf8')).toBe(safe);
  });

  it('drops an extension that is too long or not plain when shortening', () => {
    expect(safeFileName(`${'a'.repeat(195)}.verylongextension`)).toBe(`${'a'.repeat(195)}.very`);
    expect(safeFileName(`${'a'.repeat(250)}.abcdefghij`)).toBe(`${'a'.repeat(189)}.abcdefghij`);
  });

  it('a name of exactly 200 bytes is kept; 201 bytes is cut to 200', () => {
    expect(safeFileName('b'.repeat(200))).toBe('b'.repeat(200));
    expect(safeFileName('b'.repeat(201))).toBe('b'.repeat(200));
  });

  // A cut that lands just after a space or dot must not leave the character Windows trims.
  it('never ends with a dot or space, even after shortening', () => {
    expect(safeFileName(`${'a'.repeat(199)} ${'b'.repeat(10)}`)).not.toMatch(/[. ]$/);
  });

  it('is idempotent for shortened names too', () => {
    const once = safeFileName(`${'a'.repeat(199)} ${'b'.repeat(10)}`);
    expect(safeFileName(once)).toBe(once);
  });

  it('is idempotent for names that need no shortening', () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        const once = safeFileName(name);
        return safeFileName(once) === once;
      }),
      { seed: 39, numRuns: 300 },
    );
  });
});

describe('uniqueSafeFileName', () => {
  it('gives names distinct ignoring case, each safe, and records every one in `used`', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'A', ':', '.', 'j', 's', 'o', 'n'), maxLength: 6 }), { maxLength: 25 }), (names) => {
        const used = new Set<string>();
        const given = names.map((name) => uniqueSafeFileName(name, used));
        const lower = new Set(given.map((name) => name.toLowerCase()));
        return lower.size === given.length && given.every((name) => !UNSAFE.test(name) && used.has(name)) && used.size === given.length;
      }),
      { seed: 39, numRuns: 200 },
    );
  });

  it('keeps the extension after the counter and skips counters already taken', () => {
    const used = new Set(['report.json', 'REPORT-2.json', 'report-3.JSON']);
    expect(uniqueSafeFileName('report.json', used)).toBe('report-4.json');
    expect(used.has('report-4.json')).toBe(true);
  });

  it('a name that is not taken is returned as safeFileName gives it, even when a longer one is', () => {
    const used = new Set(['a.json.bak']);
    expect(uniqueSafeFileName('a.json', used)).toBe('a.json');
  });

  it('an extension that is not plain is part of the stem: the counter goes at the end', () => {
    const used = new Set(['notes.v1 final']);
    expect(uniqueSafeFileName('notes.v1 final', used)).toBe('notes.v1 final-2');
  });
});
