// The search inside bisect, on made-up states: how many commits it asks about, where it
// lands, how it skips a not-testable commit and when that leaves it ambiguous. The
// real-history bisections are in history.test.ts.
import { describe, expect, it } from 'vitest';
import type { GapState } from '../../../harness/gaps/index.ts';
import { searchFirstPresent } from '../../../harness/history/index.ts';

/** Runs the search over `states` (the last one is bad's) and records which indices it asked about. */
async function search(states: readonly GapState[]) {
  const asked: number[] = [];
  const outcome = await searchFirstPresent(states.length, async (index) => {
    asked.push(index);
    return states[index] as GapState;
  });
  return { outcome, asked };
}

const line = (count: number, firstPresent: number): GapState[] => Array.from({ length: count }, (_, index) => (index < firstPresent ? 'closed' : 'present'));

describe('searchFirstPresent', () => {
  it('finds the first present commit asking about at most ceil(log2(N)) of N, never about the last (bad shares its tree)', async () => {
    for (let count = 1; count <= 40; count += 1) {
      for (let firstPresent = 0; firstPresent < count; firstPresent += 1) {
        const { outcome, asked } = await search(line(count, firstPresent));
        expect(outcome).toEqual({ kind: 'found', index: firstPresent });
        expect(asked.length).toBeLessThanOrEqual(Math.ceil(Math.log2(count)));
        expect(asked).not.toContain(count - 1);
        expect(new Set(asked).size).toBe(asked.length);
      }
    }
  });

  it('asks about 6 of 64, not 64', async () => {
    const { asked } = await search(line(64, 41));
    expect(asked).toHaveLength(6);
  });

  it('skips a not-testable commit and asks the one nearest the middle instead', async () => {
    const states: GapState[] = ['closed', 'closed', 'not-testable', 'closed', 'present', 'present', 'present'];
    const { outcome, asked } = await search(states);
    expect(outcome).toEqual({ kind: 'found', index: 4 });
    expect(asked[0]).toBe(2);
    expect(asked[1]).toBe(1);
    expect(asked).not.toContain(6);
  });

  it('is not ambiguous when the skipped commits lie before the last closed one', async () => {
    const { outcome } = await search(['not-testable', 'closed', 'present']);
    expect(outcome).toEqual({ kind: 'found', index: 2 });
  });

  it('is ambiguous when only not-testable commits stand between the last closed and the first present', async () => {
    expect((await search(['closed', 'not-testable', 'not-testable', 'present'])).outcome).toEqual({ kind: 'ambiguous', indices: [1, 2, 3] });
    expect((await search(['not-testable', 'present'])).outcome).toEqual({ kind: 'ambiguous', indices: [0, 1] });
  });

  it('on a gap that comes and goes, lands on a change: closed (or good) right before a present commit', async () => {
    const states: GapState[] = ['present', 'closed', 'closed', 'present', 'closed', 'present', 'present'];
    const { outcome, asked } = await search(states);
    expect(outcome.kind).toBe('found');
    const index = (outcome as { index: number }).index;
    expect(states[index]).toBe('present');
    expect(index === 0 || (asked.includes(index - 1) && states[index - 1] === 'closed')).toBe(true);
  });
});
