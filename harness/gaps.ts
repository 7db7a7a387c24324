// Gap detection: runs the scenarios and flows that probe each known guardrail gap
// (interfaces doc, section 4) and says, per gap, whether the repository still has it.
//
// Each gap is decided by evidence that only that gap produces:
//   baseline-exit            plan with a failing baseline (forced under offline and error-bodies): `baseline`
//   hal-failure-propagation  validate/audit under offline, where no answer has a body: exit 0 or status passed
//   artifact-on-failure      `artifacts` naming a listed capture that is missing, empty, a fallback, or in failed_checks
//   manifest-path            `manifest-path` seeing a cargo run without (or with another) --manifest-path
//   graphql-escaping         graphql_ping arriving malformed, or its call_tool args (shim log) not being valid JSON
//   status-by-body           under error-bodies (503/401/500 with JSON bodies): failed_checks leaving out a
//                            check the journal saw answered non-2xx, while offline failures are all listed.
//                            When cargo without --manifest-path kept every call from the API, these two
//                            scenarios run again on a copy with a Cargo.toml at its root.
//   hal-summary-flag         hal.summary present with SPEC_OPS_TELEMETRY_HAL=0 (validate, healthy) or absent with =1
//   secret-leak              `secret-leak` in any run
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { JournalEntry } from '../mock-hal/journal.ts';
import { CHECK_NAMES, parseScenario, type Scenario } from '../mock-hal/scenario-model.ts';
import { GRAPHQL_PING_QUERY } from './checks.ts';
import { newPairId } from './evidence.ts';
import { snapshotRepository } from './repo-copy.ts';
import { rebasedWorkspaceManifest } from './transports/cargo-workspace.ts';
import {
  DEFAULT_MANIFEST,
  DEFAULT_SPEC_ID,
  HarnessSetupError,
  REFERENCE_GUARDRAILS,
  SCRIPTS_DIR,
  runHarness,
  type HarnessOptions,
  parseShimLog,
} from './runner.ts';
import { formatTable } from './reports/console.ts';
import { STAGE_OF_FLOW, type CheckId, type CheckResult, type Flow, type HarnessReport, type RunReport, type ShimCall } from './types.ts';

export const GAP_IDS = [
  'baseline-exit',
  'hal-failure-propagation',
  'artifact-on-failure',
  'manifest-path',
  'graphql-escaping',
  'status-by-body',
  'hal-summary-flag',
  'secret-leak',
] as const;
export type GapId = (typeof GAP_IDS)[number];
export type GapState = 'present' | 'closed' | 'not-testable';

/**
 * The harness calls behind a verdict, one evidence bundle each:
 * hal-on: SPEC_OPS_TELEMETRY_HAL=1, every probe flow under healthy, offline and error-bodies;
 * hal-off: SPEC_OPS_TELEMETRY_HAL=0, validate (else audit) under healthy;
 * root-manifest: only when cargo ran without --manifest-path and reached no API: validate and audit
 * under offline and error-bodies on a copy of the repository with a Cargo.toml at its root.
 */
export type ProbeName = 'hal-on' | 'hal-off' | 'root-manifest';

const PROBE_NOTE: Record<ProbeName, string> = {
  'hal-on': '',
  'hal-off': ' (SPEC_OPS_TELEMETRY_HAL=0)',
  'root-manifest': ' (copy with a root Cargo.toml)',
};

/** One fact that decided a gap: a check of one probe run, or something read from that run's evidence. */
export interface GapEvidence {
  probe: ProbeName;
  scenario: string;
  flow: Flow;
  /** The harness check the fact comes from; null for a fact read from the evidence files. */
  check: CheckId | null;
  message: string;
  evidenceDir: string;
}

export interface GapVerdict {
  id: GapId;
  state: GapState;
  /** One line: why this state. */
  reason: string;
  evidence: GapEvidence[];
}

export interface GapsResult {
  /** No gap is present. */
  ok: boolean;
  gaps: GapVerdict[];
  /** The harness runs behind the verdicts, one report per evidence bundle. */
  probes: { name: ProbeName; report: HarnessReport }[];
}

export interface GapsOptions {
  repo?: string;
  specId?: string;
  /** Evidence bundles go to OUT/<SPEC-ID>/<pair-id>-gaps[-hal-off|-root-manifest]/ (default ./evidence-bundles). */
  out?: string;
  /** Base of the bundles' pair ids (default: a new one). */
  pairId?: string;
  /** Parallel runs per harness call (default: the number of cores). */
  concurrency?: number;
  timeoutSeconds?: number;
}

/** Errors that carry a JSON body (503, 401, 500); graphql_ping answers normally as a control. */
export const ERROR_BODIES_SCENARIO: Scenario = parseScenario(
  {
    name: 'error-bodies',
    description: 'gaps probe: three checks answer an error status with a JSON body (503, 401, 500); graphql_ping is healthy',
    endpoints: {
      health: { type: 'status', status: 503, body: { status: 'unhealthy', error: 'Service Unavailable' } },
      list_movies: { type: 'status', status: 401, body: { error: 'Unauthorized', message: 'invalid API key' } },
      indexer_test: { type: 'status', status: 500, body: { connected: false, status: 'error', message: 'indexer test failed' } },
    },
    expect: { status: 'failed', failedChecks: ['health', 'list_movies', 'indexer_test'] },
  },
  'gaps probe scenario "error-bodies"',
);

const HEALTHY = 'healthy';
const OFFLINE = 'offline';
const ERROR_BODIES = ERROR_BODIES_SCENARIO.name;
const SMOKE: readonly Flow[] = ['validate', 'audit'];
/** Flows the probes use, in run order. */
const PROBE_FLOWS: readonly Flow[] = ['validate', 'audit', 'plan'];

// --- what one probe run left ------------------------------------------------

interface ProbeRun {
  probe: ProbeName;
  report: RunReport;
  scenario: string;
  flow: Flow;
  timedOut: boolean;
  telemetry: Record<string, unknown> | null;
  journal: JournalEntry[];
  shimCalls: ShimCall[];
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function loadRun(report: RunReport, probe: ProbeName): ProbeRun {
  const dir = report.evidenceDir;
  const manifest = readJson(join(dir, 'manifest.json')) as { telemetry?: unknown; timedOut?: unknown } | null;
  const telemetry = typeof manifest?.telemetry === 'string' ? readJson(join(dir, manifest.telemetry)) : null;
  const journal = readJson(join(dir, 'journal.json'));
  const shimPath = join(dir, 'shim-log.jsonl');
  const shimCalls = parseShimLog(shimPath);

  return {
    probe,
    report,
    scenario: report.scenario,
    flow: report.flow,
    timedOut: manifest?.timedOut === true,
    telemetry: telemetry !== null && typeof telemetry === 'object' && !Array.isArray(telemetry) ? (telemetry as Record<string, unknown>) : null,
    journal: Array.isArray(journal) ? (journal as JournalEntry[]) : [],
    shimCalls,
  };
}

function checkOf(run: ProbeRun, id: CheckId): CheckResult | undefined {
  return run.report.checks.find((check) => check.id === id);
}

function fromCheck(run: ProbeRun, id: CheckId, message?: string): GapEvidence {
  return {
    probe: run.probe,
    scenario: run.scenario,
    flow: run.flow,
    check: id,
    message: message ?? checkOf(run, id)?.message ?? 'the check did not run',
    evidenceDir: run.report.evidenceDir,
  };
}

function fact(run: ProbeRun, message: string): GapEvidence {
  return { probe: run.probe, scenario: run.scenario, flow: run.flow, check: null, message, evidenceDir: run.report.evidenceDir };
}

function failed(run: ProbeRun, id: CheckId): boolean {
  return checkOf(run, id)?.status === 'failed';
}

interface Summary {
  status: unknown;
  failedChecks: string[];
}

function halSummary(run: ProbeRun): Summary | null {
  const summary = (run.telemetry?.hal as { summary?: unknown } | undefined)?.summary;
  if (summary === null || typeof summary !== 'object' || Array.isArray(summary)) return null;
  const listed = (summary as { failed_checks?: unknown }).failed_checks;
  return {
    status: (summary as { status?: unknown }).status,
    failedChecks: Array.isArray(listed) ? listed.filter((name): name is string => typeof name === 'string') : [],
  };
}

/** What the stage said about the HAL: hal.summary.status, else the scenario status (failed if any failed). */
function reportedStatus(run: ProbeRun): string | null {
  const summary = halSummary(run);
  if (typeof summary?.status === 'string') return summary.status;
  const scenarios = Array.isArray(run.telemetry?.scenarios) ? (run.telemetry.scenarios as { status?: unknown }[]) : [];
  const statuses = scenarios.map((scenario) => scenario?.status);
  if (statuses.includes('failed')) return 'failed';
  return typeof statuses[0] === 'string' ? statuses[0] : null;
}

const verdict = (id: GapId, state: GapState, reason: string, evidence: GapEvidence[]): GapVerdict => ({ id, state, reason, evidence });

// --- the judges ----------------------------------------------------------------

interface Probes {
  on: ProbeRun[];
  off: ProbeRun[];
  rootManifest: ProbeRun[];
  flows: Flow[];
}

const smokeRuns = (runs: readonly ProbeRun[]) => runs.filter((run) => SMOKE.includes(run.flow));
const missingScript = (flow: Flow) => `the repository has no ${SCRIPTS_DIR}/${STAGE_OF_FLOW[flow].script}`;
const NO_SMOKE = `the repository has neither ${SCRIPTS_DIR}/${STAGE_OF_FLOW.validate.script} nor ${STAGE_OF_FLOW.audit.script}`;

function judgeBaselineExit(probes: Probes): GapVerdict {
  const id = 'baseline-exit';
  if (!probes.flows.includes('plan')) return verdict(id, 'not-testable', missingScript('plan'), []);
  const plans = probes.on.filter((run) => run.flow === 'plan');
  const passing = plans.find((run) => run.scenario === HEALTHY);
  const forced = plans.filter((run) => run.scenario !== HEALTHY && !run.timedOut);
  if (passing && failed(passing, 'baseline')) {
    return verdict(id, 'not-testable', 'plan does not pass even with a passing baseline, so it cannot show whether it follows the audit\'s exit status', [
      fromCheck(passing, 'baseline'),
    ]);
  }
  if (forced.length === 0) return verdict(id, 'not-testable', 'no plan run with a failing baseline finished', []);
  const wrong = forced.filter((run) => failed(run, 'baseline'));
  if (wrong.length > 0) {
    return verdict(id, 'present', 'with a failing baseline audit (SPEC_OPS_BASELINE_FORCE_FAIL=1), plan still reported a passed baseline or exited 0', wrong.map((run) => fromCheck(run, 'baseline')));
  }
  return verdict(id, 'closed', 'with a failing baseline audit (SPEC_OPS_BASELINE_FORCE_FAIL=1), plan reported baseline.status failed and exited non-zero', [fromCheck(forced[0] as ProbeRun, 'baseline')]);
}

function judgeFailurePropagation(probes: Probes): GapVerdict {
  const id = 'hal-failure-propagation';
  const offline = smokeRuns(probes.on).filter((run) => run.scenario === OFFLINE);
  if (offline.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const finished = offline.filter((run) => !run.timedOut);
  if (finished.length === 0) return verdict(id, 'not-testable', 'the offline runs did not finish', offline.map((run) => fromCheck(run, 'exit-code')));
  const swallowed = finished.filter((run) => run.report.exitCode === 0 || reportedStatus(run) === 'passed');
  if (swallowed.length > 0) {
    return verdict(
      id,
      'present',
      'with every HAL connection reset (no answer, no body), the stage still exited 0 or reported passed',
      swallowed.flatMap((run) => [
        ...(run.report.exitCode === 0 ? [fromCheck(run, 'exit-code')] : []),
        ...(reportedStatus(run) === 'passed' ? [fromCheck(run, 'telemetry-status')] : []),
      ]),
    );
  }
  return verdict(
    id,
    'closed',
    'with every HAL connection reset, the stage reported failed and exited non-zero',
    finished.map((run) => fromCheck(run, 'exit-code')),
  );
}

/** Problems the `artifacts` check words for a capture listed though it failed, fell back or was never written. */
const ARTIFACT_GAP_PROBLEM = [
  / is listed but does not exist$/,
  / is listed but empty$/,
  / is listed but holds the synthetic fallback body/,
  / is listed although \S+ is in failed_checks$/,
];

function judgeArtifactOnFailure(probes: Probes): GapVerdict {
  const id = 'artifact-on-failure';
  const runs = smokeRuns([...probes.on, ...probes.off, ...probes.rootManifest]);
  if (runs.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const judged = runs.filter((run) => run.telemetry !== null);
  if (judged.length === 0) return verdict(id, 'not-testable', 'no validate or audit run wrote telemetry, so no artifact list could be read', []);
  const evidence = judged.flatMap((run) => {
    if (!failed(run, 'artifacts')) return [];
    const problems = (checkOf(run, 'artifacts')?.message ?? '').split('; ').filter((problem) => ARTIFACT_GAP_PROBLEM.some((pattern) => pattern.test(problem)));
    return problems.length > 0 ? [fromCheck(run, 'artifacts', problems.join('; '))] : [];
  });
  if (evidence.length > 0) return verdict(id, 'present', 'captures of failed, fallen-back or unwritten checks are listed as artifacts', evidence);
  const decisive = judged.filter((run) => run.scenario !== HEALTHY);
  const shown = decisive.length > 0 ? decisive : judged;
  return verdict(
    id,
    'closed',
    'no capture of a failed, fallen-back or unwritten check is listed as an artifact',
    shown.map((run) => fromCheck(run, 'artifacts')),
  );
}

const MANIFEST_GAP_PROBLEM = /ran without --manifest-path|cargo ran with --manifest-path /;

function judgeManifestPath(probes: Probes): GapVerdict {
  const id = 'manifest-path';
  const runs = smokeRuns([...probes.on, ...probes.off]);
  if (runs.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const wrong = runs.filter((run) => failed(run, 'manifest-path') && MANIFEST_GAP_PROBLEM.test(checkOf(run, 'manifest-path')?.message ?? ''));
  if (wrong.length > 0) return verdict(id, 'present', 'the HAL smoke runs cargo without the configured --manifest-path', wrong.map((run) => fromCheck(run, 'manifest-path')));
  const passed = runs.filter((run) => checkOf(run, 'manifest-path')?.status === 'passed');
  if (passed.length === 0) {
    return verdict(id, 'not-testable', 'the HAL smoke made no cargo calls, so there is no cargo command line to read', runs.slice(0, 1).map((run) => fromCheck(run, 'manifest-path')));
  }
  return verdict(id, 'closed', 'every cargo call of the HAL smoke passed the configured --manifest-path', [fromCheck(passed[0] as ProbeRun, 'manifest-path')]);
}

type ArgsVerdict = { found: false } | { found: true; ok: boolean; message: string };

/** The graphql_ping args the guardrail handed call_tool, as the cargo shim logged them. */
function graphqlArgs(run: ProbeRun): ArgsVerdict {
  for (const call of run.shimCalls) {
    if (call.shim !== 'cargo') continue;
    const at = call.argv.indexOf('--args');
    const args = at === -1 ? undefined : call.argv[at + 1];
    if (args === undefined || !args.includes('/graphql')) continue;
    // The body is what goes wrong; the url and headers before it only take room.
    const bodyAt = args.indexOf('"body"');
    const tail = bodyAt > 0 ? `…${args.slice(bodyAt)}` : args;
    const shown = tail.length > 160 ? `${tail.slice(0, 160)}…` : tail;
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch {
      return { found: true, ok: false, message: `call_tool was given graphql_ping args that are not JSON: ${shown}` };
    }
    const body = (parsed as { body?: unknown } | null)?.body;
    let query: unknown;
    try {
      query = typeof body === 'string' ? (JSON.parse(body) as { query?: unknown } | null)?.query : undefined;
    } catch {
      query = undefined;
    }
    return query === GRAPHQL_PING_QUERY
      ? { found: true, ok: true, message: `call_tool was given graphql_ping args that are valid JSON with body ${JSON.stringify(body)}` }
      : { found: true, ok: false, message: `call_tool was given graphql_ping args whose body is not the JSON string {"query":"${GRAPHQL_PING_QUERY}"}: ${shown}` };
  }
  return { found: false };
}

function judgeGraphqlEscaping(probes: Probes): GapVerdict {
  const id = 'graphql-escaping';
  const runs = smokeRuns([...probes.on, ...probes.off, ...probes.rootManifest]);
  if (runs.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const present: GapEvidence[] = [];
  const closed: GapEvidence[] = [];
  for (const run of runs) {
    const check = checkOf(run, 'graphql-escaping');
    const args = graphqlArgs(run);
    if (check?.status === 'failed' && run.journal.some((entry) => entry.check === 'graphql_ping')) {
      present.push(fromCheck(run, 'graphql-escaping'));
    } else if (args.found && !args.ok) {
      present.push(...(check?.status === 'failed' ? [fromCheck(run, 'graphql-escaping')] : []), fact(run, args.message));
    } else if (check?.status === 'passed') {
      closed.push(fromCheck(run, 'graphql-escaping'));
    } else if (args.found && args.ok) {
      closed.push(fact(run, `${args.message}; graphql_ping never reached the mock, so the request was lost after the args (see manifest-path)`));
    }
  }
  if (present.length > 0) return verdict(id, 'present', 'the GraphQL body does not reach the API as the JSON string {"query":…}', present);
  // A check that saw the query arrive beats the args read from the shim log.
  const best = closed.find((item) => item.check !== null) ?? closed[0];
  if (best) return verdict(id, 'closed', 'the graphql_ping body is a correctly escaped JSON string', [best]);
  return verdict(id, 'not-testable', 'no graphql_ping call was seen, neither at the mock nor in the cargo shim log', runs.slice(0, 1).map((run) => fromCheck(run, 'graphql-escaping')));
}

/** Checks the journal saw answered with a non-2xx HTTP status (an answer, so a body: the scenario gives one). */
function answeredNon2xx(run: ProbeRun): string[] {
  return CHECK_NAMES.filter((check) =>
    run.journal.some((entry) => entry.check === check && !entry.fault && entry.status !== null && (entry.status < 200 || entry.status >= 300)),
  );
}

function unanswered(run: ProbeRun): string[] {
  return CHECK_NAMES.filter((check) => run.journal.some((entry) => entry.check === check && (entry.fault !== undefined || entry.status === null)));
}

function judgeStatusByBody(probes: Probes): GapVerdict {
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
        reasons.push(`${flow}'s failed_checks also leaves out ${notKept.join(', ')} when they get no answer at all (offline), so a status judged by body cannot be told from a failure that is not recorded (see hal-failure-propagation)`);
        untestable.push(fromCheck(bodies, 'journal-consistency'), fromCheck(offline, 'journal-consistency'));
        continue;
      }
      present.push(
        fromCheck(bodies, 'journal-consistency'),
        fact(bodies, `hal.summary.failed_checks [${summary.failedChecks.join(', ')}] leaves out ${leftOut.join(', ')}, which the mock answered ${leftOut.map((check) => bodies.journal.find((entry) => entry.check === check)?.status).join(', ')} with a JSON body`),
      );
      continue;
    }
    // No hal.summary: only the overall status can tell.
    const status = reportedStatus(bodies);
    const offlineStatus = offline ? reportedStatus(offline) : null;
    if (status === 'failed') closed.push(fromCheck(bodies, 'telemetry-status'));
    else if (status === 'passed' && offlineStatus === 'failed') present.push(fromCheck(bodies, 'telemetry-status'), ...(offline ? [fromCheck(offline, 'telemetry-status')] : []));
    else {
      reasons.push(`without hal.summary, ${flow} reported ${status ?? 'no status'} under ${ERROR_BODIES} and ${offlineStatus ?? 'no status'} offline, which does not tell`);
      untestable.push(fromCheck(bodies, 'telemetry-status'));
    }
  }
  if (present.length > 0) return verdict(id, 'present', 'an error status (5xx or 401) that carries a JSON body counts as a passed check', present);
  if (closed.length > 0) return verdict(id, 'closed', 'checks answered 5xx or 401 with a JSON body are reported failed', closed);
  return verdict(id, 'not-testable', reasons.join('; ') || 'no run could tell', untestable);
}

function judgeHalSummaryFlag(probes: Probes): GapVerdict {
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
    return verdict(id, 'present', parts.join('; '), [...extra, ...missing].map((run) => fromCheck(run, 'telemetry-schema')));
  }
  if (off.length === 0 || on.length === 0) {
    return verdict(id, 'not-testable', `no telemetry was written with SPEC_OPS_TELEMETRY_HAL=${off.length === 0 ? 0 : 1}, so only one side of the flag could be seen`, [...off, ...on].slice(0, 1).map((run) => fromCheck(run, 'telemetry-schema')));
  }
  const shown = [off[0], on.find((run) => run.scenario === HEALTHY && run.flow === off[0]?.flow) ?? on[0]] as ProbeRun[];
  return verdict(id, 'closed', 'hal.summary is absent with SPEC_OPS_TELEMETRY_HAL=0 and present with =1', shown.map((run) => fromCheck(run, 'telemetry-schema')));
}

function judgeSecretLeak(probes: Probes): GapVerdict {
  const id = 'secret-leak';
  const runs = [...probes.on, ...probes.off, ...probes.rootManifest];
  const leaked = runs.filter((run) => failed(run, 'secret-leak'));
  if (leaked.length > 0) return verdict(id, 'present', 'the API key was written where evidence is kept', leaked.map((run) => fromCheck(run, 'secret-leak')));
  const smoke = smokeRuns(runs);
  // Only the HAL smoke hands the key on; without it, a clean plan run proves little.
  if (smoke.length === 0) return verdict(id, 'not-testable', `${NO_SMOKE}, and no other flow uses the API key`, []);
  return verdict(id, 'closed', `the API key appears in no output or produced file of the ${runs.length} probe runs`, smoke.slice(0, 1).map((run) => fromCheck(run, 'secret-leak')));
}

// --- running the probes ---------------------------------------------------------

/** Probe flows whose script the repository has. */
export function availableFlows(repo: string): Flow[] {
  return PROBE_FLOWS.filter((flow) => existsSync(join(repo, SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)));
}

export async function detectGaps(options: GapsOptions = {}): Promise<GapsResult> {
  const repo = resolve(options.repo ?? REFERENCE_GUARDRAILS);
  if (!existsSync(repo) || !statSync(repo).isDirectory()) {
    throw new HarnessSetupError(`--repo ${repo} is not a folder; point it at the root of a guardrail repository`);
  }
  const flows = availableFlows(repo);
  if (flows.length === 0) {
    throw new HarnessSetupError(
      `${repo} has none of ${PROBE_FLOWS.map((flow) => join(SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)).join(', ')}; is --repo the root of a guardrail repository?`,
    );
  }
  const base = options.pairId ?? newPairId();
  const common = {
    repo,
    specId: options.specId ?? DEFAULT_SPEC_ID,
    out: options.out ?? 'evidence-bundles',
    transport: 'hermetic' as const,
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.timeoutSeconds !== undefined ? { timeoutSeconds: options.timeoutSeconds } : {}),
  };
  const offFlow = SMOKE.find((flow) => flows.includes(flow));
  const [on, off] = await Promise.all([
    runHarness({ ...common, flows, scenarios: [HEALTHY, OFFLINE, ERROR_BODIES_SCENARIO], telemetryHal: true, pairId: `${base}-gaps` }),
    offFlow ? runHarness({ ...common, flows: [offFlow], scenarios: [HEALTHY], telemetryHal: false, pairId: `${base}-gaps-hal-off` }) : null,
  ]);
  const reports: GapsResult['probes'] = [{ name: 'hal-on', report: on }, ...(off ? [{ name: 'hal-off' as const, report: off }] : [])];
  const probes: Probes = {
    on: on.runs.map((run) => loadRun(run, 'hal-on')),
    off: off ? off.runs.map((run) => loadRun(run, 'hal-off')) : [],
    rootManifest: [],
    flows,
  };
  const smokeFlows = SMOKE.filter((flow) => flows.includes(flow));
  const unreached = smokeRuns(probes.on).filter(
    (run) => run.scenario === ERROR_BODIES && run.journal.length === 0 && /ran without --manifest-path/.test(checkOf(run, 'manifest-path')?.message ?? ''),
  );
  if (unreached.length > 0) {
    const rootManifest = await runWithRootManifest(repo, { ...common, flows: smokeFlows, pairId: `${base}-gaps-root-manifest` });
    reports.push({ name: 'root-manifest', report: rootManifest });
    probes.rootManifest = rootManifest.runs.map((run) => loadRun(run, 'root-manifest'));
  }
  const gaps = [
    judgeBaselineExit(probes),
    judgeFailurePropagation(probes),
    judgeArtifactOnFailure(probes),
    judgeManifestPath(probes),
    judgeGraphqlEscaping(probes),
    judgeStatusByBody(probes),
    judgeHalSummaryFlag(probes),
    judgeSecretLeak(probes),
  ];
  return { ok: gaps.every((gap) => gap.state !== 'present'), gaps, probes: reports };
}

/**
 * cargo without --manifest-path looks for a Cargo.toml from the repository root upwards. On a
 * copy that has one there (the configured workspace, rebased to the root), the HAL calls reach the API again.
 */
async function runWithRootManifest(repo: string, options: HarnessOptions): Promise<HarnessReport> {
  const scratch = await mkdtemp(join(tmpdir(), 'guardrail-gaps-'));
  try {
    const copy = join(scratch, 'repo');
    await snapshotRepository(repo, copy);
    const manifest = join(copy, options.manifest ?? DEFAULT_MANIFEST);
    // The configured workspace with its members listed from the root (a plain copy would name them wrongly).
    const rootManifest = existsSync(manifest) ? (rebasedWorkspaceManifest(manifest, copy) ?? (await readFile(manifest))) : '[workspace]\nresolver = "2"\nmembers = []\n';
    await writeFile(join(copy, 'Cargo.toml'), rootManifest);
    return await runHarness({ ...options, repo: copy, scenarios: [OFFLINE, ERROR_BODIES_SCENARIO], telemetryHal: true });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// --- output ------------------------------------------------------------------------

/** The --report-json document: ok, then the gaps in GAP_IDS order. */
export function buildGapsJson(result: GapsResult): { ok: boolean; gaps: GapVerdict[]; bundles: string[] } {
  return {
    ok: result.ok,
    gaps: result.gaps.map(({ id, state, reason, evidence }) => ({ id, state, reason, evidence })),
    bundles: result.probes.map((probe) => probe.report.bundleDir),
  };
}

function shorten(text: string, max = 240): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Evidence lines printed per gap; --report-json has them all. */
const SHOWN_EVIDENCE = 4;

export function renderGaps(result: GapsResult): string {
  const table = formatTable(
    ['GAP', 'STATE', 'WHY'],
    result.gaps.map((gap) => [gap.id, gap.state, gap.reason]),
  );
  const lines = [table, '', 'Evidence:'];
  for (const gap of result.gaps) {
    lines.push(`  ${gap.id} (${gap.state})`);
    if (gap.evidence.length === 0) lines.push('    (none)');
    for (const item of gap.evidence.slice(0, SHOWN_EVIDENCE)) {
      const run = `${item.scenario}/${item.flow}${PROBE_NOTE[item.probe]}`;
      lines.push(`    ${run}  ${item.check ?? 'evidence'}: ${shorten(item.message)}`);
    }
    if (gap.evidence.length > SHOWN_EVIDENCE) lines.push(`    … and ${gap.evidence.length - SHOWN_EVIDENCE} more like these (all of them in --report-json)`);
  }
  const count = (state: GapState) => result.gaps.filter((gap) => gap.state === state);
  const present = count('present');
  const untestable = count('not-testable');
  lines.push(
    '',
    `${present.length === 0 ? 'NO GAP PRESENT' : `GAPS PRESENT: ${present.map((gap) => gap.id).join(', ')}`}; ` +
      `${count('closed').length} closed, ${untestable.length} not testable${untestable.length > 0 ? ` (${untestable.map((gap) => gap.id).join(', ')})` : ''}`,
  );
  return `${lines.join('\n')}\n`;
}
