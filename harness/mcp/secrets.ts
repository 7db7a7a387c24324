// HAL's secret conventions, shared by the HAL server (substitution, output
// redaction) and the hermetic shims (redacting what they log).

export const SECRET_ENV_PREFIX = 'HAL_SECRET_';
export const REDACTED = '[REDACTED]';

const PLACEHOLDER = /\{secrets\.([A-Za-z0-9_]+)\}/g;

/** Maps a placeholder name to its variable: `kavedarr_api_key` and `HAL_SECRET_KAVEDARR_API_KEY` both give the latter. */
export function secretVariableName(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith(SECRET_ENV_PREFIX) ? upper : SECRET_ENV_PREFIX + upper;
}

/** Replaces `{secrets.<name>}` with the value of its HAL_SECRET_ variable; unknown names stay as written. */
export function substituteSecrets(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => env[secretVariableName(name)] ?? whole);
}

/**
 * The non-empty values of every HAL_SECRET_ variable, longest first so that a
 * secret containing another is redacted whole rather than leaving a tail.
 */
export function secretValues(env: NodeJS.ProcessEnv, extra: Iterable<string> = []): string[] {
  const values = new Set<string>();
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(SECRET_ENV_PREFIX) && value) values.add(value);
  }
  for (const value of extra) if (value) values.add(value);
  return [...values].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  return out;
}
