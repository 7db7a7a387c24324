// `guardrail-harness history`: its options, help and output. commands.ts dispatches to it.
import { relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { type Io, parseCommandLine } from '../../common/cli/index.ts';
import { buildHistoryJson, DEFAULT_HISTORY_PATHS, renderHistory, runHistory, writeHistoryHtml } from '../history/index.ts';
import { writeHtmlReport } from '../reports/html/index.ts';
import { DEFAULT_SPEC_ID } from '../run/runner.ts';
import { COMMIT_PROBE_OPTIONS, commitProbeOptions, concurrencyOption } from './options.ts';

export const HISTORY_HELP = `Usage: guardrail-harness history --repo DIR [options]

Runs the gaps probes on every commit of a range that touched the guardrail paths, oldest first,
and prints one row per commit (short sha, date, subject) and one column per gap (present, closed
or not-testable), then, for each gap, the commits where its state changed against the row before.
The commits are those of the range's first-parent line: a merge is a row when it brought a change
to the paths in, and the commits of the branch it merged are not rows. Each commit is probed on its
own copy (git archive into a scratch folder); the repository is only read. A guardrail tree (the
git object ids of --paths) is probed once: commits that share it reuse its verdicts, in this run,
and across runs through the cache.

  --repo DIR             the root of a git checkout of the guardrail repository (required; only read)
  --range A..B           the commits after A up to B; A.. means up to HEAD, a single revision its whole
                         history (default: HEAD's whole history)
  --paths LIST           files and folders whose content decides the verdicts, comma-separated or repeated
                         (default ${DEFAULT_HISTORY_PATHS.join(',')})
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --out DIR              evidence bundles go to DIR/<SPEC-ID>/<pair-id>-<commit>-gaps[-hal-off|-baseline-fault|-root-manifest]/
                         (default ./evidence-bundles)
  --report-json FILE     also write { commits: [{ sha, date, subject, gaps: [{ id, state, reason }], ... }],
                         changes: [{ gap, sha, from, to }], probes, cacheHits, ... } here
  --html                 also write DIR/<SPEC-ID>/<id>-history.html: the commits × gaps grid, each commit
                         linked to its evidence (and each new bundle's index.html)
  --concurrency N        commits probed at once (default 1); their runs share the cores
  --cache DIR            where the verdicts of probed trees are kept (default $XDG_CACHE_HOME/guardrail-harness/history,
                         else ~/.cache/guardrail-harness/history); secret-looking --env values only as a salted hash
  --no-cache             keep no cache: only commits of this run share verdicts
  --env KEY=VALUE        set a variable for the scripts, after the harness's own (repeatable; the last one wins);
                         every commit gets it
  --env-file FILE        KEY=VALUE lines, # comments and blank lines ignored, "quotes" around a whole value removed,
                         nothing else interpreted (repeatable; files first, then --env)

Exit status: 0 the newest commit has no gap present, 1 it has one, 2 history could not run.
A commit that cannot be probed (no scripts, or scripts that fail to run) is a row with every gap
not-testable and the reason below the table; it does not stop the others.
See also: guardrail-harness bisect, for the commit where one gap came in.
`;

export async function historyCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, {
    help: HISTORY_HELP,
    options: { ...COMMIT_PROBE_OPTIONS, range: { type: 'string' }, html: { type: 'boolean', default: false } },
  });
  const concurrency = concurrencyOption(values.concurrency);
  const result = await runHistory({
    ...(await commitProbeOptions(values, 'history', io)),
    ...(values.range !== undefined ? { range: values.range } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
  if (values['report-json']) await writeFileAtomic(values['report-json'], `${JSON.stringify(buildHistoryJson(result), null, 2)}\n`);
  io.stdout(renderHistory(result));
  const fresh = result.rows.filter((row) => row.sameTreeAs === null && row.verdicts.source === 'probed').flatMap((row) => row.verdicts.bundles);
  if (values.html) {
    for (const bundle of fresh) await writeHtmlReport(bundle);
    io.stdout(`HTML: ${relative(process.cwd(), await writeHistoryHtml(result, values.out, values.spec))}\n`);
  }
  io.stdout(`Evidence: ${relative(process.cwd(), resolve(values.out, values.spec)) || '.'}/ (${fresh.length} new bundle${fresh.length === 1 ? '' : 's'})\n`);
  return result.ok ? 0 : 1;
}
