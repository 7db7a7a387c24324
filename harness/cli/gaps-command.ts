// `guardrail-harness gaps`: its options, help and output. commands.ts dispatches to it.
import { relative } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { type Io, parseCommandLine } from '../../common/cli/index.ts';
import { buildGapsJson, detectGaps, renderGaps } from '../gaps/index.ts';
import { writeReports } from '../reports/index.ts';
import { collectUserEnv } from '../run/run-environment.ts';
import { DEFAULT_SPEC_ID } from '../run/runner.ts';
import { concurrencyOption, PROBE_COMMAND_OPTIONS } from './options.ts';

export const GAPS_HELP = `Usage: guardrail-harness gaps [options]

Runs the flows and scenarios that probe each known gap and prints one row per gap:
present, closed, or not-testable (with why), and the evidence that decided it.
Gaps: baseline-exit, hal-failure-propagation, artifact-on-failure, manifest-path,
graphql-escaping, status-by-body, hal-summary-flag, secret-leak.
Probes: validate, audit and plan under healthy, offline and error-bodies (503/401/500 with JSON
bodies; plan gets a failing baseline there), validate under healthy with SPEC_OPS_TELEMETRY_HAL=0,
and plan whose baseline audit writes a passing report and then exits 3 (a fault injected through
BASH_ENV; the scripts are never edited), so a plan that does not follow the audit's exit status shows.

  --repo DIR             guardrail repository (default: the bundled reference guardrails); never modified
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --out DIR              evidence bundles go to DIR/<SPEC-ID>/<pair-id>-gaps[-hal-off|-baseline-fault|-root-manifest]/
                         (default ./evidence-bundles)
  --report-json FILE     also write { ok, gaps: [{ id, state, reason, evidence }], bundles } here
  --concurrency N        parallel runs per probe (default: the number of cores)
  --env KEY=VALUE        set a variable for the scripts, after the harness's own (repeatable; the last one wins)
  --env-file FILE        KEY=VALUE lines, # comments and blank lines ignored, "quotes" around a whole value removed,
                         nothing else interpreted (repeatable; files first, then --env)

Exit status: 0 no testable gap is present, 1 some gap is present, 2 the probes could not run.
See also: guardrail-harness knobs, for the environment variables the scripts read.
`;

export async function gapsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, { help: GAPS_HELP, options: PROBE_COMMAND_OPTIONS });
  const env = await collectUserEnv(values['env-file'], values.env);
  const result = await detectGaps({
    // The user's variables go to every probe's runHarness, before the probe's own (a fault's BASH_ENV).
    ...(env.length > 0 ? { env } : {}),
    repo: values.repo,
    specId: values.spec,
    out: values.out,
    concurrency: concurrencyOption(values.concurrency),
  });
  for (const probe of result.probes) await writeReports(probe.report);
  if (values['report-json']) await writeFileAtomic(values['report-json'], `${JSON.stringify(buildGapsJson(result), null, 2)}\n`);
  io.stdout(renderGaps(result));
  io.stdout(`\nEvidence: ${result.probes.map((probe) => relative(process.cwd(), probe.report.bundleDir) || '.').join(', ')}\n`);
  return result.ok ? 0 : 1;
}
