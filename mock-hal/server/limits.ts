// Every bound the mock enforces, in one place: the server, the msw handlers, the
// CLI flags and the README table all come from this list.

export interface Limits {
  maxBodyBytes: number;
  maxHeaderBytes: number;
  graphqlMaxQueryBytes: number;
  graphqlMaxDepth: number;
  graphqlMaxTokens: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  journalSize: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  maxBodyBytes: 1024 * 1024,
  maxHeaderBytes: 16 * 1024,
  graphqlMaxQueryBytes: 16 * 1024,
  graphqlMaxDepth: 12,
  graphqlMaxTokens: 1_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  journalSize: 1_000,
};

export const LIMIT_FLAGS: readonly { key: keyof Limits; flag: string; what: string }[] = [
  { key: 'maxBodyBytes', flag: '--max-body-bytes', what: 'larger request bodies get 413' },
  { key: 'maxHeaderBytes', flag: '--max-header-bytes', what: 'larger request headers get 431' },
  { key: 'graphqlMaxQueryBytes', flag: '--graphql-max-query-bytes', what: 'larger GraphQL queries get 400' },
  { key: 'graphqlMaxDepth', flag: '--graphql-max-depth', what: 'deeper GraphQL selections get 400' },
  { key: 'graphqlMaxTokens', flag: '--graphql-max-tokens', what: 'GraphQL documents with more tokens get 400' },
  { key: 'headersTimeoutMs', flag: '--headers-timeout-ms', what: 'a client slower to send its headers is cut off' },
  { key: 'requestTimeoutMs', flag: '--request-timeout-ms', what: 'a client slower to send its whole request is cut off' },
  { key: 'journalSize', flag: '--journal-size', what: 'requests the journal keeps (oldest dropped first)' },
];

export function resolveLimits(given: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(given) as [keyof Limits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      const flag = LIMIT_FLAGS.find((entry) => entry.key === key)?.flag ?? key;
      throw new RangeError(`${flag} must be a whole number >= 1, got ${value}`);
    }
    limits[key] = value;
  }
  return limits;
}
