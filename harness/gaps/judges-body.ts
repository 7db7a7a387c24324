// The judges of what the telemetry says about each check: status-by-body,
// hal-summary-flag, and secret-leak across every probe run.
import { CHECK_NAMES } from '../../mock-hal/index.ts';
import {
  ERROR_BODIES,
  type GapEvidence,
  type GapProbeRun,
  type GapVerdict,
  HEALTHY,
  NO_SMOKE,
  OFFLINE,
  type Probes,
  SMOKE,
  smokeRuns,
  verdict,
} from './model.ts';
import { fact, failed, fromCheck, halSummary, reportedStatus } from './probe-runs.ts';

type ProbeRun = GapProbeRun;

/** Checks the journal saw answered with a non-2xx HTTP status (an answer, so a body: the scenario gives one). */
function answeredNon2xx(run: ProbeRun): string[] {
  return CHECK_NAMES.filter((check) =>
    run.journal.some((entry) => entry.check === check && !entry.fault && entry.status !== null && (entry.status < 200 || entry.status >= 300)),
  );
}

function unanswered(run: ProbeRun): string[] {
  return CHECK_NAMES.filter((check) => run.journal.some((entry) => entry.check === check && (entry.fault !== undefined || entry.status === null)));
}

export function judgeStatusByBody(probes: Probes): GapVerdict {
  const id = 'status-by-body';
  const flows = SMOKE.filter((flow) => probes.flows.includes(flow));
  if (flows.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const present: GapEvidence[] = [];
  const closed: GapEvidence[] = [];
  const untestable: GapEvidence[] = [];
  const reasons: string[] = [];
  for (const flow of flows) {
    const main = probes.on.find((run) => run.flow === flow && run.scenario === ERROR_BODIES);
    // Nothing reached the API (cargo without --manifest-path): judge the run on the copy with a root Cargo.toml.
    const source = main && main.journal.length === 0 && probes.rootManifest.some((run) => run.flow === flow) ? probes.rootManifest : probes.on;
    const bodies = source.find((run) => run.flow === flow && run.scenario === ERROR_BODIES);
    const offline = source.find((run) => run.flow === flow && run.scenario === OFFLINE);
    if (!bodies || bodies.timedOut || bodies.telemetry === null) {
      reasons.push(`${flow} wrote no telemetry under ${ERROR_BODIES}`);
      continue;
    }
    const summary = halSummary(bodies);
    const erred = answeredNon2xx(bodies);
    if (erred.length === 0) {
      reasons.push(`under ${ERROR_BODIES} no ${flow} HAL call reached the mock`);
      untestable.push(fromCheck(bodies, 'journal-consistency'));
      continue;
    }
    if (summary !== null) {
      const leftOut = erred.filter((check) => !summary.failedChecks.includes(check));
      if (leftOut.length === 0) {
        closed.push(fromCheck(bodies, 'journal-consistency'));
        continue;
      }
      // Checks that got no answer at all must be listed: otherwise failed_checks is not kept whatever the status.
      const offlineSummary = offline ? halSummary(offline) : null;
      const notKept = offline && offlineSummary ? unanswered(offline).filter((check) => !offlineSummary.failedChecks.includes(check)) : [];
      if (offline && notKept.length > 0) {
        reasons.push(
          `${flow}'s failed_checks also leaves out ${notKept.join(', ')} when they get no answer at all (offline), so a status judged by body cannot be told from a failure that is not recorded (see hal-failure-propagation)`,
        );
        untestable.push(fromCheck(bodies, 'journal-consistency'), fromCheck(offline, 'journal-consistency'));
        continue;
      }
      present.push(
        fromCheck(bodies, 'journal-consistency'),
        fact(
          bodies,
          `hal.summary.failed_checks [${summary.failedChecks.join(', ')}] leaves out ${leftOut.join(', ')}, which the mock answered ${leftOut.map((check) => bodies.journal.find((entry) => entry.check === check)?.status).join(', ')} with a JSON body`,
        ),
      );
      continue;
    }
    // No hal.summary: only the overall status can tell.
    const status = reportedStatus(bodies);
    const offlineStatus = offline ? reportedStatus(offline) : null;
    if (status === 'failed') closed.push(fromCheck(bodies, 'telemetry-status'));
    else if (status === 'passed' && offlineStatus === 'failed')
      present.push(fromCheck(bodies, 'telemetry-status'), ...(offline ? [fromCheck(offline, 'telemetry-status')] : []));
    else {
      reasons.push(
        `without hal.summary, ${flow} reported ${status ?? 'no status'} under ${ERROR_BODIES} and ${offlineStatus ?? 'no status'} offline, which does not tell`,
      );
      untestable.push(fromCheck(bodies, 'telemetry-status'));
    }
  }
  if (present.length > 0) return verdict(id, 'present', 'an error status (5xx or 401) that carries a JSON body counts as a passed check', present);
  if (closed.length > 0) return verdict(id, 'closed', 'checks answered 5xx or 401 with a JSON body are reported failed', closed);
  return verdict(id, 'not-testable', reasons.join('; ') || 'no run could tell', untestable);
}

export function judgeHalSummaryFlag(probes: Probes): GapVerdict {
  const id = 'hal-summary-flag';
  const on = smokeRuns(probes.on).filter((run) => run.telemetry !== null);
  const off = smokeRuns(probes.off).filter((run) => run.telemetry !== null);
  if (on.length === 0 && off.length === 0) {
    return verdict(id, 'not-testable', smokeRuns(probes.on).length === 0 ? NO_SMOKE : 'no validate or audit run wrote telemetry', []);
  }
  const hasSummary = (run: ProbeRun) => {
    const hal = run.telemetry?.hal;
    return hal !== null && typeof hal === 'object' && (hal as { summary?: unknown }).summary !== undefined;
  };
  const extra = off.filter(hasSummary);
  const missing = on.filter((run) => !hasSummary(run));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      ...(extra.length > 0 ? ['hal.summary is written although SPEC_OPS_TELEMETRY_HAL=0'] : []),
      ...(missing.length > 0 ? ['hal.summary is missing although SPEC_OPS_TELEMETRY_HAL=1'] : []),
    ];
    return verdict(
      id,
      'present',
      parts.join('; '),
      [...extra, ...missing].map((run) => fromCheck(run, 'telemetry-schema')),
    );
  }
  if (off.length === 0 || on.length === 0) {
    return verdict(
      id,
      'not-testable',
      `no telemetry was written with SPEC_OPS_TELEMETRY_HAL=${off.length === 0 ? 0 : 1}, so only one side of the flag could be seen`,
      [...off, ...on].slice(0, 1).map((run) => fromCheck(run, 'telemetry-schema')),
    );
  }
  const shown = [off[0], on.find((run) => run.scenario === HEALTHY && run.flow === off[0]?.flow) ?? on[0]] as ProbeRun[];
  return verdict(
    id,
    'closed',
    'hal.summary is absent with SPEC_OPS_TELEMETRY_HAL=0 and present with =1',
    shown.map((run) => fromCheck(run, 'telemetry-schema')),
  );
}

export function judgeSecretLeak(probes: Probes): GapVerdict {
  const id = 'secret-leak';
  const runs = [...probes.on, ...probes.off, ...probes.baselineFault, ...probes.rootManifest];
  const leaked = runs.filter((run) => failed(run, 'secret-leak'));
  if (leaked.length > 0)
    return verdict(
      id,
      'present',
      'the API key was written where evidence is kept',
      leaked.map((run) => fromCheck(run, 'secret-leak')),
    );
  const smoke = smokeRuns(runs);
  // Only the HAL smoke hands the key on; without it, a clean plan run proves little.
  if (smoke.length === 0) return verdict(id, 'not-testable', `${NO_SMOKE}, and no other flow uses the API key`, []);
  return verdict(
    id,
    'closed',
    `the API key appears in no output or produced file of the ${runs.length} probe runs`,
    smoke.slice(0, 1).map((run) => fromCheck(run, 'secret-leak')),
  );
}
