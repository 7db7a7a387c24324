// What the harness's commands share on the command line: the options of the commands
// that probe a repository (gaps, knobs), and the checks of option values.
import { UsageError } from '../../common/cli/index.ts';
import { DEFAULT_SPEC_ID } from '../run/runner.ts';

/** Options common to `gaps` and `knobs` (parseCommandLine adds --help). */
export const PROBE_COMMAND_OPTIONS = {
  repo: { type: 'string' },
  spec: { type: 'string', default: DEFAULT_SPEC_ID },
  out: { type: 'string', default: 'evidence-bundles' },
  'report-json': { type: 'string' },
  concurrency: { type: 'string' },
  env: { type: 'string', multiple: true, default: [] as string[] },
  'env-file': { type: 'string', multiple: true, default: [] as string[] },
} as const;

export function commaList(value: string, flag: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${flag} needs at least one item`);
  return items;
}

export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** --concurrency of run, gaps and knobs: undefined leaves it to the number of cores. */
export function concurrencyOption(value: string | undefined): number | undefined {
  return value === undefined ? undefined : wholeNumber(value, '--concurrency', 1, 64);
}
