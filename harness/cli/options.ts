// What the harness's commands share on the command line: the options of the commands
// that probe a repository (gaps, knobs, history, bisect), and the checks of option values.
import { type Io, UsageError } from '../../common/cli/index.ts';
import { type CommitProbeOptions, examinedLine } from '../history/index.ts';
import { collectUserEnv } from '../run/run-environment.ts';
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

/** Options of `history` and `bisect`, on top of PROBE_COMMAND_OPTIONS. */
export const COMMIT_PROBE_OPTIONS = {
  ...PROBE_COMMAND_OPTIONS,
  paths: { type: 'string', multiple: true, default: [] as string[] },
  cache: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
} as const;

/** --repo, which history and bisect need: they read a repository's commits, so the kit's own guardrails are no default. */
export function requiredRepo(value: string | undefined, command: string): string {
  if (value === undefined) throw new UsageError(`${command} needs --repo DIR, the root of a git checkout of your guardrail repository`);
  return value;
}

/** --paths, comma-separated or repeated; undefined leaves the default. */
export function pathsOption(values: readonly string[]): string[] | undefined {
  return values.length === 0 ? undefined : values.flatMap((value) => commaList(value, '--paths'));
}

/** --cache DIR or --no-cache; undefined leaves the default folder. */
export function cacheOption(dir: string | undefined, none: boolean | undefined): string | null | undefined {
  if (none && dir !== undefined) throw new UsageError('give --cache DIR or --no-cache, not both');
  return none ? null : dir;
}

type CommitProbeValues = {
  repo?: string | undefined;
  spec: string;
  out: string;
  paths: string[];
  cache?: string | undefined;
  'no-cache'?: boolean | undefined;
  env: string[];
  'env-file': string[];
};

/** The options history and bisect share, from their command line; each examined commit is reported on stderr as it is done. */
export async function commitProbeOptions(values: CommitProbeValues, command: string, io: Io): Promise<CommitProbeOptions> {
  const repo = requiredRepo(values.repo, command);
  const paths = pathsOption(values.paths);
  const cacheDir = cacheOption(values.cache, values['no-cache']);
  const env = await collectUserEnv(values['env-file'], values.env);
  return {
    repo,
    specId: values.spec,
    out: values.out,
    ...(paths !== undefined ? { paths } : {}),
    ...(cacheDir !== undefined ? { cacheDir } : {}),
    ...(env.length > 0 ? { env } : {}),
    onExamined: (commit, verdicts, ms) => io.stderr(`${examinedLine(commit, verdicts, ms)}\n`),
  };
}
