// `guardrail-harness knobs`: option parsing, help and output. commands.ts dispatches to it.
import { relative } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { type Io, parseCommandLine, UsageError } from '../../common/cli/index.ts';
import { detectKnobs } from '../knobs/detect.ts';
import { KNOB_IDS, type KnobId } from '../knobs/model.ts';
import { buildKnobsJson, renderKnobs } from '../knobs/render.ts';
import { writeReports } from '../reports/index.ts';
import { collectUserEnv } from '../run/run-environment.ts';
import { DEFAULT_SPEC_ID } from '../run/runner.ts';
import { commaList, concurrencyOption, PROBE_COMMAND_OPTIONS } from './options.ts';

export const KNOBS_HELP = `Usage: guardrail-harness knobs [options]

Probes the effect of each documented variable of the scripts' environment and prints one row per
knob: holds, broken, or not-testable (with why), and the evidence that decided it.
  hal-skip             SPEC_OPS_HAL_SKIP=1 gives status skipped and no HAL request (validate, audit)
  allow-dirty          SPEC_OPS_ALLOW_DIRTY=1 lets plan run on a dirty tree, and a failing baseline pass
  baseline-allow-fail  SPEC_OPS_BASELINE_ALLOW_FAIL=1 acts as --allow-fail
  manifest-default     SPEC_OPS_CARGO_MANIFEST unset means codex-rs/Cargo.toml for every cargo run
  plan-manifest-path   plan's --manifest-path is handed on to the baseline audit and to cargo
  empty-baseline       a baseline audit that writes no report, or an empty one, fails plan
Each row runs only the few plan or validate/audit runs it needs. The dirty tree, the unset variable,
plan's extra argument and the silent baseline audit are faults injected through BASH_ENV: the
scripts are never edited, and every run works in a copy of the repository.

  --repo DIR             guardrail repository (default: the bundled reference guardrails); never modified
  --spec ID              spec id passed to the scripts (default ${DEFAULT_SPEC_ID})
  --knobs LIST           only these rows, a comma list of ${KNOB_IDS.join(', ')} (default: all)
  --out DIR              evidence bundles go to DIR/<SPEC-ID>/<pair-id>-knobs-<probe>/ (default ./evidence-bundles)
  --report-json FILE     also write { ok, knobs: [{ id, variable, expected, state, reason, evidence }], bundles } here
  --concurrency N        parallel probes, and parallel runs in each (default: the number of cores)
  --env KEY=VALUE        set a variable for the scripts, after the harness's own and before the probe's own
                         (repeatable; the last one wins)
  --env-file FILE        KEY=VALUE lines, # comments and blank lines ignored, "quotes" around a whole value removed,
                         nothing else interpreted (repeatable; files first, then --env)

Exit status: 0 no knob is broken, 1 some knob is broken, 2 the probes could not run.
`;

function knobList(value: string): KnobId[] {
  const named = commaList(value, '--knobs');
  const unknown = named.filter((name) => !(KNOB_IDS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--knobs: unknown knob ${unknown.join(', ')}; use ${KNOB_IDS.join(', ')}`);
  return named as KnobId[];
}

export async function knobsCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseCommandLine(args, { help: KNOBS_HELP, options: { ...PROBE_COMMAND_OPTIONS, knobs: { type: 'string' } } });
  const knobs = values.knobs === undefined ? undefined : knobList(values.knobs);
  const concurrency = concurrencyOption(values.concurrency);
  const env = await collectUserEnv(values['env-file'], values.env);
  const result = await detectKnobs({
    ...(env.length > 0 ? { env } : {}),
    ...(knobs ? { knobs } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    repo: values.repo,
    specId: values.spec,
    out: values.out,
  });
  for (const probe of result.probes) await writeReports(probe.report);
  if (values['report-json']) await writeFileAtomic(values['report-json'], `${JSON.stringify(buildKnobsJson(result), null, 2)}\n`);
  io.stdout(renderKnobs(result));
  io.stdout(`\nEvidence: ${result.probes.map((probe) => relative(process.cwd(), probe.report.bundleDir) || '.').join(', ')}\n`);
  return result.ok ? 0 : 1;
}
