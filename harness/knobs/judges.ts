// One judge per knob row. Each reads its probes' runs (telemetry, exit status, the mock's
// journal, the shim log) and, for probes with a fault, the fault log, and says holds,
// broken or not-testable with the facts that decided it.
import { basename, resolve } from 'node:path';
import { describeWrongCalls, manifestCallsOf, manifestOf } from '../checks/manifest-path.ts';
import { missingScript, NO_SMOKE } from '../gaps/model.ts';
import { checkOf, exitText, fact, fromCheck, halSummary, planFields, repoRoots, scenarioStatus } from '../gaps/probe-runs.ts';
import { BASELINE_AUDIT_SCRIPT, eventsOfRun, type FaultEvent, PLAN_SCRIPT } from '../run/fault-injection.ts';
import { DEFAULT_MANIFEST } from '../run/runner.ts';
import { type KnobContext, type KnobEvidence, type KnobProbeName, type KnobProbeResult, type KnobProbeRun, type KnobRow, row } from './model.ts';

const SMOKE_FLOWS = ['validate', 'audit'] as const;
const hasSmoke = (ctx: KnobContext) => ctx.flows.some((flow) => (SMOKE_FLOWS as readonly string[]).includes(flow));
const hasPlan = (ctx: KnobContext) => ctx.flows.includes('plan');

function firstRun(ctx: KnobContext, name: KnobProbeName): { probe: KnobProbeResult; run: KnobProbeRun } | null {
  const probe = ctx.probes[name];
  const run = probe?.runs[0];
  return probe && run ? { probe, run } : null;
}

/** The fault log lines of one run, for one script (by file name). */
function scriptEvents(probe: KnobProbeResult, run: KnobProbeRun, script: string): FaultEvent[] {
  return eventsOfRun(probe.events, repoRoots(run)).filter((event) => basename(event.script) === script);
}

const armed = (events: readonly FaultEvent[]) => events.some((event) => event.event === 'armed');

/** "baseline.status failed, session.start ok, exit 1" */
function planOutcome(run: KnobProbeRun): string {
  const fields = planFields(run);
  if (run.telemetry === null) return `no telemetry, ${exitText(run)}`;
  return `baseline.status ${fields.baseline ?? 'none'}, session.start ${fields.sessionStart ?? 'none'}, ${exitText(run)}`;
}

const exitedZero = (run: KnobProbeRun) => !run.timedOut && run.report.exitCode === 0;
const exitedNonZero = (run: KnobProbeRun) => !run.timedOut && run.report.exitCode !== null && run.report.exitCode !== 0;

export function judgeHalSkip(ctx: KnobContext): KnobRow {
  const id = 'hal-skip';
  if (!hasSmoke(ctx)) return row(id, 'not-testable', NO_SMOKE, []);
  const runs = ctx.probes['hal-skip']?.runs ?? [];
  if (runs.length === 0) return row(id, 'not-testable', 'the hal-skip probe did not run', []);
  const wrong: string[] = [];
  const evidence: KnobEvidence[] = [];
  for (const run of runs) {
    const summary = halSummary(run);
    const statuses = [
      ['scenario status', scenarioStatus(run)],
      ...(summary ? [['hal.summary.status', typeof summary.status === 'string' ? summary.status : null] as const] : []),
    ] as const;
    const cargo = run.shimCalls.filter((call) => call.shim === 'cargo').length;
    const notSkipped = statuses.filter(([, status]) => status !== 'skipped');
    evidence.push(
      fact(
        run,
        `${statuses.map(([field, status]) => `${field} ${status ?? 'none'}`).join(', ')}; ${run.journal.length} HAL request${run.journal.length === 1 ? '' : 's'} reached the mock; ${cargo} cargo call${cargo === 1 ? '' : 's'}; ${exitText(run)}`,
      ),
    );
    if (run.telemetry === null) wrong.push(`${run.flow} wrote no telemetry, so no status skipped (${exitText(run)})`);
    else if (notSkipped.length > 0) wrong.push(`${run.flow} reported ${notSkipped.map(([field, status]) => `${field} ${status ?? 'none'}`).join(' and ')}`);
    if (run.journal.length > 0) wrong.push(`${run.flow} still sent ${run.journal.length} HAL request${run.journal.length === 1 ? '' : 's'}`);
  }
  if (wrong.length > 0) return row(id, 'broken', `with SPEC_OPS_HAL_SKIP=1, ${wrong.join('; ')}`, evidence);
  return row(
    id,
    'holds',
    `with SPEC_OPS_HAL_SKIP=1, ${runs.map((run) => run.flow).join(' and ')} reported skipped and sent no HAL request (the mock's journal is empty)`,
    evidence,
  );
}

/** A failing baseline without any variable must fail plan, or no variable can be seen to let it pass. */
function failingControl(ctx: KnobContext): { ok: true; evidence: KnobEvidence } | { ok: false; why: string; evidence: KnobEvidence[] } {
  const found = firstRun(ctx, 'failing-baseline');
  if (!found) return { ok: false, why: 'the failing-baseline control did not run', evidence: [] };
  const evidence = fact(found.run, `control, a failing baseline and no variable: ${planOutcome(found.run)}`);
  if (exitedNonZero(found.run)) return { ok: true, evidence };
  return {
    ok: false,
    why: `plan does not fail on a failing baseline even without a variable (${planOutcome(found.run)}), so a variable that lets it pass cannot be seen (see gaps baseline-exit)`,
    evidence: [evidence],
  };
}

export function judgeBaselineAllowFail(ctx: KnobContext): KnobRow {
  const id = 'baseline-allow-fail';
  if (!hasPlan(ctx)) return row(id, 'not-testable', missingScript('plan'), []);
  const env = firstRun(ctx, 'allow-fail-env');
  const flag = firstRun(ctx, 'allow-fail-flag');
  if (!env) return row(id, 'not-testable', 'the allow-fail-env probe did not run', []);
  const control = failingControl(ctx);
  const flagText = flag ? `with --allow-fail: ${planOutcome(flag.run)}` : 'the --allow-fail probe did not run';
  const evidence = [
    fact(env.run, `SPEC_OPS_BASELINE_ALLOW_FAIL=1 and a failing baseline: ${planOutcome(env.run)}`),
    ...(flag ? [fact(flag.run, flagText)] : []),
  ];
  const fields = planFields(env.run);
  if (!(exitedZero(env.run) && fields.baseline === 'failed')) {
    return row(
      id,
      'broken',
      `with SPEC_OPS_BASELINE_ALLOW_FAIL=1 and a failing baseline, plan gave ${planOutcome(env.run)}, where --allow-fail means baseline.status failed and exit 0 (${flagText})`,
      [...evidence, ...(control.ok ? [control.evidence] : control.evidence)],
    );
  }
  if (!control.ok) return row(id, 'not-testable', control.why, [...evidence, ...control.evidence]);
  const same = flag && exitedZero(flag.run) && planFields(flag.run).baseline === 'failed';
  return row(
    id,
    'holds',
    `with SPEC_OPS_BASELINE_ALLOW_FAIL=1 a failing baseline gave baseline.status failed and exit 0${same ? ', as --allow-fail does' : `; note: ${flagText}`}; without it plan failed`,
    [...evidence, control.evidence],
  );
}

export function judgeAllowDirty(ctx: KnobContext): KnobRow {
  const id = 'allow-dirty';
  if (!hasPlan(ctx)) return row(id, 'not-testable', missingScript('plan'), []);
  const main = firstRun(ctx, 'allow-dirty');
  const dirty = firstRun(ctx, 'dirty-tree');
  if (!main || !dirty) return row(id, 'not-testable', 'the allow-dirty probes did not run', []);
  const mainFault = scriptEvents(main.probe, main.run, PLAN_SCRIPT);
  if (!armed(mainFault)) return row(id, 'not-testable', `the fault log shows no ${PLAN_SCRIPT} start, so the tree could not be made dirty before plan ran`, []);
  const dirtyState = mainFault.find((event) => event.event === 'armed')?.detail.trim() || 'no change git reports';
  const mainFact = fact(main.run, `dirty tree (git status: ${dirtyState}), SPEC_OPS_ALLOW_DIRTY=1, a failing baseline: ${planOutcome(main.run)}`);
  const fields = planFields(main.run);
  if (main.run.telemetry === null)
    return row(id, 'broken', `with SPEC_OPS_ALLOW_DIRTY=1 on a dirty tree, plan wrote no telemetry (${exitText(main.run)})`, [mainFact]);
  if (fields.sessionStart === 'failed' || (fields.baseline !== 'failed' && fields.baseline !== 'passed')) {
    return row(id, 'broken', `with SPEC_OPS_ALLOW_DIRTY=1, plan still refused the dirty tree: ${planOutcome(main.run)}`, [mainFact]);
  }
  if (fields.baseline === 'passed') {
    return row(
      id,
      'not-testable',
      `plan reported the failing baseline as passed (${planOutcome(main.run)}), so whether the variable lets a failure pass cannot be seen (see gaps baseline-exit)`,
      [mainFact],
    );
  }
  if (!exitedZero(main.run)) {
    return row(id, 'broken', `with SPEC_OPS_ALLOW_DIRTY=1, plan ran on the dirty tree but the failing baseline did not pass: ${planOutcome(main.run)}`, [
      mainFact,
    ]);
  }
  const dirtyFact = fact(dirty.run, `control, dirty tree and no variable: ${planOutcome(dirty.run)}`);
  const refused = exitedNonZero(dirty.run) || planFields(dirty.run).sessionStart === 'failed';
  if (!refused) {
    return row(
      id,
      'not-testable',
      `plan ran on the dirty tree without SPEC_OPS_ALLOW_DIRTY too (${planOutcome(dirty.run)}), so the variable's effect on the clean-tree check cannot be seen`,
      [mainFact, dirtyFact],
    );
  }
  const control = failingControl(ctx);
  if (!control.ok) return row(id, 'not-testable', control.why, [mainFact, dirtyFact, ...control.evidence]);
  return row(
    id,
    'holds',
    'with SPEC_OPS_ALLOW_DIRTY=1, plan ran on a dirty tree it refuses otherwise, and a failing baseline passed (baseline.status failed, exit 0)',
    [mainFact, dirtyFact, control.evidence],
  );
}

export function judgeManifestDefault(ctx: KnobContext): KnobRow {
  const id = 'manifest-default';
  if (!hasSmoke(ctx)) return row(id, 'not-testable', NO_SMOKE, []);
  const found = firstRun(ctx, 'manifest-unset');
  if (!found) return row(id, 'not-testable', 'the manifest-unset probe did not run', []);
  const { run, probe } = found;
  const starts = eventsOfRun(probe.events, repoRoots(run)).filter((event) => event.event === 'start');
  const stillSet = starts.filter((event) => event.manifestEnv !== null);
  if (starts.length === 0 || stillSet.length > 0) {
    const why =
      starts.length === 0
        ? 'the fault log shows no script start'
        : `${basename(stillSet[0]?.script ?? '')} still saw SPEC_OPS_CARGO_MANIFEST=${stillSet[0]?.manifestEnv}`;
    return row(id, 'not-testable', `SPEC_OPS_CARGO_MANIFEST could not be unset inside the scripts (${why})`, []);
  }
  const cargo = run.shimCalls.filter((call) => call.shim === 'cargo').length;
  const check = checkOf(run, 'manifest-path');
  const unsetFact = fact(
    run,
    `SPEC_OPS_CARGO_MANIFEST was unset in every script (${starts.map((event) => basename(event.script)).join(', ')}); ${cargo} cargo call${cargo === 1 ? '' : 's'}`,
  );
  if (cargo === 0)
    return row(id, 'not-testable', `${run.flow} made no cargo call with SPEC_OPS_CARGO_MANIFEST unset, so no manifest could be seen`, [unsetFact]);
  if (check?.status === 'passed') {
    return row(id, 'holds', `with SPEC_OPS_CARGO_MANIFEST unset, every cargo call passed --manifest-path ${DEFAULT_MANIFEST}`, [
      unsetFact,
      fromCheck(run, 'manifest-path'),
    ]);
  }
  // The calls the check saw, worded from its data; its message only when it saw none (it then says why).
  const wrongCalls = describeWrongCalls(manifestCallsOf(check), DEFAULT_MANIFEST);
  return row(
    id,
    'broken',
    `with SPEC_OPS_CARGO_MANIFEST unset, cargo did not run with --manifest-path ${DEFAULT_MANIFEST}: ${wrongCalls || check?.message || 'no manifest-path check'}`,
    [unsetFact, fromCheck(run, 'manifest-path')],
  );
}

export function judgePlanManifestPath(ctx: KnobContext): KnobRow {
  const id = 'plan-manifest-path';
  if (!hasPlan(ctx)) return row(id, 'not-testable', missingScript('plan'), []);
  const found = firstRun(ctx, 'plan-manifest');
  if (!found) return row(id, 'not-testable', 'the plan-manifest probe did not run', []);
  const { run, probe } = found;
  const wanted = ctx.planManifest;
  if (!armed(scriptEvents(probe, run, PLAN_SCRIPT))) {
    return row(id, 'not-testable', `the fault log shows no ${PLAN_SCRIPT} start, so --manifest-path could not be passed to it`, []);
  }
  const root = repoRoots(run)[0];
  const uses: { where: string; manifest: string; resolved: string; evidence: KnobEvidence }[] = [];
  for (const event of scriptEvents(probe, run, BASELINE_AUDIT_SCRIPT).filter((item) => item.event === 'start')) {
    const flag = manifestOf(event.argv);
    const manifest = flag ?? event.manifestEnv ?? DEFAULT_MANIFEST;
    const how =
      flag !== null
        ? `--manifest-path ${flag}`
        : event.manifestEnv !== null
          ? `SPEC_OPS_CARGO_MANIFEST=${event.manifestEnv}`
          : `no manifest, so its default ${DEFAULT_MANIFEST}`;
    uses.push({
      where: BASELINE_AUDIT_SCRIPT,
      manifest,
      resolved: resolve(root ?? event.cwd, manifest),
      evidence: fact(run, `plan started ${BASELINE_AUDIT_SCRIPT} with ${how}`),
    });
  }
  for (const call of run.shimCalls.filter((item) => item.shim === 'cargo')) {
    const manifest = manifestOf(call.argv);
    uses.push({
      where: 'cargo',
      manifest: manifest ?? '(none)',
      resolved: manifest === null ? '' : resolve(call.cwd, manifest),
      evidence: fact(run, `plan ran cargo ${manifest === null ? 'without --manifest-path' : `with --manifest-path ${manifest}`}`),
    });
  }
  const given = fact(run, `plan was started with --manifest-path ${wanted} (BASH_ENV); ${planOutcome(run)}`);
  if (uses.length === 0) {
    return row(id, 'not-testable', `plan ran neither ${BASELINE_AUDIT_SCRIPT} nor cargo, so the manifest it uses could not be seen`, [given]);
  }
  const wrong = uses.filter((use) => use.resolved !== wanted);
  if (wrong.length > 0) {
    return row(
      id,
      'broken',
      `plan was given --manifest-path ${wanted} but used ${[...new Set(wrong.map((use) => `${use.manifest} for ${use.where}`))].join(', ')}`,
      [given, ...wrong.map((use) => use.evidence)],
    );
  }
  return row(id, 'holds', `plan handed --manifest-path ${wanted} on to ${[...new Set(uses.map((use) => use.where))].join(' and ')}`, [
    given,
    ...uses.map((use) => use.evidence),
  ]);
}

export function judgeEmptyBaseline(ctx: KnobContext): KnobRow {
  const id = 'empty-baseline';
  if (!hasPlan(ctx)) return row(id, 'not-testable', missingScript('plan'), []);
  const broken: string[] = [];
  const undecided: string[] = [];
  const evidence: KnobEvidence[] = [];
  for (const name of ['baseline-no-output', 'baseline-empty-report'] as const) {
    const found = firstRun(ctx, name);
    if (!found) {
      undecided.push(`the ${name} probe did not run`);
      continue;
    }
    const { run, probe } = found;
    const events = scriptEvents(probe, run, BASELINE_AUDIT_SCRIPT);
    const did = events.find((event) => event.event === 'armed')?.detail;
    if (did === undefined) {
      undecided.push(
        `${name}: plan did not start ${BASELINE_AUDIT_SCRIPT} as a bash process of its own (${planOutcome(run)}), so its output could not be taken away`,
      );
      evidence.push(fact(run, `the fault log shows no ${BASELINE_AUDIT_SCRIPT} start; ${planOutcome(run)}`));
      continue;
    }
    evidence.push(fact(run, `${BASELINE_AUDIT_SCRIPT}: ${did}; plan: ${planOutcome(run)}`));
    if (!(exitedNonZero(run) && planFields(run).baseline === 'failed'))
      broken.push(`${name === 'baseline-no-output' ? 'no report' : 'an empty report'}: ${planOutcome(run)}`);
  }
  if (broken.length > 0) return row(id, 'broken', `plan does not fail when the baseline audit exits 0 with ${broken.join('; or with ')}`, evidence);
  if (undecided.length > 0) return row(id, 'not-testable', undecided.join('; '), evidence);
  return row(id, 'holds', 'a baseline audit that exits 0 without a report, or with an empty one, gave baseline.status failed and a non-zero exit', evidence);
}
