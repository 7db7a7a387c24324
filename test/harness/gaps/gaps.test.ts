// The proof that every known gap is caught: `gaps` over the reference guardrails
// (all closed) and over one regressed variant per gap (exactly its own gap present),
// plus the ids of the checks that fail in each variant's probe runs, and the command
// line. The matrix it prints is written to test/output/gap-matrix.md for the README.
// The probing (gaps-fixtures.ts) runs once, in beforeAll, for every test here; the
// variant patches themselves are checked without it in variant-patches.test.ts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';
import { GAP_IDS, type GapId, type GapState } from '../../../harness/gaps/index.ts';
import { REFERENCE_GUARDRAILS_DIR } from '../../../harness/run/runner.ts';
import type { CheckId } from '../../../harness/run/types.ts';
import { captureIo } from '../../support/harness-cli.ts';
import { materialiseVariant, VARIANTS } from '../../support/variant-repo.ts';
import { type Probed, probeAll, renderMatrix, TARGETS } from './gaps-fixtures.ts';

const out = mkdtempSync(join(tmpdir(), 'gaps-test-'));
const OUTPUT_DIR = fileURLToPath(new URL('../../output', import.meta.url));

/** Failing check ids per probe run (runs with none left out), for each variant. */
const EXPECTED_FAILURES: Record<string, Record<string, CheckId[]>> = {
  reference: {},
  'baseline-ignores-exit': {
    'healthy/plan': ['transition'],
    'offline/plan': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'transition', 'baseline'],
    'error-bodies/plan': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'transition', 'baseline'],
    'baseline-exit-fault/plan [baseline-fault]': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'baseline'],
  },
  'baseline-if-not-code': {
    'healthy/plan': ['transition'],
    'offline/plan': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'transition', 'baseline'],
    'error-bodies/plan': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'transition', 'baseline'],
    'baseline-exit-fault/plan [baseline-fault]': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'baseline'],
  },
  'baseline-exit-report-masks': {
    'baseline-exit-fault/plan [baseline-fault]': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'baseline'],
  },
  'hal-failure-swallowed': {
    'healthy/validate': ['transition'],
    'offline/validate': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'journal-consistency', 'transition'],
    'error-bodies/validate': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'journal-consistency', 'transition'],
    'healthy/audit': ['transition'],
    'offline/audit': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'journal-consistency', 'transition'],
    'error-bodies/audit': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'journal-consistency', 'transition'],
  },
  'artifact-on-failure': {
    'offline/validate': ['artifacts'],
    'error-bodies/validate': ['artifacts'],
    'offline/audit': ['artifacts'],
    'error-bodies/audit': ['artifacts'],
  },
  'no-manifest-path': {
    'healthy/validate': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'hal-reached', 'graphql-escaping', 'manifest-path', 'transition'],
    'offline/validate': ['hal-reached', 'graphql-escaping', 'manifest-path', 'transition'],
    'error-bodies/validate': ['telemetry-status', 'hal-reached', 'graphql-escaping', 'manifest-path', 'transition'],
    'healthy/audit': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'hal-reached', 'graphql-escaping', 'manifest-path', 'transition'],
    'offline/audit': ['hal-reached', 'graphql-escaping', 'manifest-path', 'transition'],
    'error-bodies/audit': ['telemetry-status', 'hal-reached', 'graphql-escaping', 'manifest-path', 'transition'],
    'healthy/validate [hal-off]': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'hal-reached', 'graphql-escaping', 'manifest-path'],
    'offline/validate [root-manifest]': ['manifest-path'],
    'error-bodies/validate [root-manifest]': ['manifest-path'],
    'offline/audit [root-manifest]': ['manifest-path'],
    'error-bodies/audit [root-manifest]': ['manifest-path'],
  },
  'graphql-unescaped': {
    'healthy/validate': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'graphql-escaping', 'transition'],
    'offline/validate': ['graphql-escaping', 'transition'],
    'error-bodies/validate': ['telemetry-status', 'graphql-escaping', 'transition'],
    'healthy/audit': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'graphql-escaping', 'transition'],
    'offline/audit': ['graphql-escaping', 'transition'],
    'error-bodies/audit': ['telemetry-status', 'graphql-escaping', 'transition'],
    'healthy/validate [hal-off]': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'graphql-escaping'],
  },
  'status-by-body': {
    'healthy/validate': ['transition'],
    'offline/validate': ['transition'],
    'error-bodies/validate': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'journal-consistency', 'artifacts', 'transition'],
    'healthy/audit': ['transition'],
    'offline/audit': ['transition'],
    'error-bodies/audit': ['exit-code', 'telemetry-status', 'spec-kit-outcome', 'journal-consistency', 'artifacts', 'transition'],
  },
  'hal-summary-flag': {
    'healthy/validate [hal-off]': ['telemetry-schema'],
  },
  'hal-summary-missing': {
    'healthy/validate': ['telemetry-schema', 'telemetry-status'],
    'offline/validate': ['telemetry-schema', 'telemetry-status'],
    'error-bodies/validate': ['telemetry-schema', 'telemetry-status'],
    'healthy/audit': ['telemetry-schema', 'telemetry-status'],
    'offline/audit': ['telemetry-schema', 'telemetry-status'],
    'error-bodies/audit': ['telemetry-schema', 'telemetry-status'],
  },
  'secret-leak': {
    'healthy/validate': ['secret-leak'],
    'offline/validate': ['secret-leak'],
    'error-bodies/validate': ['secret-leak'],
    'healthy/audit': ['secret-leak'],
    'offline/audit': ['secret-leak'],
    'error-bodies/audit': ['secret-leak'],
    'healthy/validate [hal-off]': ['secret-leak'],
  },
};

let probed: ReadonlyMap<string, Probed> = new Map();

beforeAll(async () => {
  const started = Date.now();
  probed = await probeAll(out);
  const matrix = renderMatrix(probed);
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, 'gap-matrix.md'), matrix);
  console.log(
    `${matrix}\nProbed ${TARGETS.length} repositories in ${((Date.now() - started) / 1000).toFixed(1)} s (${TARGETS.map((target) => `${target} ${((probed.get(target)?.ms ?? 0) / 1000).toFixed(1)} s`).join(', ')})`,
  );
}, 300_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('gaps: the reference guardrails', () => {
  it('has every gap closed, in the fixed id order; the command exits 0', () => {
    const reference = probed.get('reference');
    expect(reference?.gaps).toEqual(GAP_IDS.map((id) => ({ id, state: 'closed' })));
    expect(reference?.exitCode).toBe(0);
    expect(reference?.stdout).toMatch(/NO GAP PRESENT; 8 closed, 0 not testable/);
    expect(reference?.failures).toEqual({});
  });

  it('probing leaves the repository as it was', () => {
    expect(probed.get('reference')?.untouched).toBe(true);
    expect(existsSync(join(REFERENCE_GUARDRAILS_DIR, 'docs/SPEC-OPS-004-integrated-coder-hooks/evidence/commands/SPEC-KIT-018'))).toBe(false);
  });
});

describe.each(VARIANTS)('gaps: variant $id', ({ id, gap }) => {
  it(`finds ${gap} present and every other gap closed`, () => {
    const states = probed.get(id)?.gaps;
    expect(states?.map((item) => item.id)).toEqual([...GAP_IDS]);
    expect(states).toEqual(GAP_IDS.map((other) => ({ id: other, state: other === gap ? 'present' : 'closed' })));
  });

  it('fails exactly the expected checks in each probe run', () => {
    expect(probed.get(id)?.failures).toEqual(EXPECTED_FAILURES[id]);
  });

  it('leaves the repository it probed as it was', () => {
    expect(probed.get(id)?.untouched).toBe(true);
  });
});

describe('gaps: exit statuses that really propagate (baseline-exit through a BASH_ENV fault)', () => {
  const baselineExit = (target: string) => probed.get(target)?.verdicts.find((gap) => gap.id === 'baseline-exit');

  it("the reference plan follows the audit's exit status even when its report says passed", () => {
    const verdict = baselineExit('reference');
    expect(verdict?.reason).toMatch(
      /both when the audit's report said failed \(SPEC_OPS_BASELINE_FORCE_FAIL=1\) and when only its exit status \(3, after a passing report\) did/,
    );
    expect(verdict?.evidence.map((item) => [item.probe, item.scenario, item.message])).toContainEqual([
      'baseline-fault',
      'baseline-exit-fault',
      'the baseline audit wrote a report saying passed and exited 3 (its own status 0, replaced through BASH_ENV); plan reported baseline.status failed and exit 1',
    ]);
  });

  it('catches a plan that reads the report and captures the status as `if ! cmd; then rc=$?`, which the drill variable cannot', () => {
    const verdict = baselineExit('baseline-exit-report-masks');
    expect(verdict?.state).toBe('present');
    expect(verdict?.reason).toBe(
      "when the baseline audit exits 3 after writing a passing report, plan reports a passed baseline or exits 0: it does not follow the audit's exit status",
    );
    expect(verdict?.evidence.map((item) => item.message)).toEqual([
      'a failing baseline should give baseline.status failed and a non-zero exit, saw passed and exit 0',
      'the baseline audit wrote a report saying passed and exited 3 (its own status 0, replaced through BASH_ENV); plan reported baseline.status passed and exit 0',
    ]);
    // The forced drill (report says failed) alone would have let it through.
    expect(Object.keys(probed.get('baseline-exit-report-masks')?.failures ?? {})).toEqual(['baseline-exit-fault/plan [baseline-fault]']);
  });

  it("keeps the fault file and its log in the probe's bundle", () => {
    const bundle = probed.get('reference')?.bundles.find((dir) => dir.endsWith('-gaps-baseline-fault')) as string;
    expect(readFileSync(join(bundle, 'fault-injection.sh'), 'utf8')).toMatch(/^# guardrail-harness fault injection: baseline-exit-after-pass$/m);
    const log = readFileSync(join(bundle, 'fault-log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; script: string; detail: string });
    expect(log.map((event) => [event.event, event.script.split('/').pop()])).toEqual([
      ['start', 'spec_ops_plan.sh'],
      ['armed', 'baseline_audit.sh'],
      ['start', 'baseline_audit.sh'],
      ['exit', 'baseline_audit.sh'],
    ]);
    expect(log.at(-1)?.detail).toBe('0');
  });
});

describe('gaps: the command line', () => {
  it('exits 1 when a gap is present and names it', () => {
    const leak = probed.get('secret-leak');
    expect(leak?.exitCode).toBe(1);
    expect(leak?.stdout).toMatch(/^secret-leak\s+present\s/m);
    expect(leak?.stdout).toMatch(/GAPS PRESENT: secret-leak; 7 closed, 0 not testable/);
    expect(leak?.stdout).toMatch(/secret-leak: the API key was written into .*spec-validate_.*\.log/);
  });

  it('exits 2 when it cannot run: no guardrail scripts, or a bad option', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gaps-empty-'));
    try {
      const io = captureIo();
      expect(await harnessMain(['gaps', '--repo', empty, '--out', join(out, 'empty')], io)).toBe(2);
      expect(io.err.join('')).toMatch(/has none of scripts\/spec_ops_004\/commands\/spec_ops_validate\.sh/);
      const bad = captureIo();
      expect(await harnessMain(['gaps', '--flows', 'plan'], bad)).toBe(2);
      expect(bad.err.join('')).toMatch(/Run guardrail-harness gaps --help/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('marks gaps not testable, with why, when the repository lacks the flows that probe them', async () => {
    const planOnly = await materialiseVariant('baseline-ignores-exit');
    try {
      for (const flow of ['validate', 'audit']) rmSync(join(planOnly.dir, `scripts/spec_ops_004/commands/spec_ops_${flow}.sh`));
      const reportPath = join(out, 'plan-only.gaps.json');
      const io = captureIo();
      expect(await harnessMain(['gaps', '--repo', planOnly.dir, '--out', join(out, 'plan-only'), '--report-json', reportPath], io)).toBe(1);
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { gaps: { id: GapId; state: GapState; reason: string }[] };
      expect(report.gaps.map((gap) => [gap.id, gap.state])).toEqual(GAP_IDS.map((id) => [id, id === 'baseline-exit' ? 'present' : 'not-testable']));
      expect(report.gaps[1]?.reason).toMatch(/has neither scripts\/spec_ops_004\/commands\/spec_ops_validate\.sh nor spec_ops_audit\.sh/);
      expect(io.out.join('')).toMatch(
        /GAPS PRESENT: baseline-exit; 0 closed, 7 not testable \(hal-failure-propagation, artifact-on-failure, manifest-path, graphql-escaping, status-by-body, hal-summary-flag, secret-leak\)/,
      );
    } finally {
      await planOnly.remove();
    }
  });

  it('documents itself', async () => {
    const io = captureIo();
    expect(await harnessMain(['gaps', '--help'], io)).toBe(0);
    expect(io.out.join('')).toMatch(/--report-json FILE/);
    const top = captureIo();
    await harnessMain(['--help'], top);
    expect(top.out.join('')).toMatch(/guardrail-harness gaps \[options\]/);
  });
});
