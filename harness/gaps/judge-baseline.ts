// baseline-exit: does plan follow the baseline audit's exit status?
//
// Two kinds of evidence. (1) A failing baseline forced with the scripts' own drill variable
// (SPEC_OPS_BASELINE_FORCE_FAIL=1, under offline and error-bodies): the report says failed
// and the audit exits 1; plan must report failed and exit non-zero (the `baseline` check).
// (2) The baseline-fault probe: the audit writes a report that says passed and then exits 3
// (fault injected through BASH_ENV, harness/fault-injection.ts). Only the exit status says it
// failed, so a plan that reads the report, or captures the status as `if ! cmd; then rc=$?`
// (always 0), reports passed here, and only here.
import { basename } from 'node:path';
import { BASELINE_AUDIT_SCRIPT, eventsOfRun, INJECTED_EXIT_STATUS } from '../run/fault-injection.ts';
import { type GapEvidence, type GapProbeRun, type GapVerdict, HEALTHY, missingScript, type Probes, verdict } from './model.ts';
import { baselineReportStatus, evidenceFileText, exitText, fact, failed, fromCheck, planFields, repoRoots } from './probe-runs.ts';

type FaultOutcome = { decided: true; present: boolean; evidence: GapEvidence[] } | { decided: false; why: string; evidence: GapEvidence[] };

/** What the baseline-fault probe shows, run by run. */
export function judgeBaselineFault(runs: readonly GapProbeRun[], probes: Probes): FaultOutcome {
  const plan = runs.find((run) => run.flow === 'plan');
  if (!plan) return { decided: false, why: 'the baseline-fault probe did not run', evidence: [] };
  const events = eventsOfRun(probes.faultEvents, repoRoots(plan)).filter((event) => basename(event.script) === BASELINE_AUDIT_SCRIPT);
  const armed = events.some((event) => event.event === 'armed');
  const ended = events.find((event) => event.event === 'exit');
  if (plan.timedOut) return { decided: false, why: 'the baseline-fault plan run did not finish', evidence: [fromCheck(plan, 'exit-code')] };
  if (!armed) {
    return {
      decided: false,
      why: `plan did not start ${BASELINE_AUDIT_SCRIPT} as a bash process of its own, so its exit status could not be replaced (BASH_ENV fault)`,
      evidence: [fact(plan, `the fault log shows no ${BASELINE_AUDIT_SCRIPT} start; plan: ${exitText(plan)}`)],
    };
  }
  const own = ended === undefined ? null : Number(ended.detail);
  const fields = planFields(plan);
  // The "- Status:" line of the audit's own report is what this probe is about (the scripts'
  // output, not the harness's wording), so reading its text is meant.
  const report = fields.artifact === null ? null : baselineReportStatus(evidenceFileText(plan, fields.artifact));
  if (own !== 0 || report === 'failed') {
    return {
      decided: false,
      why: `the baseline audit failed by itself in the probe copy (${own === null ? 'it never reached its end' : `its own exit status ${own}`}${report ? `, report status ${report}` : ''}), so no passing report hid the injected exit status`,
      evidence: [
        fact(plan, `audit: own exit ${own ?? 'none'}, report ${report ?? 'not found'}; plan: baseline.status ${fields.baseline ?? 'none'}, ${exitText(plan)}`),
      ],
    };
  }
  const what = `the baseline audit wrote a report saying ${report ?? 'nothing readable'} and exited ${INJECTED_EXIT_STATUS} (its own status 0, replaced through BASH_ENV)`;
  const present = fields.baseline !== 'failed' || plan.report.exitCode === 0;
  return {
    decided: true,
    present,
    evidence: [
      ...(failed(plan, 'baseline') || !present ? [fromCheck(plan, 'baseline')] : []),
      fact(plan, `${what}; plan reported baseline.status ${fields.baseline ?? 'none'} and ${exitText(plan)}`),
    ],
  };
}

export function judgeBaselineExit(probes: Probes): GapVerdict {
  const id = 'baseline-exit';
  if (!probes.flows.includes('plan')) return verdict(id, 'not-testable', missingScript('plan'), []);
  const plans = probes.on.filter((run) => run.flow === 'plan');
  const passing = plans.find((run) => run.scenario === HEALTHY);
  const forced = plans.filter((run) => run.scenario !== HEALTHY && !run.timedOut);
  if (passing && failed(passing, 'baseline')) {
    return verdict(id, 'not-testable', "plan does not pass even with a passing baseline, so it cannot show whether it follows the audit's exit status", [
      fromCheck(passing, 'baseline'),
    ]);
  }
  const fault = judgeBaselineFault(probes.baselineFault, probes);
  const wrong = forced.filter((run) => failed(run, 'baseline'));
  const faultPresent = fault.decided && fault.present;
  if (wrong.length > 0 || faultPresent) {
    const reasons = [
      ...(wrong.length > 0 ? ['with a failing baseline audit (SPEC_OPS_BASELINE_FORCE_FAIL=1), plan still reported a passed baseline or exited 0'] : []),
      ...(faultPresent
        ? [
            `when the baseline audit exits ${INJECTED_EXIT_STATUS} after writing a passing report, plan reports a passed baseline or exits 0: it does not follow the audit's exit status`,
          ]
        : []),
    ];
    return verdict(id, 'present', reasons.join('; '), [...wrong.map((run) => fromCheck(run, 'baseline')), ...(faultPresent ? fault.evidence : [])]);
  }
  if (forced.length === 0 && !fault.decided) return verdict(id, 'not-testable', 'no plan run with a failing baseline finished', fault.evidence);
  const evidence = [...forced.slice(0, 1).map((run) => fromCheck(run, 'baseline')), ...fault.evidence];
  if (!fault.decided) {
    return verdict(
      id,
      'closed',
      `with a failing baseline audit (SPEC_OPS_BASELINE_FORCE_FAIL=1), plan reported baseline.status failed and exited non-zero; the exit-status fault could not be judged: ${fault.why}`,
      evidence,
    );
  }
  return verdict(
    id,
    'closed',
    forced.length > 0
      ? `plan reported baseline.status failed and exited non-zero both when the audit's report said failed (SPEC_OPS_BASELINE_FORCE_FAIL=1) and when only its exit status (${INJECTED_EXIT_STATUS}, after a passing report) did`
      : `plan reported baseline.status failed and exited non-zero when only the audit's exit status (${INJECTED_EXIT_STATUS}, after a passing report) said it failed`,
    evidence,
  );
}
