// API-key checking and the journal's redaction, shared by the app and the journal.
import { createHash, timingSafeEqual } from 'node:crypto';
import { REDACTED, redactor } from '../../common/hal-contract/redact.ts';
import { API_KEY_HEADERS } from '../../common/hal-contract/smoke-requests.ts';

export const DEFAULT_API_KEY = 'kvd_mock_hal_dev_key';
export const DEFAULT_API_KEY_HEADERS: readonly string[] = API_KEY_HEADERS.map((name) => name.toLowerCase());

/**
 * Shorter keys are not hidden in the journal: a one-letter key would turn every path
 * and body into [REDACTED] soup, and a key that short protects nothing anyway.
 */
const MIN_JOURNAL_SECRET_LENGTH = 4;

/**
 * Headers whose values the journal hides whatever they hold: a request may carry
 * credentials the mock was never told about. Other headers stay readable, because
 * tests read the journal to see what a guardrail sent.
 */
const SECRET_HEADERS = new Set(['x-api-key', 'apikey', 'authorization', 'cookie', 'x-mock-control-token']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares in constant time: hashing first makes both sides the same length. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** secretsEqual against a fixed secret, hashing that secret once rather than per request. */
export function secretMatcher(expected: string): (given: string) => boolean {
  const want = digest(expected);
  return (given) => timingSafeEqual(digest(given), want);
}

export function apiKeyFromHeaders(headers: Headers, headerNames: readonly string[]): string | null {
  for (const name of headerNames) {
    const value = headers.get(name);
    if (value !== null && value !== '') return value;
  }
  return null;
}

export interface JournalRedactionOptions {
  apiKey?: string;
  apiKeyHeaders?: readonly string[];
  secrets?: readonly string[];
  revealSecrets?: boolean;
}

/** The journal's redaction, built alike by a single server and by the primary of a `--workers` one. */
export function journalRedactor(options: JournalRedactionOptions): Redactor {
  if (options.revealSecrets) return Redactor.none;
  const apiKeyHeaders = (options.apiKeyHeaders ?? DEFAULT_API_KEY_HEADERS).map((name) => name.toLowerCase());
  return new Redactor([options.apiKey ?? DEFAULT_API_KEY, ...(options.secrets ?? [])], apiKeyHeaders);
}

export class Redactor {
  /** Hides nothing: for journals of throw-away keys that a test must read as sent. */
  static readonly none = new Redactor([], [], false);
  private hide: (text: string) => string;
  private readonly secrets: Set<string>;
  private readonly secretHeaders: Set<string>;
  private readonly learns: boolean;

  constructor(secrets: readonly string[], extraSecretHeaders: readonly string[] = [], hideSecretHeaders = true) {
    this.secrets = new Set(secrets);
    this.hide = redactor(this.secrets, MIN_JOURNAL_SECRET_LENGTH);
    this.learns = hideSecretHeaders;
    this.secretHeaders = hideSecretHeaders ? new Set([...SECRET_HEADERS, ...extraSecretHeaders.map((name) => name.toLowerCase())]) : new Set();
  }

  /**
   * Hides `secret` from now on, in what was journalled before too (the journal redacts when
   * read): mock-hal proxy learns each key a client sends, as record does, since the real
   * API's keys were never given to it.
   */
  learn(secret: string): void {
    if (!this.learns || secret === '' || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    this.hide = redactor(this.secrets, MIN_JOURNAL_SECRET_LENGTH);
  }

  text(value: string): string {
    return this.hide(value);
  }

  headers(headers: Headers): Record<string, string> {
    const out: Record<string, string> = {};
    headers.forEach((value, name) => {
      // The name too: a header can be named after a secret.
      out[this.text(name)] = this.secretHeaders.has(name.toLowerCase()) ? REDACTED : this.text(value);
    });
    return out;
  }
}
