// The secret values the kit must never write: the values of HAL_SECRET_ variables,
// hidden by the hermetic shims in what they log. (hal-mcp's own rules: hal-secrets.ts.)

export const SECRET_ENV_PREFIX = 'HAL_SECRET_';
export const REDACTED = '[REDACTED]';

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
