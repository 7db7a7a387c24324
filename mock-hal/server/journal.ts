// The request journal: what the mock received, bounded so a long soak cannot grow
// memory without limit. Modelled on WireMock's request journal.
//
// A request only stores what it already has in hand (the URL string, the raw header
// list, the body text); parsing, redaction and JSON checks wait until someone reads
// the journal. Reads are rare and requests are many: doing that work per request
// was most of a /health answer's cost.
import { checkFailure, journalAnswer } from '../../common/hal-contract/check-outcome.ts';
import { checkAtPath } from '../../common/hal-contract/routes.ts';
import type { Fault } from '../answers/behaviours.ts';
import type { GraphqlInspection } from '../answers/graphql.ts';
import type { Choice } from '../scenario/choices.ts';
import type { Redactor } from './auth.ts';
import { isJson } from './request-body.ts';

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
  fault?: Fault;
  /** mock-hal proxy: why the API behind it gave no answer (the fault is then `reset` or `client-gone`). */
  upstreamError?: string;
  /**
   * The smoke endpoints only: why a correct guardrail must count this answer as a failed
   * check, by the contract's rule applied to what was sent (body included), or null when
   * it counts as passed. What the harness judges a flaky or proxied run by.
   */
  failure?: string | null;
  /** The per-request decisions (flaky, sequence, jittered delay) that picked this answer, outermost first. */
  choices?: Choice[];
  durationMs: number;
}

/** Request headers as received: node's raw name/value list, or a Web Headers object (msw, app.fetch). */
export type ReceivedHeaders = Headers | readonly string[];

/** What a request leaves in the journal, unparsed and unredacted until read. */
export interface JournalRecord {
  /** Epoch milliseconds at arrival. */
  arrivedAt: number;
  method: string;
  url: string;
  headers: ReceivedHeaders;
  body: string;
  scenario: string;
  phase: string;
  status: number | null;
  durationMs: number;
  /** High-resolution epoch milliseconds when the answer was done: orders records from several processes. */
  completedAt: number;
  graphql?: GraphqlInspection;
  fault?: Fault;
  /** Set only where judging the answer needed its body; otherwise judged from status and fault when read. */
  failure?: string | null;
  upstreamError?: string;
  choices?: readonly Choice[];
}

/** Records are JSON-safe (node's raw header list, not a Headers object) when they must cross processes. */
export type PortableJournalRecord = JournalRecord & { headers: readonly string[] };

/** Node's raw list as Web Headers, the way @hono/node-server builds them, so both transports journal alike. */
function toHeaders(received: ReceivedHeaders): Headers {
  if (!Array.isArray(received)) return received as Headers;
  const headers = new Headers();
  for (let index = 0; index + 1 < received.length; index += 2) {
    const name = received[index] as string;
    if (name.startsWith(':')) continue;
    try {
      headers.append(name, received[index + 1] as string);
    } catch {
      // Node's parser lets through a few values Headers refuses; the journal keeps the rest.
    }
  }
  return headers;
}

function toEntry(id: number, record: JournalRecord, redactor: Redactor): JournalEntry {
  const url = new URL(record.url);
  const { body, graphql } = record;
  const check = checkAtPath(url.pathname);
  const entry: JournalEntry = {
    id,
    time: new Date(record.arrivedAt).toISOString(),
    method: record.method,
    // A client may put the key anywhere: in the path, a parameter's name or its value.
    path: redactor.text(url.pathname),
    query: Object.fromEntries([...url.searchParams].map(([key, value]) => [redactor.text(key), redactor.text(value)])),
    headers: redactor.headers(toHeaders(record.headers)),
    body: redactor.text(body),
    bodyIsJson: body === '' ? null : isJson(body),
    check,
    scenario: record.scenario,
    phase: record.phase,
    status: record.status,
    durationMs: record.durationMs,
  };
  if (graphql) {
    entry.graphql = graphql.ok
      ? { parseable: true, operation: graphql.operation, query: redactor.text(graphql.query) }
      : { parseable: false, operation: null, query: graphql.query === null ? null : redactor.text(graphql.query), error: redactor.text(graphql.error) };
  }
  if (record.fault) entry.fault = record.fault;
  if (record.upstreamError !== undefined) entry.upstreamError = redactor.text(record.upstreamError);
  if (check !== null) {
    const failure = record.failure !== undefined ? record.failure : checkFailure(check, journalAnswer(record));
    entry.failure = failure === null ? null : redactor.text(failure);
  }
  if (record.choices) entry.choices = [...record.choices];
  return entry;
}

export class Journal {
  /** A ring: `records[(start + i) % capacity]` is the i-th oldest kept record. */
  private readonly records: (JournalRecord | undefined)[];
  private start = 0;
  private count = 0;
  private nextId = 1;
  readonly capacity: number;
  private readonly redactor: Redactor;

  constructor(capacity: number, redactor: Redactor) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`journal size must be a whole number >= 1, got ${capacity}`);
    }
    this.capacity = capacity;
    this.redactor = redactor;
    this.records = new Array(Math.min(capacity, 1024));
  }

  add(record: JournalRecord): void {
    this.nextId += 1;
    if (this.count < this.capacity) {
      this.records[(this.start + this.count) % this.capacity] = record;
      this.count += 1;
      return;
    }
    // Full: the newest takes the oldest's slot.
    this.records[this.start] = record;
    this.start = (this.start + 1) % this.capacity;
  }

  get size(): number {
    return this.count;
  }

  list(): JournalEntry[] {
    const firstId = this.nextId - this.count;
    const entries: JournalEntry[] = [];
    for (let index = 0; index < this.count; index += 1) {
      const record = this.records[(this.start + index) % this.capacity] as JournalRecord;
      entries.push(toEntry(firstId + index, record, this.redactor));
    }
    return entries;
  }

  /** Hands over every kept record, oldest first, and forgets them: how a worker passes its share on. */
  takeRecords(): JournalRecord[] {
    const taken: JournalRecord[] = [];
    for (let index = 0; index < this.count; index += 1) taken.push(this.records[(this.start + index) % this.capacity] as JournalRecord);
    this.clear();
    return taken;
  }

  clear(): void {
    this.records.length = 0;
    this.start = 0;
    this.count = 0;
  }
}
