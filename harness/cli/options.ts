// What the harness's commands share on the command line: the usage error (exit 2),
// and the options of the commands that probe a repository (gaps, knobs).
import { DEFAULT_SPEC_ID } from '../run/runner.ts';

/** A command line the harness cannot act on: the CLI prints its message and exits 2. */
export class UsageError extends Error {}

/** parseArgs options common to `gaps` and `knobs`. */
export const PROBE_COMMAND_OPTIONS = {
  repo: { type: 'string' },
  spec: { type: 'string', default: DEFAULT_SPEC_ID },
  out: { type: 'string', default: 'evidence-bundles' },
  'report-json': { type: 'string' },
  concurrency: { type: 'string' },
  env: { type: 'string', multiple: true, default: [] as string[] },
  'env-file': { type: 'string', multiple: true, default: [] as string[] },
  help: { type: 'boolean', short: 'h' },
} as const;
