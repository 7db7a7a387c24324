// For gaps.test.ts: probes the reference guardrails and every regressed variant with
// `gaps`, two at a time, and keeps per target the verdicts, the failing check ids of each
// probe run and whether the repository was left as it was; renders the gap matrix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';
import { detectGaps, GAP_IDS, type GapId, type GapState, type GapVerdict, type ProbeName } from '../../../harness/gaps/index.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../../harness/run/runner.ts';
import { CHECK_IDS, type CheckId, type RunReport } from '../../../harness/run/types.ts';
import { captureIo } from '../../support/harness-cli.ts';
import { fileHashes } from '../../support/repo-fingerprint.ts';
import { materialiseVariant, VARIANTS } from '../../support/variant-repo.ts';

/** Probed through the command line (exit code and --report-json); the others through detectGaps. */
const CLI_TARGETS = new Set(['reference', 'secret-leak']);

export interface Probed {
  gaps: { id: GapId; state: GapState }[];
  /** The whole verdicts, reason and evidence included. */
  verdicts: GapVerdict[];
  /** Bundle folders, one per probe. */
  bundles: string[];
  /** Failing check ids per run label, runs without failures left out. */
  failures: Record<string, CheckId[]>;
  runs: number;
  exitCode?: number;
  stdout?: string;
  /** The materialised repository was left exactly as it was. */
  untouched: boolean;
  ms: number;
}

function runLabel(run: Pick<RunReport, 'scenario' | 'flow'>, probe: ProbeName): string {
  return `${run.scenario}/${run.flow}${probe === 'hal-on' ? '' : ` [${probe}]`}`;
}

function failuresOf(probes: { name: ProbeName; runs: RunReport[] }[]): { failures: Record<string, CheckId[]>; runs: number } {
  const failures: Record<string, CheckId[]> = {};
  let runs = 0;
  for (const probe of probes) {
    for (const run of probe.runs) {
      runs += 1;
      const ids = run.checks.filter((check) => check.status === 'failed').map((check) => check.id);
      if (ids.length > 0) failures[runLabel(run, probe.name)] = ids;
    }
  }
  return { failures, runs };
}

async function probeViaCli(out: string, target: string, repo: string | undefined): Promise<Omit<Probed, 'untouched' | 'ms'>> {
  const reportPath = join(out, `${target}.gaps.json`);
  const io = captureIo();
  const exitCode = await harnessMain(
    ['gaps', ...(repo ? ['--repo', repo] : []), '--out', join(out, target), '--report-json', reportPath, '--concurrency', '2'],
    io,
  );
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { ok: boolean; gaps: GapVerdict[]; bundles: string[] };
  const probes = report.bundles.map((bundle) => {
    const name = (['hal-off', 'root-manifest', 'baseline-fault'] as const).find((probe) => bundle.endsWith(`-${probe}`)) ?? ('hal-on' as ProbeName);
    return { name, runs: (JSON.parse(readFileSync(join(bundle, 'report.json'), 'utf8')) as { runs: RunReport[] }).runs };
  });
  expect(report.ok).toBe(exitCode === 0);
  return {
    gaps: report.gaps.map(({ id, state }) => ({ id, state })),
    verdicts: report.gaps,
    bundles: report.bundles,
    ...failuresOf(probes),
    exitCode,
    stdout: io.out.join(''),
  };
}

async function probeViaApi(out: string, target: string, repo: string): Promise<Omit<Probed, 'untouched' | 'ms'>> {
  const result = await detectGaps({ repo, out: join(out, target), concurrency: 2 });
  return {
    gaps: result.gaps.map(({ id, state }) => ({ id, state })),
    verdicts: result.gaps,
    bundles: result.probes.map((item) => item.report.bundleDir),
    ...failuresOf(result.probes.map((probe) => ({ name: probe.name, runs: probe.report.runs }))),
  };
}

async function probe(out: string, target: string): Promise<Probed> {
  const started = Date.now();
  const variant = target === 'reference' ? null : await materialiseVariant(target);
  try {
    const repoDir = variant?.dir ?? REFERENCE_GUARDRAILS_DIR;
    const before = fileHashes(repoDir);
    const result = CLI_TARGETS.has(target) ? await probeViaCli(out, target, variant?.dir) : await probeViaApi(out, target, repoDir);
    return { ...result, untouched: JSON.stringify(fileHashes(repoDir)) === JSON.stringify(before), ms: Date.now() - started };
  } finally {
    await variant?.remove();
  }
}

async function pool<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

export const TARGETS = ['reference', ...VARIANTS.map((variant) => variant.id)];

/** Probes every target, two at a time, writing bundles and reports under `out`. */
export async function probeAll(out: string): Promise<Map<string, Probed>> {
  const probed = new Map<string, Probed>();
  await pool(TARGETS, 2, async (target) => {
    probed.set(target, await probe(out, target));
  });
  return probed;
}

export function renderMatrix(probed: ReadonlyMap<string, Probed>): string {
  const mark = (on: boolean) => (on ? '✗' : '·');
  const checkHeader = `| variant | ${CHECK_IDS.join(' | ')} | gap found |`;
  const checkRule = `|${' --- |'.repeat(CHECK_IDS.length + 2)}`;
  const checkRows = TARGETS.map((target) => {
    const result = probed.get(target);
    const failing = new Set(Object.values(result?.failures ?? {}).flat());
    const found = result?.gaps.filter((gap) => gap.state === 'present').map((gap) => gap.id) ?? [];
    return `| ${target} | ${CHECK_IDS.map((id) => mark(failing.has(id))).join(' | ')} | ${found.join(', ') || 'none'} |`;
  });
  const gapHeader = `| variant | ${GAP_IDS.join(' | ')} |`;
  const gapRule = `|${' --- |'.repeat(GAP_IDS.length + 1)}`;
  const symbol: Record<GapState, string> = { present: '✗ present', closed: '·', 'not-testable': '? not testable' };
  const gapRows = TARGETS.map((target) => {
    const states = new Map(probed.get(target)?.gaps.map((gap) => [gap.id, gap.state]));
    return `| ${target} | ${GAP_IDS.map((id) => symbol[states.get(id) ?? 'not-testable']).join(' | ')} |`;
  });
  const runs = TARGETS.map((target) => probed.get(target)?.runs ?? 0);
  return [
    '## Gap matrix',
    '',
    'Checks that fail (✗) in any probe run of `guardrail-harness gaps`: validate, audit and plan under healthy,',
    'offline and error-bodies (plan with a failing baseline in the last two), validate under healthy with',
    'SPEC_OPS_TELEMETRY_HAL=0, plan whose baseline audit exits 3 after a passing report (BASH_ENV fault), and,',
    'when cargo ran without --manifest-path, validate and audit under offline and error-bodies on a copy with a',
    `root Cargo.toml (${Math.min(...runs)}–${Math.max(...runs)} runs per row).`,
    '',
    checkHeader,
    checkRule,
    ...checkRows,
    '',
    'Verdicts of `guardrail-harness gaps` (✗ present, · closed):',
    '',
    gapHeader,
    gapRule,
    ...gapRows,
    '',
  ].join('\n');
}
