// The judges of the gaps the HAL smoke shows in its exit status, artifacts and cargo
// calls: hal-failure-propagation, artifact-on-failure, manifest-path, graphql-escaping.

import { GRAPHQL_PING_QUERY } from '../../common/hal-contract/index.ts';
import { type ArtifactProblemKind, artifactProblemsOf, describeArtifactProblem } from '../checks/artifacts.ts';
import type { GraphqlEscapingReason } from '../checks/graphql-escaping.ts';
import { reasonOf } from '../checks/index.ts';
import type { ManifestPathReason } from '../checks/manifest-path.ts';
import { type GapEvidence, type GapProbeRun, type GapVerdict, HEALTHY, NO_SMOKE, OFFLINE, type Probes, smokeRuns, verdict } from './model.ts';
import { checkOf, fact, failed, fromCheck, reportedStatus } from './probe-runs.ts';

type ProbeRun = GapProbeRun;

export function judgeFailurePropagation(probes: Probes): GapVerdict {
  const id = 'hal-failure-propagation';
  const offline = smokeRuns(probes.on).filter((run) => run.scenario === OFFLINE);
  if (offline.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const finished = offline.filter((run) => !run.timedOut);
  if (finished.length === 0)
    return verdict(
      id,
      'not-testable',
      'the offline runs did not finish',
      offline.map((run) => fromCheck(run, 'exit-code')),
    );
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

/**
 * The `artifacts` problems of a capture listed though it failed, fell back or was never
 * written. Not failed-call-listed: a capture of a check the scripts judged passed although
 * the mock answered an error is status-by-body's evidence, not this gap's.
 */
const ARTIFACT_GAP_KINDS: readonly ArtifactProblemKind[] = ['missing', 'empty', 'fallback-body', 'failed-check-listed'];

export function judgeArtifactOnFailure(probes: Probes): GapVerdict {
  const id = 'artifact-on-failure';
  const runs = smokeRuns([...probes.on, ...probes.off, ...probes.rootManifest]);
  if (runs.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const judged = runs.filter((run) => run.telemetry !== null);
  if (judged.length === 0) return verdict(id, 'not-testable', 'no validate or audit run wrote telemetry, so no artifact list could be read', []);
  const evidence = judged.flatMap((run) => {
    if (!failed(run, 'artifacts')) return [];
    const problems = artifactProblemsOf(checkOf(run, 'artifacts')).filter((problem) => ARTIFACT_GAP_KINDS.includes(problem.kind));
    return problems.length > 0 ? [fromCheck(run, 'artifacts', problems.map(describeArtifactProblem).join('; '))] : [];
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

/** A cargo call without the configured manifest; not a smoke that ran no cargo at all (hal-reached's matter). */
const MANIFEST_GAP_REASONS: readonly ManifestPathReason[] = ['missing-flag', 'other-manifest'];

export function judgeManifestPath(probes: Probes): GapVerdict {
  const id = 'manifest-path';
  const runs = smokeRuns([...probes.on, ...probes.off]);
  if (runs.length === 0) return verdict(id, 'not-testable', NO_SMOKE, []);
  const wrong = runs.filter((run) => MANIFEST_GAP_REASONS.includes(reasonOf(run.report.checks, 'manifest-path') as ManifestPathReason));
  if (wrong.length > 0)
    return verdict(
      id,
      'present',
      'the HAL smoke runs cargo without the configured --manifest-path',
      wrong.map((run) => fromCheck(run, 'manifest-path')),
    );
  const passed = runs.filter((run) => checkOf(run, 'manifest-path')?.status === 'passed');
  if (passed.length === 0) {
    return verdict(
      id,
      'not-testable',
      'the HAL smoke made no cargo calls, so there is no cargo command line to read',
      runs.slice(0, 1).map((run) => fromCheck(run, 'manifest-path')),
    );
  }
  return verdict(id, 'closed', 'every cargo call of the HAL smoke passed the configured --manifest-path', [fromCheck(passed[0] as ProbeRun, 'manifest-path')]);
}

/** graphql_ping reached the mock, but not as the JSON query the scripts mean to send. */
const ARRIVED_MALFORMED: readonly GraphqlEscapingReason[] = ['body-not-json', 'wrong-query'];

type ArgsVerdict = { found: false } | { found: true; ok: boolean; message: string };

/**
 * The graphql_ping args the guardrail handed call_tool, as the cargo shim logged them. Reading
 * the scripts' own argv (the url they name, the body they built) is the point of this probe,
 * so matching its text here is meant: it is not the harness's wording.
 */
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
      : {
          found: true,
          ok: false,
          message: `call_tool was given graphql_ping args whose body is not the JSON string {"query":"${GRAPHQL_PING_QUERY}"}: ${shown}`,
        };
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
    if (ARRIVED_MALFORMED.includes(reasonOf(run.report.checks, 'graphql-escaping') as GraphqlEscapingReason)) {
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
  return verdict(
    id,
    'not-testable',
    'no graphql_ping call was seen, neither at the mock nor in the cargo shim log',
    runs.slice(0, 1).map((run) => fromCheck(run, 'graphql-escaping')),
  );
}
