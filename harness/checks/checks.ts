// The checks: each judges one thing about one run and says what it expected and
// what it saw. They read only the RunRecord, so they test without a guardrail.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checkFailure, journalAnswer } from '../../common/hal-contract/check-outcome.ts';
import { CHECK_NAMES, type CheckName, type Expectation } from '../../mock-hal/index.ts';
import { readTelemetryFileSync, type Telemetry } from '../telemetry/telemetry-schema.ts';
import { specKitOutcomeCheck, telemetrySchemaCheck } from './checks-spec-kit.ts';
import { checkHalReached } from './check-hal-reached.ts';
import { SMOKE_FLOWS, type CheckId, type CheckResult, type Flow, type RunRecord } from '../run/types.ts';

export const GRAPHQL_PING_QUERY = 'query { __typename }';

const pass = (id: CheckId, message: string): CheckResult => ({ id, status: 'passed', ok: true, message });
const fail = (id: CheckId, message: string): CheckResult => ({ id, status: 'failed', ok: false, message });
const notApplicable = (id: CheckId, message: string): CheckResult => ({ id, status: 'not-applicable', ok: null, message });

const isSmoke = (run: RunRecord) => SMOKE_FLOWS.includes(run.flow);

/** What the guardrail's telemetry holds, read once per run. */
export interface TelemetryView {
  data: Record<string, unknown> | null;
  problems: string[];
}

export function readTelemetry(run: RunRecord): TelemetryView {
  if (!run.telemetryPath) return { data: null, problems: ['no telemetry file was written'] };
  const read = readTelemetryFileSync(run.telemetryPath);
  if (!read.ok) return { data: null, problems: read.problems };
  const data = read.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { data: null, problems: ['telemetry is not a JSON object'] };
  return { data: data as Record<string, unknown>, problems: [] };
}

interface HalView {
  scenarioStatus: string | null;
  summary: { status?: unknown; failed_checks?: unknown; artifacts?: unknown } | null;
}

function halView(data: Record<string, unknown> | null): HalView {
  const scenarios = Array.isArray(data?.scenarios) ? (data.scenarios as { status?: unknown }[]) : [];
  const statuses = scenarios.map((scenario) => scenario?.status);
  // Several scenarios: the stage failed if any did.
  const scenarioStatus = statuses.includes('failed')
    ? 'failed'
    : typeof statuses[0] === 'string'
      ? (statuses[0] as string)
      : null;
  const hal = data?.hal as { summary?: HalView['summary'] } | undefined;
  return { scenarioStatus, summary: hal?.summary && typeof hal.summary === 'object' ? hal.summary : null };
}

/** The status a run reported, as pair.json and the transition check see it. */
export function observedStatus(run: RunRecord, view: TelemetryView): 'passed' | 'failed' | 'skipped' | null {
  if (run.flow === 'plan') {
    const baseline = (view.data?.baseline as { status?: unknown } | undefined)?.status;
    if (baseline === 'failed' || run.exitCode !== 0) return view.data ? 'failed' : null;
    return view.data ? 'passed' : null;
  }
  if (isSmoke(run)) {
    const hal = halView(view.data);
    const status = hal.summary?.status ?? hal.scenarioStatus;
    return status === 'passed' || status === 'failed' || status === 'skipped' ? status : null;
  }
  if (!view.data) return null;
  return run.exitCode === 0 ? 'passed' : 'failed';
}

/**
 * What a correct guardrail reports: the scenario's expectation for the HAL smoke and
 * for plan (whose baseline fails under a failing scenario); flows that make no HAL
 * calls must pass whatever the scenario.
 */
export function expectedStatus(flow: Flow, expect: Expectation): 'passed' | 'failed' {
  return flow === 'plan' || SMOKE_FLOWS.includes(flow) ? expect.status : 'passed';
}

export function checkExitCode(run: RunRecord): CheckResult {
  if (run.timedOut) return fail('exit-code', `expected the guardrail to finish, but the harness killed it after its timeout (signal ${run.signal})`);
  const wantZero = run.flow === 'plan' && run.baseline?.forcedFail ? run.baseline.allowFail : expectedStatus(run.flow, run.expect) === 'passed';
  const seen = run.exitCode === null ? `no exit code (signal ${run.signal})` : `exit ${run.exitCode}`;
  if (wantZero) return run.exitCode === 0 ? pass('exit-code', 'expected exit 0, saw exit 0') : fail('exit-code', `expected exit 0, saw ${seen}`);
  return run.exitCode !== 0 && run.exitCode !== null
    ? pass('exit-code', `expected a non-zero exit, saw ${seen}`)
    : fail('exit-code', `expected a non-zero exit for a ${expectedStatus(run.flow, run.expect)} run, saw ${seen}`);
}

/**
 * The Spec Kit's schema and the kit's strict one, each problem labelled `spec-kit:`,
 * `strict:` or `hal-flag:`; strict-only problems do not fail it (checks-spec-kit.ts says why).
 */
export function checkTelemetrySchema(run: RunRecord, view: TelemetryView): CheckResult {
  return telemetrySchemaCheck(run, view);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

export function checkTelemetryStatus(run: RunRecord, view: TelemetryView): CheckResult {
  const id = 'telemetry-status';
  if (!view.data) return fail(id, `expected a telemetry status, but ${view.problems.join('; ')}`);
  const data = view.data;
  switch (run.flow) {
    case 'validate':
    case 'audit': {
      const hal = halView(data);
      const want = run.expect.status;
      const problems: string[] = [];
      const notes: string[] = [];
      // The Spec Kit advances on skipped, so skipped stands where passed is expected
      // (hal-reached says whether the scripts called HAL at all).
      const judge = (field: string, seen: unknown): void => {
        if (seen === want) return;
        if (want === 'passed' && seen === 'skipped') notes.push(`${field} skipped, accepted where passed is expected because the Spec Kit advances on skipped`);
        else problems.push(`${field}: expected ${want}, saw ${String(seen ?? 'none')}`);
      };
      judge('scenario status', hal.scenarioStatus);
      if (run.telemetryHal) {
        judge('hal.summary.status', hal.summary?.status);
        const seen = Array.isArray(hal.summary?.failed_checks) ? (hal.summary.failed_checks as string[]) : [];
        if (!sameSet(seen, run.expect.failedChecks)) {
          problems.push(`hal.summary.failed_checks: expected [${run.expect.failedChecks.join(', ')}], saw [${seen.join(', ')}]`);
        }
      }
      return problems.length === 0
        ? pass(id, `reported ${want}${run.telemetryHal ? ` with failed_checks [${run.expect.failedChecks.join(', ')}]` : ''}, as the scenario expects${notes.map((note) => `; ${note}`).join('')}`)
        : fail(id, problems.join('; '));
    }
    case 'plan': {
      const want = run.baseline?.forcedFail ? 'failed' : 'passed';
      const seen = (data.baseline as { status?: unknown } | undefined)?.status;
      if (seen === 'skipped' && want === 'passed') {
        return pass(id, 'baseline.status skipped, accepted where passed is expected because the Spec Kit advances on skipped');
      }
      return seen === want
        ? pass(id, `baseline.status ${want}, as expected`)
        : fail(id, `baseline.status: expected ${want}, saw ${String(seen ?? 'none')}`);
    }
    case 'tasks': {
      const seen = (data.tool as { status?: unknown } | undefined)?.status;
      return seen === 'ok' || seen === 'ready' ? pass(id, `tool.status ${String(seen)}`) : fail(id, `tool.status: expected ok or ready, saw ${String(seen ?? 'none')}`);
    }
    case 'implement': {
      const seen = [data.lock_status, data.hook_status];
      return seen[0] === 'locked' && seen[1] === 'ok'
        ? pass(id, 'lock_status locked, hook_status ok')
        : fail(id, `expected lock_status locked and hook_status ok, saw ${String(seen[0] ?? 'none')} and ${String(seen[1] ?? 'none')}`);
    }
    case 'unlock': {
      const seen = data.unlock_status;
      return seen === 'unlocked' ? pass(id, 'unlock_status unlocked') : fail(id, `unlock_status: expected unlocked, saw ${String(seen ?? 'none')}`);
    }
  }
}

/** Per smoke check: did it reach the mock, and what did the mock answer? */
function journalOutcomes(run: RunRecord): Record<CheckName, { reached: boolean; ok2xx: boolean; seen: string }> {
  const outcomes = {} as Record<CheckName, { reached: boolean; ok2xx: boolean; seen: string }>;
  for (const check of CHECK_NAMES) {
    const entries = run.journal.filter((entry) => entry.check === check);
    const last = entries.at(-1);
    const seen = !last ? 'never reached the mock' : last.fault ? `got no answer (${last.fault})` : `got ${last.status}`;
    const ok2xx = entries.length > 0 && entries.every((entry) => checkFailure(check, journalAnswer(entry)) === null);
    outcomes[check] = { reached: entries.length > 0, ok2xx, seen };
  }
  return outcomes;
}

export function checkJournalConsistency(run: RunRecord, view: TelemetryView): CheckResult {
  const id = 'journal-consistency';
  if (!isSmoke(run)) return notApplicable(id, `${run.flow} makes no HAL calls`);
  if (!view.data) return fail(id, `cannot compare with the journal: ${view.problems.join('; ')}`);
  const hal = halView(view.data);
  const reported = hal.summary?.status ?? hal.scenarioStatus;
  if (reported === 'skipped') return notApplicable(id, 'the HAL smoke was skipped');
  const outcomes = journalOutcomes(run);
  const bad = CHECK_NAMES.filter((check) => !outcomes[check].ok2xx);
  const problems: string[] = [];
  if (reported === 'passed' && bad.length > 0) {
    problems.push(`telemetry says passed, but ${bad.map((check) => `${check} ${outcomes[check].seen}`).join(', ')}`);
  }
  if (hal.summary && Array.isArray(hal.summary.failed_checks)) {
    const listed = hal.summary.failed_checks as string[];
    const missing = bad.filter((check) => !listed.includes(check));
    if (missing.length > 0) {
      problems.push(`failed_checks [${listed.join(', ')}] leaves out ${missing.map((check) => `${check} (${outcomes[check].seen})`).join(', ')}`);
    }
  } else if (hal.summary && bad.length > 0) {
    problems.push(`hal.summary has no failed_checks, but ${bad.map((check) => `${check} ${outcomes[check].seen}`).join(', ')}`);
  }
  const seenAll = CHECK_NAMES.map((check) => `${check} ${outcomes[check].seen}`).join(', ');
  return problems.length === 0 ? pass(id, `telemetry agrees with the journal (${seenAll})`) : fail(id, problems.join('; '));
}

const FALLBACK_BODY = /^\s*\{\s*"status"\s*:\s*\d+\s*,\s*"note"\s*:\s*"[^"]*returned no body"\s*\}\s*$/;
const CAPTURE_NAME = /(\d{8}-\d{6}Z)-hal-([a-z_]+)\.json$/;

function artifactPaths(data: Record<string, unknown>): string[] {
  const listed = Array.isArray(data.artifacts) ? (data.artifacts as { path?: unknown }[]) : [];
  const summary = halView(data).summary;
  const halListed = Array.isArray(summary?.artifacts) ? (summary.artifacts as unknown[]) : [];
  return [
    ...listed.map((artifact) => artifact?.path),
    ...halListed,
  ].filter((path): path is string => typeof path === 'string');
}

export function checkArtifacts(run: RunRecord, view: TelemetryView): CheckResult {
  const id = 'artifacts';
  if (!view.data) return fail(id, `cannot read artifacts: ${view.problems.join('; ')}`);
  const paths = [...new Set(artifactPaths(view.data))];
  if (paths.length === 0) return run.flow === 'validate' ? pass(id, 'no artifacts listed (allowed for validate)') : fail(id, 'expected at least one artifact (the log), saw none');
  const hal = halView(view.data);
  const failedChecks = new Set<string>(Array.isArray(hal.summary?.failed_checks) ? (hal.summary.failed_checks as string[]) : []);
  const outcomes = isSmoke(run) ? journalOutcomes(run) : null;
  const problems: string[] = [];
  for (const path of paths) {
    const absolute = isAbsolute(path) ? path : resolve(run.repoDir, path);
    if (!existsSync(absolute)) {
      problems.push(`${path} is listed but does not exist`);
      continue;
    }
    const size = statSync(absolute).size;
    if (size === 0) {
      problems.push(`${path} is listed but empty`);
      continue;
    }
    const capture = CAPTURE_NAME.exec(path);
    if (!capture) continue;
    const check = capture[2] as CheckName;
    const content = size < 65_536 ? readFileSync(absolute, 'utf8') : '';
    if (FALLBACK_BODY.test(content)) problems.push(`${path} is listed but holds the synthetic fallback body, not an answer`);
    else if (failedChecks.has(check)) problems.push(`${path} is listed although ${check} is in failed_checks`);
    else if (outcomes && !outcomes[check]?.ok2xx) problems.push(`${path} is listed although ${check} ${outcomes[check]?.seen ?? 'is unknown'}`);
  }
  return problems.length === 0
    ? pass(id, `${paths.length} listed artifact${paths.length === 1 ? '' : 's'} exist, are non-empty, and no failed capture is listed`)
    : fail(id, problems.join('; '));
}

export function checkGraphqlEscaping(run: RunRecord, view: TelemetryView): CheckResult {
  const id = 'graphql-escaping';
  if (!isSmoke(run)) return notApplicable(id, `${run.flow} sends no GraphQL`);
  if (halView(view.data).summary?.status === 'skipped' || halView(view.data).scenarioStatus === 'skipped') {
    return notApplicable(id, 'the HAL smoke was skipped');
  }
  const entries = run.journal.filter((entry) => entry.check === 'graphql_ping');
  if (entries.length === 0) return fail(id, 'expected the graphql_ping request to reach the mock, but it never arrived (were the args valid JSON?)');
  const bad = entries.find((entry) => entry.bodyIsJson !== true || entry.graphql?.query !== GRAPHQL_PING_QUERY);
  if (!bad) return pass(id, `graphql_ping arrived with a JSON body whose query is "${GRAPHQL_PING_QUERY}"`);
  const body = bad.body.length > 120 ? `${bad.body.slice(0, 120)}…` : bad.body;
  return fail(
    id,
    bad.bodyIsJson !== true
      ? `expected a JSON body {"query":"${GRAPHQL_PING_QUERY}"}, the mock received ${JSON.stringify(body)} (not JSON)`
      : `expected query "${GRAPHQL_PING_QUERY}", the mock received ${JSON.stringify(bad.graphql?.query ?? null)}`,
  );
}

/** The --manifest-path a cargo argv names (before any `--`); null when it names none. */
export function manifestOf(argv: readonly string[]): string | null {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--') return null;
    if (arg === '--manifest-path') return argv[index + 1] ?? '';
    if (arg.startsWith('--manifest-path=')) return arg.slice('--manifest-path='.length);
  }
  return null;
}

export function checkManifestPath(run: RunRecord, transport: 'hermetic' | 'native', view?: TelemetryView): CheckResult {
  const id = 'manifest-path';
  if (transport === 'native') return notApplicable(id, 'the native transport runs the real cargo; there is no shim log to read');
  const cargoCalls = run.shimCalls.filter((call) => call.shim === 'cargo');
  if (cargoCalls.length === 0) {
    // A smoke the scripts report as skipped calls nothing; hal-reached judges whether that was meant.
    if (isSmoke(run) && observedStatus(run, view ?? readTelemetry(run)) === 'skipped') {
      return notApplicable(id, `${run.flow} reported its HAL smoke skipped and made no cargo calls`);
    }
    return isSmoke(run) && run.expect
      ? fail(id, 'expected cargo calls for the HAL smoke, saw none')
      : notApplicable(id, `${run.flow} made no cargo calls`);
  }
  const expected = resolve(run.repoDir, run.manifest);
  const problems = cargoCalls.flatMap((call) => {
    const given = manifestOf(call.argv);
    if (given === null) return [`cargo ${call.argv.slice(0, 3).join(' ')} … ran without --manifest-path`];
    return resolve(call.cwd, given) === expected ? [] : [`cargo ran with --manifest-path ${given}, expected ${run.manifest}`];
  });
  return problems.length === 0
    ? pass(id, `all ${cargoCalls.length} cargo calls passed --manifest-path ${run.manifest}`)
    : fail(id, [...new Set(problems)].join('; '));
}

export function checkSecretLeak(run: RunRecord): CheckResult {
  const id = 'secret-leak';
  const places: string[] = [];
  if (run.stdout.includes(run.apiKey)) places.push('stdout');
  if (run.stderr.includes(run.apiKey)) places.push('stderr');
  for (const file of run.producedFiles) {
    try {
      if (statSync(file).size <= 16 * 1024 * 1024 && readFileSync(file).includes(run.apiKey)) places.push(file);
    } catch {
      // A file the guardrail removed again cannot leak anything into the evidence.
    }
  }
  return places.length === 0
    ? pass(id, `the API key appears in none of stdout, stderr and ${run.producedFiles.length} produced files`)
    : fail(id, `the API key was written into ${places.join(', ')}`);
}

export function checkBaseline(run: RunRecord, view: TelemetryView): CheckResult {
  const id = 'baseline';
  if (run.flow !== 'plan') return notApplicable(id, 'only plan runs the baseline audit');
  const status = (view.data?.baseline as { status?: unknown } | undefined)?.status ?? 'none';
  const forced = run.baseline?.forcedFail ?? false;
  const allowed = run.baseline?.allowFail ?? false;
  if (!forced) {
    // The Spec Kit advances on a skipped baseline too (later scripts skip it by default).
    return (status === 'passed' || status === 'skipped') && run.exitCode === 0
      ? pass(id, `a passing baseline gave baseline.status ${status} and exit 0`)
      : fail(id, `a passing baseline should give baseline.status passed (or skipped) and exit 0, saw ${String(status)} and exit ${run.exitCode}`);
  }
  const wantExit = allowed ? 'exit 0 (allowed to fail)' : 'a non-zero exit';
  const exitOk = allowed ? run.exitCode === 0 : run.exitCode !== 0 && run.exitCode !== null;
  return status === 'failed' && exitOk
    ? pass(id, `a failing baseline gave baseline.status failed and ${wantExit}`)
    : fail(id, `a failing baseline should give baseline.status failed and ${wantExit}, saw ${String(status)} and exit ${run.exitCode}`);
}

/** Every per-run check, in the fixed order of CHECK_IDS; `transition` is added across runs. */
export function judgeRun(run: RunRecord, transport: 'hermetic' | 'native'): { checks: CheckResult[]; status: ReturnType<typeof observedStatus> } {
  const view = readTelemetry(run);
  return {
    status: observedStatus(run, view),
    checks: [
      checkExitCode(run),
      checkTelemetrySchema(run, view),
      checkTelemetryStatus(run, view),
      specKitOutcomeCheck(run, view, expectedStatus(run.flow, run.expect)),
      checkJournalConsistency(run, view),
      checkHalReached(run, observedStatus(run, view)),
      checkArtifacts(run, view),
      checkGraphqlEscaping(run, view),
      checkManifestPath(run, transport, view),
      checkSecretLeak(run),
      checkBaseline(run, view),
    ],
  };
}

export interface TransitionInput {
  flow: string;
  label: string;
  observed: string | null;
  expected: 'passed' | 'failed';
}

/** Across the runs of one flow, in scenario order: the statuses must move as the expectations do. */
export function checkTransition(runs: readonly TransitionInput[]): CheckResult {
  const id = 'transition';
  if (runs.length < 2) return notApplicable(id, 'a transition needs at least two runs of the flow (for example healthy and degraded)');
  const seen = runs.map((run) => run.observed ?? 'none').join('→');
  const wanted = runs.map((run) => run.expected).join('→');
  const labels = runs.map((run) => run.label).join(', ');
  return seen === wanted ? pass(id, `${labels}: ${seen}, as expected`) : fail(id, `${labels}: expected ${wanted}, saw ${seen}`);
}

export type { Telemetry };
