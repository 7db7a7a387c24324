// Option values shared by serve and record.
import { UsageError } from '../../common/cli/index.ts';

export function positiveInt(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 2 ** 31) {
    throw new UsageError(`${flag} must be a whole number >= ${min}, got "${value}"`);
  }
  return Number(value);
}

/** --port: 0 asks the system for a free port. */
export function portOption(value: string): number {
  const port = positiveInt(value, '--port', 0) as number;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  return port;
}
