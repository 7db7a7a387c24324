// safeFileName and uniqueSafeFileName on fixed examples: colons, control characters,
// dots, long names, -2/-3 suffixes. The same as properties over any input: safe-names.test.ts.
import { describe, expect, it } from 'vitest';
import { safeFileName, uniqueSafeFileName } from '../../../harness/evidence/safe-names.ts';

describe('safeFileName', () => {
  it('replaces the colons of guardrail file names', () => {
    expect(safeFileName('spec-validate_2025-09-29T16:34:21Z-229132461.json')).toBe('spec-validate_2025-09-29T16-34-21Z-229132461.json');
  });

  it.each([
    ['a"b<c>d|e*f?g.txt', 'a-b-c-d-e-f-g.txt'],
    ['line\r\nbreak.log', 'line--break.log'],
    ['back\\slash/and/slash', 'back-slash-and-slash'],
    ['tab\there\u0000\u001b', 'tab-here--'],
    ['.hidden', '-hidden'],
    ['..', '--'],
    ['  spaced name  ', '--spaced name--'],
    ['trailing.', 'trailing-'],
    ['', 'unnamed'],
    ['plain-name_1.json', 'plain-name_1.json'],
    ['ünïcode ✓.md', 'ünïcode ✓.md'],
  ])('%j -> %j', (input, expected) => {
    const out = safeFileName(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(/[:"<>|*?\r\n\\/]/);
  });

  it('is stable', () => {
    const name = 'x:y?z.json';
    expect(safeFileName(name)).toBe(safeFileName(name));
  });

  it('shortens very long names and keeps the extension', () => {
    const out = safeFileName(`${'é'.repeat(300)}.json`);
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(200);
    expect(out.endsWith('é.json')).toBe(true);
  });
});

describe('uniqueSafeFileName', () => {
  it('appends -2, -3 on collision', () => {
    const used = new Set<string>();
    expect(uniqueSafeFileName('a:b.json', used)).toBe('a-b.json');
    expect(uniqueSafeFileName('a-b.json', used)).toBe('a-b-2.json');
    expect(uniqueSafeFileName('a?b.json', used)).toBe('a-b-3.json');
    expect(uniqueSafeFileName('A-B.JSON', used)).toBe('A-B-4.JSON');
    expect([...used]).toEqual(['a-b.json', 'a-b-2.json', 'a-b-3.json', 'A-B-4.JSON']);
  });

  it('avoids names already taken, like the writer’s own files', () => {
    const used = new Set(['telemetry.json', 'stdout.txt']);
    expect(uniqueSafeFileName('telemetry.json', used)).toBe('telemetry-2.json');
    expect(uniqueSafeFileName('noext', new Set(['noext']))).toBe('noext-2');
  });
});
