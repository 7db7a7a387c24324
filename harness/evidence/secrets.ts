// Which values the kit must never write: the values of HAL_SECRET_ variables, hidden by
// the hermetic shims in what they log. How they are hidden is the contract's one
// redaction rule (common/hal-contract/redact.ts); hal-mcp's own rules: hal-secrets.ts.
import { REDACTED, redact, secretsToHide } from '../../common/hal-contract/redact.ts';

export { REDACTED, redact };
export const SECRET_ENV_PREFIX = 'HAL_SECRET_';

/** The distinct non-empty values of every HAL_SECRET_ variable and of `extra`, longest first. */
export function secretValues(env: NodeJS.ProcessEnv, extra: Iterable<string> = []): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(SECRET_ENV_PREFIX) && value) values.push(value);
  }
  return secretsToHide([...values, ...extra]);
}
