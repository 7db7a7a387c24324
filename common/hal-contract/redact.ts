// The one redaction rule: every occurrence of every secret value becomes [REDACTED],
// longest secret first so that a secret containing another is hidden whole rather than
// leaving a tail. The journal, `mock-hal record` and the harness's shim log all use it.
// What they decide to treat as a secret differs, and stays with them:
// - mock-hal's journal (server/auth.ts) ignores secrets under 4 characters, which would
//   mangle every path and body, and masks whole header values by header name;
// - record drops response headers by name rather than masking them (a replay file is
//   shared, and losing a header costs less than leaking one);
// - the harness takes its secrets from HAL_SECRET_ variables (harness/evidence/secrets.ts).
// The fake HAL server (harness/fakes/hal-server/hal-secrets.ts) keeps its own loop: it
// copies hal-mcp's redaction byte for byte, order included, and the conformance suite
// compares it with the real one.

export const REDACTED = '[REDACTED]';

/** The distinct values worth hiding, longest first; empty ones and ones under `minLength` are left out. */
export function secretsToHide(values: Iterable<string>, minLength = 1): string[] {
  const wanted = new Set<string>();
  for (const value of values) if (value.length >= Math.max(1, minLength)) wanted.add(value);
  return [...wanted].sort((a, b) => b.length - a.length);
}

/** A redaction function for a fixed set of secrets, sorted once: for hot paths such as the journal. */
export function redactor(secrets: Iterable<string>, minLength = 1): (text: string) => string {
  const hide = secretsToHide(secrets, minLength);
  if (hide.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const secret of hide) if (out.includes(secret)) out = out.replaceAll(secret, REDACTED);
    return out;
  };
}

/** `text` with every occurrence of every secret replaced by [REDACTED]. */
export function redact(text: string, secrets: Iterable<string>): string {
  return redactor(secrets)(text);
}
