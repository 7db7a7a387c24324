// The proof that every knob row is probed: `knobs` over the reference guardrails (every
// row holds) and over one regressed variant per knob (exactly its own row broken). The
// reference and one variant go through the command line (exit code, --report-json, table);
// the others through detectKnobs. The matrix it prints is written to test/output/knob-matrix.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';
import { detectKnobs, KNOB_IDS, type KnobId, type KnobRow, type KnobState } from '../../../harness/knobs/index.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../../harness/run/runner.ts';
import { captureIo } from '../../support/harness-cli.ts';
import { fileHashes } from '../../support/repo-fingerprint.ts';
import { KNOB_VARIANTS, materialiseVariant, patchStats, variantNote } from '../../support/variant-repo.ts';

const out = mkdtempSync(join(tmpdir(), 'knobs-test-'));
const OUTPUT_DIR = fileURLToPath(new URL('../../output', import.meta.url));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const CLI_TARGETS = new Set(['reference', 'allow-dirty-ignored']);
const TARGETS = ['reference', ...KNOB_VARIANTS.map((variant) => variant.id)];

interface Probed {
  knobs: KnobRow[];
  probes: string[];
  runs: number;
  exitCode?: number;
  stdout?: string;
  untouched: boolean;
}
const probed = new Map<string, Probed>();

function runsIn(bundle: string): number {
  return (JSON.parse(readFileSync(join(bundle, 'report.json'), 'utf8')) as { runs: unknown[] }).runs.length;
}

/** Why a target could not be probed (its tests then fail with this message; the others still run). */
const errors = new Map<string, string>();

async function probe(target: string): Promise<void> {
  try {
    await probeOnce(target);
  } catch (error) {
    errors.set(target, error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error));
  }
}

async function probeOnce(target: string): Promise<void> {
  const variant = target === 'reference' ? null : await materialiseVariant(target);
  try {
    const repo = variant?.dir ?? REFERENCE_GUARDRAILS_DIR;
    const before = fileHashes(repo);
    let result: Omit<Probed, 'untouched'>;
    if (CLI_TARGETS.has(target)) {
      const reportPath = join(out, `${target}.knobs.json`);
      const io = captureIo();
      const exitCode = await harnessMain(
        ['knobs', ...(variant ? ['--repo', variant.dir] : []), '--out', join(out, target), '--report-json', reportPath, '--concurrency', '2'],
        io,
      );
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { ok: boolean; knobs: KnobRow[]; bundles: string[] };
      expect(report.ok).toBe(exitCode === 0);
      result = {
        knobs: report.knobs,
        probes: report.bundles.map((bundle) => basename(bundle).replace(/^.*-knobs-/, '')),
        runs: report.bundles.reduce((sum, bundle) => sum + runsIn(bundle), 0),
        exitCode,
        stdout: io.out.join(''),
      };
    } else {
      const found = await detectKnobs({ repo, out: join(out, target), concurrency: 2 });
      result = {
        knobs: found.knobs,
        probes: found.probes.map((item) => item.name),
        runs: found.probes.reduce((sum, item) => sum + item.report.runs.length, 0),
      };
    }
    probed.set(target, { ...result, untouched: JSON.stringify(fileHashes(repo)) === JSON.stringify(before) });
  } finally {
    await variant?.remove();
  }
}

beforeAll(async () => {
  const started = Date.now();
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < TARGETS.length) await probe(TARGETS[next++] as string);
    }),
  );
  const mark: Record<KnobState, string> = { holds: '·', broken: '✗ broken', 'not-testable': '? not testable' };
  const rows = TARGETS.map(
    (target) => `| ${target} | ${KNOB_IDS.map((id) => mark[probed.get(target)?.knobs.find((knob) => knob.id === id)?.state ?? 'not-testable']).join(' | ')} |`,
  );
  const matrix = [
    '## Knob matrix',
    '',
    'Rows of `guardrail-harness knobs` (· holds, ✗ broken) for the reference guardrails and one regressed variant per knob:',
    '',
    `| variant | ${KNOB_IDS.join(' | ')} |`,
    `|${' --- |'.repeat(KNOB_IDS.length + 1)}`,
    ...rows,
    '',
  ].join('\n');
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, 'knob-matrix.md'), matrix);
  console.log(`${matrix}\nProbed ${TARGETS.length} repositories in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}, 240_000);

function states(target: string) {
  expect(errors.get(target), `${target} could not be probed`).toBeUndefined();
  return probed.get(target)?.knobs.map((knob) => ({ id: knob.id, state: knob.state }));
}

describe('knobs: the reference guardrails', () => {
  it('has every row holding, in the fixed order; the command exits 0 and prints the table', () => {
    const reference = probed.get('reference');
    expect(states('reference')).toEqual(KNOB_IDS.map((id) => ({ id, state: 'holds' })));
    expect(reference?.exitCode).toBe(0);
    expect(reference?.stdout).toMatch(/^KNOB +VARIABLE +STATE +WHY$/m);
    expect(reference?.stdout).toMatch(
      /^hal-skip +SPEC_OPS_HAL_SKIP=1 +holds +with SPEC_OPS_HAL_SKIP=1, validate and audit reported skipped and sent no HAL request/m,
    );
    expect(reference?.stdout).toMatch(/NO KNOB BROKEN; 6 hold, 0 not testable/);
  });

  it('runs ten small probes, eleven runs in all, and says what decided each row', () => {
    const reference = probed.get('reference');
    expect(reference?.probes.sort()).toEqual(
      [
        'allow-dirty',
        'allow-fail-env',
        'allow-fail-flag',
        'baseline-empty-report',
        'baseline-no-output',
        'dirty-tree',
        'failing-baseline',
        'hal-skip',
        'manifest-unset',
        'plan-manifest',
      ].sort(),
    );
    expect(reference?.runs).toBe(11);
    const row = (id: KnobId) => reference?.knobs.find((knob) => knob.id === id);
    for (const id of KNOB_IDS) expect(row(id)?.evidence.length, id).toBeGreaterThan(0);
    expect(row('hal-skip')?.evidence.map((item) => item.message)).toEqual([
      expect.stringMatching(/^scenario status skipped, hal\.summary\.status skipped; 0 HAL requests reached the mock; 0 cargo calls; exit 0$/),
      expect.stringMatching(/^scenario status skipped, hal\.summary\.status skipped; 0 HAL requests reached the mock/),
    ]);
    expect(row('allow-dirty')?.evidence.map((item) => item.message)).toEqual([
      expect.stringMatching(
        /dirty tree \(git status: AM guardrail-harness-dirty-tree\.txt\), SPEC_OPS_ALLOW_DIRTY=1, a failing baseline: baseline\.status failed, session\.start ok, exit 0/,
      ),
      expect.stringMatching(/control, dirty tree and no variable: baseline\.status skipped, session\.start failed, exit 1/),
      expect.stringMatching(/control, a failing baseline and no variable: baseline\.status failed, session\.start ok, exit 1/),
    ]);
    expect(row('manifest-default')?.evidence.map((item) => item.check)).toEqual([null, 'manifest-path']);
    expect(row('plan-manifest-path')?.reason).toMatch(/^plan handed --manifest-path \/.+\/Cargo\.toml on to baseline_audit\.sh$/);
    expect(row('empty-baseline')?.evidence.map((item) => item.message)).toEqual([
      expect.stringMatching(/baseline_audit\.sh: exited 0 before the script ran; plan: baseline\.status failed, session\.start ok, exit 1/),
      expect.stringMatching(/baseline_audit\.sh: wrote an empty report .*baseline_.*\.md, exited 0; plan: baseline\.status failed, session\.start ok, exit 1/),
    ]);
  });

  it('probing leaves the repository as it was', () => {
    expect(probed.get('reference')?.untouched).toBe(true);
  });
});

describe.each(KNOB_VARIANTS)('knobs: variant $id', ({ id, knob }) => {
  it(`finds ${knob} broken and every other row holding`, () => {
    expect(states(id)).toEqual(KNOB_IDS.map((other) => ({ id: other, state: other === knob ? 'broken' : 'holds' })));
  });

  it('leaves the repository it probed as it was', () => {
    expect(probed.get(id)?.untouched).toBe(true);
  });
});

describe('knobs: why a row is broken', () => {
  const reason = (target: string, id: KnobId) => probed.get(target)?.knobs.find((knob) => knob.id === id)?.reason;
  it('names what the scripts did instead', () => {
    expect(reason('hal-skip-ignored', 'hal-skip')).toMatch(
      /validate reported scenario status passed and hal\.summary\.status passed; validate still sent 4 HAL requests/,
    );
    expect(reason('allow-dirty-ignored', 'allow-dirty')).toMatch(
      /with SPEC_OPS_ALLOW_DIRTY=1, plan still refused the dirty tree: baseline\.status skipped, session\.start failed, exit 1/,
    );
    expect(reason('baseline-allow-fail-ignored', 'baseline-allow-fail')).toMatch(
      /plan gave baseline\.status failed, session\.start ok, exit 1, .*\(with --allow-fail: baseline\.status failed, session\.start ok, exit 0\)/,
    );
    expect(reason('manifest-default-root', 'manifest-default')).toMatch(/cargo ran with --manifest-path Cargo\.toml, expected codex-rs\/Cargo\.toml/);
    expect(reason('plan-manifest-path-ignored', 'plan-manifest-path')).toMatch(/but used codex-rs\/Cargo\.toml for baseline_audit\.sh$/);
    expect(reason('empty-baseline-passes', 'empty-baseline')).toMatch(
      /^plan does not fail when the baseline audit exits 0 with no report: baseline\.status passed, session\.start ok, exit 0; or with an empty report/,
    );
  });

  it('exits 1 from the command line and names the broken row', () => {
    const cli = probed.get('allow-dirty-ignored');
    expect(cli?.exitCode).toBe(1);
    expect(cli?.stdout).toMatch(/^allow-dirty +SPEC_OPS_ALLOW_DIRTY=1 +broken +/m);
    expect(cli?.stdout).toMatch(/KNOBS BROKEN: allow-dirty; 5 hold, 0 not testable/);
  });
});

describe('knobs: the command line', () => {
  it('--knobs runs only the probes those rows need; a repository without plan makes plan rows not testable', async () => {
    const repo = await materialiseVariant('plan-manifest-path-ignored');
    try {
      rmSync(join(repo.dir, 'scripts/spec_ops_004/commands/spec_ops_plan.sh'));
      const reportPath = join(out, 'no-plan.knobs.json');
      const io = captureIo();
      expect(
        await harnessMain(
          ['knobs', '--repo', repo.dir, '--knobs', 'plan-manifest-path,manifest-default', '--out', join(out, 'no-plan'), '--report-json', reportPath],
          io,
        ),
      ).toBe(0);
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { knobs: KnobRow[]; bundles: string[] };
      expect(report.knobs.map((knob) => [knob.id, knob.state])).toEqual([
        ['manifest-default', 'holds'],
        ['plan-manifest-path', 'not-testable'],
      ]);
      expect(report.knobs[1]?.reason).toBe('the repository has no scripts/spec_ops_004/commands/spec_ops_plan.sh');
      expect(report.bundles.map((bundle) => basename(bundle).replace(/^.*-knobs-/, ''))).toEqual(['manifest-unset']);
      expect(existsSync(join(report.bundles[0] as string, 'fault-injection.sh'))).toBe(true);
      expect(io.out.join('')).toMatch(/NO KNOB BROKEN; 1 hold, 1 not testable \(plan-manifest-path\)/);
    } finally {
      await repo.remove();
    }
  });

  it('exits 2 on a knob it does not know, and documents itself', async () => {
    const bad = captureIo();
    expect(await harnessMain(['knobs', '--knobs', 'hal-skip,colour'], bad)).toBe(2);
    expect(bad.err.join('')).toMatch(
      /--knobs: unknown knob colour; use hal-skip, allow-dirty, baseline-allow-fail, manifest-default, plan-manifest-path, empty-baseline/,
    );
    expect(bad.err.join('')).toMatch(/Run guardrail-harness knobs --help/);
    const help = captureIo();
    expect(await harnessMain(['knobs', '--help'], help)).toBe(0);
    expect(help.out.join('')).toMatch(/--knobs LIST/);
    expect(help.out.join('')).toMatch(/BASH_ENV/);
    const top = captureIo();
    await harnessMain(['--help'], top);
    expect(top.out.join('')).toMatch(/guardrail-harness knobs \[options\]/);
  });
});

describe('the knob variant patches', () => {
  it.each(KNOB_VARIANTS)('$id changes reference files by a small diff and says which knob', ({ id, knob }) => {
    const { files, changedLines } = patchStats(id);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(join(REFERENCE_GUARDRAILS_DIR, file)), `${file} is a file of the reference guardrails`).toBe(true);
    expect(changedLines).toBeGreaterThan(0);
    expect(changedLines, `${id}: ${changedLines} changed lines`).toBeLessThanOrEqual(12);
    expect(variantNote(id).startsWith(`Knob ${knob}: `)).toBe(true);
  });
});
