// The request journal: what the mock received, bounded so a long soak cannot grow
// memory without limit. Modelled on WireMock's request journal.

export interface JournalEntry {
  id: number;
  /** ISO-8601 time the request arrived. */
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased; secret values replaced by "[REDACTED]". */
  headers: Record<string, string>;
  /** Raw body text, secret values redacted; "" when there was none. */
  body: string;
  /** True when the body parsed as JSON; null when there was no body. */
  bodyIsJson: boolean | null;
  /** For /graphql: whether the body held a parseable GraphQL document, and its operation. */
  graphql?: { parseable: boolean; operation: string | null; query: string | null; error?: string };
  /** Which smoke check this endpoint serves, when it is one of the four. */
  check: string | null;
  scenario: string;
  phase: string;
  /** HTTP status sent; null when no answer was sent (hang, reset). */
  status: number | null;
  /** Set when the answer was a fault rather than an HTTP response. */
  fault?: 'hang' | 'reset' | 'client-gone';
  durationMs: number;
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private nextId = 1;
  readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`journal size must be a whole number >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
  }

  add(entry: Omit<JournalEntry, 'id'>): JournalEntry {
    const full = { id: this.nextId++, ...entry };
    this.entries.push(full);
    // Drop the oldest entry once full; shift() on a 1000-element array is cheap
    // next to the request that caused it.
    if (this.entries.length > this.capacity) this.entries.shift();
    return full;
  }

  list(): JournalEntry[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries.length = 0;
  }
}
