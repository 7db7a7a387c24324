// Which response headers a recording keeps. A recording is a file people share and
// commit, so this drops by name (anything that may carry a credential or session),
// unlike the journal, which masks a fixed list and keeps the rest readable.

/** Connection-level headers (RFC 9110 7.6.1) and ones the replay sets itself. */
export const DROPPED_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
  // The replay sends the decoded text, so its length and encoding are its own.
  'content-length',
  'content-encoding',
  // Volatile, and would be stale in a replay.
  'date',
  // Credentials and session state.
  'authorization',
  'cookie',
  'set-cookie',
  'set-cookie2',
  'x-api-key',
  'apikey',
]);

/**
 * What the proxy must not pass on in either direction: the hop-by-hop ones. Credentials
 * and the date are the client's and the API's business, so they go through.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set(
  [...DROPPED_HEADERS].filter((h) => !['authorization', 'cookie', 'x-api-key', 'apikey', 'date'].includes(h)),
);

const SECRET_HEADER_NAME = /token|secret|api-?key|password|passwd|credential|session|cookie/i;
// What the scenario model accepts as a header value.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Response headers worth replaying: no hop-by-hop, length, date, cookie or secret headers. */
export function keptHeaders(headers: Headers, secrets: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (DROPPED_HEADERS.has(lower) || SECRET_HEADER_NAME.test(lower)) return;
    // Dropped, not masked: a masked value would replay as a wrong one.
    if (secrets.some((secret) => secret !== '' && value.includes(secret))) return;
    if (!HEADER_VALUE.test(value)) return;
    kept[lower] = value;
  });
  return kept;
}
