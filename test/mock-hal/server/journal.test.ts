// The journal ring: bounded, numbered in arrival order, formatted and redacted on read.
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../mock-hal/server/auth.ts';
import { Journal, type JournalRecord } from '../../../mock-hal/server/journal.ts';

const SECRET = 'kvd_journal_secret_1';

function record(n: number, extra: Partial<JournalRecord> = {}): JournalRecord {
  return {
    arrivedAt: Date.UTC(2026, 11, 1, 12, 0, n),
    method: 'GET',
    url: `http://127.0.0.1:7878/api/v3/movie?page=${n}`,
    headers: ['Host', '127.0.0.1:7878', 'X-Api-Key', SECRET],
    body: '',
    scenario: 'healthy',
    phase: 'healthy',
    status: 200,
    durationMs: 1,
    completedAt: n,
    ...extra,
  };
}

describe('Journal', () => {
  it('keeps the newest `capacity` records, numbered from the first ever added', () => {
    const journal = new Journal(3, Redactor.none);
    for (let n = 1; n <= 5; n += 1) journal.add(record(n));
    expect(journal.size).toBe(3);
    expect(journal.list().map((entry) => [entry.id, entry.query.page])).toEqual([
      [3, '3'],
      [4, '4'],
      [5, '5'],
    ]);
  });

  it('keeps numbering after a clear, and hands records over oldest first', () => {
    const journal = new Journal(10, Redactor.none);
    journal.add(record(1));
    journal.add(record(2));
    journal.clear();
    journal.add(record(3));
    expect(journal.list().map((entry) => entry.id)).toEqual([3]);
    journal.add(record(4));
    expect(journal.takeRecords().map((taken) => taken.completedAt)).toEqual([3, 4]);
    expect(journal.size).toBe(0);
    expect(journal.list()).toEqual([]);
  });

  it('formats on read: ISO time, parsed query, the check, and secrets redacted wherever they are', () => {
    const journal = new Journal(5, new Redactor([SECRET], ['x-api-key']));
    journal.add(record(7, { url: `http://127.0.0.1:7878/api/v3/movie?token=${SECRET}`, body: `{"key":"${SECRET}"}`, method: 'POST' }));
    const [entry] = journal.list();
    expect(entry).toMatchObject({
      id: 1,
      time: '2026-12-01T12:00:07.000Z',
      path: '/api/v3/movie',
      query: { token: '[REDACTED]' },
      headers: { host: '127.0.0.1:7878', 'x-api-key': '[REDACTED]' },
      body: '{"key":"[REDACTED]"}',
      bodyIsJson: true,
      check: 'list_movies',
    });
    expect(JSON.stringify(entry)).not.toContain(SECRET);
  });

  it('takes Web Headers too (msw), and joins repeated raw headers as Headers does', () => {
    const journal = new Journal(5, Redactor.none);
    journal.add(record(1, { headers: new Headers({ 'X-Note': 'a' }) }));
    journal.add(record(2, { headers: ['X-Note', 'a', 'x-note', 'b', ':authority', 'h2-only'] }));
    expect(journal.list().map((entry) => entry.headers)).toEqual([{ 'x-note': 'a' }, { 'x-note': 'a, b' }]);
  });

  it('refuses a capacity that is not a whole number >= 1', () => {
    expect(() => new Journal(0, Redactor.none)).toThrow('journal size must be a whole number >= 1, got 0');
  });
});
