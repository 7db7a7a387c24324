// `guardrail-harness bisect`: its options, help and output. commands.ts dispatches to it.
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { GAP_IDS, type GapId } from '../gaps/index.ts';
import { type BisectOutcome, bisectGap, buildBisectJson, DEFAULT_HISTORY_PATHS, renderBisect } from '../history/index.ts';
import { DEFAULT_SPEC_ID } from '../run/runner.ts';
import { COMMIT_PROBE_OPTIONS, commitProbeOptions, concurrencyOption, requiredRepo } from './options.ts';

export const BISECT_HELP = `Usage: guardrail-harness bisect --repo DIR --gap ID --good REV --bad REV [options]

Finds the first commit after --good (gap closed) on --bad's first-parent line at which the gap is
present, and prints it with the check and run evidence that showed the gap. Only commits that
touched --paths can change a verdict, so only they are searched, by halving: about log2(N) of N
are examined, and each guardrail tree is probed once (or read from the cache history uses). A
commit where the gap is not testable (its scripts are missing, say) is skipped, as git bisect skip
does. Each commit is probed on its own copy; the repository is only read.

  --repo DIR             the root of a git checkout of the guardrail repository (required; only read)
  --gap ID               the gap: ${GAP_IDS.join(', ')}
  --good REV             a commit where the gap is closed, on --bad's first-parent line
  --bad REV              a later commit, descending from --good, where the gap is present
  --paths LIST           files and folders whose content decides the verdicts, comma-separated or repeated
                         (default ${DEFAULT_HISTORY_PATHS.join(',')})
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --out DIR              evidence bundles go to DIR/<SPEC-ID>/<pair-id>-<commit>-gaps[...]/ (default ./evidence-bundles)
  --report-json FILE     also write { gap, outcome, good, bad, commit, verdict, candidates, steps, probes, cacheHits, reused, ... } here
  --concurrency N        parallel runs per probe (default: the number of cores)
  --cache DIR            where the verdicts of probed trees are kept (default $XDG_CACHE_HOME/guardrail-harness/history,
                         else ~/.cache/guardrail-harness/history)
  --no-cache             keep no cache
  --env KEY=VALUE        set a variable for the scripts, after the harness's own (repeatable; the last one wins)
  --env-file FILE        KEY=VALUE lines, # comments and blank lines ignored, "quotes" around a whole value removed,
                         nothing else interpreted (repeatable; files first, then --env)

Exit status: 0 found; 1 --good already has the gap present, or --bad does not have it;
2 bisect could not run (not a git repository, a bad revision, an unknown gap, good the same as bad,
not an ancestor of it or off its first-parent line) or could not name one commit: good or bad is not testable for the gap,
or commits where it is not testable stand next to the change (it then lists the commits it could be).
`;

const EXIT: Record<BisectOutcome, number> = { found: 0, 'good-has-gap': 1, 'bad-lacks-gap': 1, ambiguous: 2, untestable: 2 };

function gapOption(value: string | undefined): GapId {
  if (value === undefined) throw new UsageError(`bisect needs --gap ID, one of ${GAP_IDS.join(', ')}`);
  if (!(GAP_IDS as readonly string[]).includes(value)) throw new UsageError(`--gap: unknown gap "${value}"; use one of ${GAP_IDS.join(', ')}`);
  return value as GapId;
}

function revOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`bisect needs ${flag} REV, a commit id, branch or tag`);
  return value;
}

export async function bisectCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, {
    help: BISECT_HELP,
    options: { ...COMMIT_PROBE_OPTIONS, gap: { type: 'string' }, good: { type: 'string' }, bad: { type: 'string' } },
  });
  requiredRepo(values.repo, 'bisect');
  const gap = gapOption(values.gap);
  const good = revOption(values.good, '--good');
  const bad = revOption(values.bad, '--bad');
  const concurrency = concurrencyOption(values.concurrency);
  const result = await bisectGap({
    ...(await commitProbeOptions(values, 'bisect', io)),
    gap,
    good,
    bad,
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
  if (values['report-json']) await writeFileAtomic(values['report-json'], `${JSON.stringify(buildBisectJson(result), null, 2)}\n`);
  io.stdout(renderBisect(result));
  return EXIT[result.outcome];
}
