// API-key checking and secret redaction, shared by the app and the journal.
import { createHash, timingSafeEqual } from 'node:crypto';

export const DEFAULT_API_KEY = 'kvd_mock_hal_dev_key';
export const DEFAULT_API_KEY_HEADERS: readonly string[] = ['x-api-key', 'apikey'];
export const REDACTED = '[REDACTED]';

/** Headers whose values are secrets whatever they hold. */
const SECRET_HEADERS = new Set(['x-api-key', 'apikey', 'authorization', 'cookie', 'x-mock-control-token']);

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares in constant time: hashing first makes both sides the same length. */
export function secretsEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function apiKeyFromHeaders(headers: Headers, headerNames: readonly string[]): string | null {
  for (const name of headerNames) {
    const value = headers.get(name);
    if (value !== null && value !== '') return value;
  }
  return null;
}

export class Redactor {
  /** Hides nothing: for journals of throw-away keys that a test must read as sent. */
  static readonly none = new Redactor([], [], false);
  private readonly secrets: string[];
  private readonly secretHeaders: Set<string>;

  constructor(secrets: readonly string[], extraSecretHeaders: readonly string[] = [], hideSecretHeaders = true) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
    this.secretHeaders = hideSecretHeaders
      ? new Set([...SECRET_HEADERS, ...extraSecretHeaders.map((name) => name.toLowerCase())])
      : new Set();
  }

  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) out = out.split(secret).join(REDACTED);
    return out;
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
