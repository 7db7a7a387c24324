// The judges of the gaps the HAL smoke shows in its exit status, artifacts and cargo
// calls: hal-failure-propagation, artifact-on-failure, manifest-path, graphql-escaping.
import { GRAPHQL_PING_QUERY } from '../checks/checks.ts';
import { HEALTHY, NO_SMOKE, OFFLINE, smokeRuns, verdict, type GapEvidence, type GapProbeRun, type GapVerdict, type Probes } from './model.ts';
import { checkOf, fact, failed, fromCheck, reportedStatus } from './probe-runs.ts';

type ProbeRun = GapProbeRun;

export function judgeFailurePropagation(probes: Probes): GapVerdict {
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

export function judgeArtifactOnFailure(probes: Probes): GapVerdict {
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

export function judgeManifestPath(probes: Probes): GapVerdict {
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

export function judgeGraphqlEscaping(probes: Probes): GapVerdict {
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

