// The harness: runs the real guardrail scripts, one private repository copy and
// one private mock per (scenario, flow) (run-one.ts), judges what they left, and keeps it all.
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { Scenario } from '../../mock-hal/index.ts';
import { DEFAULT_SCENARIOS_DIR, startMockHal, toScenario } from '../../mock-hal/index.ts';
import { checkTransition, notApplicableTransition } from '../checks/index.ts';
import { createBundle } from '../evidence/evidence.ts';
import { DEFAULT_MANIFEST, DEFAULT_SPEC_ID, HANG_CALL_TIMEOUT_SECONDS, REFERENCE_GUARDRAILS_DIR, SECRET_ENV } from './defaults.ts';
import { snapshotRepository } from './repo-copy.ts';
import { describeUserEnvironment, userApiKey, userEnvironmentNotes, validateEnvSettings } from './run-environment.ts';
import { expandRuns, HarnessSetupError, preflight, proxyTargetProblem, scenarioHangs, shardRuns } from './run-matrix.ts';
import { executeRun, type MockFactory, type RunContext } from './run-one.ts';
import { pool, removeScratch, scratchDir } from './scratch.ts';
import { CHECK_IDS, type EnvSetting, type Flow, type HarnessReport, type RunReport } from './types.ts';

export { DEFAULT_MANIFEST, DEFAULT_SPEC_ID, HANG_CALL_TIMEOUT_SECONDS, REFERENCE_GUARDRAILS_DIR, SECRET_ENV } from './defaults.ts';
export { HarnessSetupError, proxyTargetProblem, SCRIPTS_DIR, scenarioHangs, shardRuns } from './run-matrix.ts';
export { type MockFactory, parseShimLog } from './run-one.ts';
export { removeAllScratch } from './scratch.ts';

export interface HarnessOptions {
  repo?: string;
  specId?: string;
  flows?: Flow[];
  /** Scenario names, files or objects, in pair order (healthy first). */
  scenarios?: (string | Scenario)[];
  scenariosDir?: string;
  transport?: 'hermetic' | 'native';
  /** Hermetic only: argv of an MCP server used instead of the built-in HAL server. */
  mcpServer?: string[];
  out?: string;
  timeoutSeconds?: number;
  telemetryHal?: boolean;
  manifest?: string;
  /** Plan: pass --allow-fail, so a failing baseline must still exit 0. */
  baselineAllowFail?: boolean;
  /**
   * Variables for the scripts (--env, --env-file), applied after the harness's own, in
   * order (a later setting of a name wins). Under the hermetic transport a PATH set here
   * is the one the shims are put in front of. The checks judge what the scripts got:
   * SPEC_OPS_TELEMETRY_HAL, SPEC_OPS_CARGO_MANIFEST, SPEC_OPS_BASELINE_FORCE_FAIL,
   * SPEC_OPS_BASELINE_ALLOW_FAIL and SPEC_OPS_ALLOW_DIRTY set here count.
   */
  env?: readonly EnvSetting[];
  concurrency?: number;
  /** Run only the i-th of n deterministic slices of the matrix (1-based). */
  shard?: { index: number; total: number };
  pairId?: string;
  onRunDone?: (run: RunReport) => void;
  /**
   * Starts the mock for one run (default: an in-process startMockHal on a free
   * loopback port). The container module plugs in here.
   */
  mockFactory?: MockFactory;
  /**
   * The base URL of a real API (a staging one): each run's mock is then an in-process
   * mock-hal proxy in front of it, answering what its scenario names and forwarding the
   * rest. The scenario's expect cannot know what that API answers, so validate and audit
   * runs are judged by their journal. The scripts send the key given to
   * HAL_SECRET_KAVEDARR_API_KEY in `env`, which is what the API checks.
   */
  proxyTarget?: string;
}

const inProcessMock =
  (scenariosDir: string, target?: string): MockFactory =>
  (scenario, apiKey) =>
    startMockHal({ scenario, apiKey, scenariosDir, ...(target === undefined ? {} : { target }) });

/** A bad proxy target stops the harness before any run. */
function checkProxyTarget(target: string, mockFactory: MockFactory | undefined): void {
  if (mockFactory) throw new HarnessSetupError('give either a mock factory or a proxy target, not both: a proxy is an in-process mock-hal');
  const problem = proxyTargetProblem(target);
  if (problem !== null) throw new HarnessSetupError(`proxy target ${problem}`);
}

/**
 * The transition check spans the runs of each flow, in matrix order (the order
 * the scenarios were given); it replaces any transition result a run already has.
 */
export function addTransitions(runs: RunReport[]): void {
  const flows = [...new Set(runs.map((run) => run.flow))];
  for (const flow of flows) {
    const mine = runs.filter((run) => run.flow === flow).sort((a, b) => (a.matrixIndex ?? 0) - (b.matrixIndex ?? 0));
    const transition = checkTransition(
      mine.map((run) => ({
        flow,
        label: run.phase ? `${run.scenario}/${run.phase}` : run.scenario,
        observed: run.status ?? null,
        expected: run.expectedStatus ?? 'passed',
      })),
    );
    for (const run of mine) {
      run.checks = [...run.checks.filter((check) => check.id !== 'transition'), transition].sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));
    }
  }
}

export async function runHarness(options: HarnessOptions = {}): Promise<HarnessReport> {
  const repo = resolve(options.repo ?? REFERENCE_GUARDRAILS_DIR);
  const specId = options.specId ?? DEFAULT_SPEC_ID;
  const flows = options.flows ?? ['validate', 'audit'];
  const scenariosDir = options.scenariosDir ?? DEFAULT_SCENARIOS_DIR;
  const transport = options.transport ?? 'hermetic';
  const timeoutSeconds = options.timeoutSeconds ?? 120;
  const userEnv = options.env ?? [];
  try {
    validateEnvSettings(userEnv);
  } catch (error) {
    throw new HarnessSetupError((error as Error).message);
  }
  preflight(repo, flows);
  if (options.proxyTarget !== undefined) checkProxyTarget(options.proxyTarget, options.mockFactory);
  const userKey = userApiKey(userEnv, SECRET_ENV);
  if (userKey?.value === '') {
    throw new HarnessSetupError(
      `${userKey.source} sets ${userKey.name} to an empty value, so the scripts would send no API key; give it the API's key, or leave it unset and each run gets a key of its own`,
    );
  }
  const scenarios = (options.scenarios ?? ['healthy', 'degraded']).map((ref) => toScenario(ref, scenariosDir));
  const runs = shardRuns(expandRuns(scenarios, flows), options.shard);

  const notes: string[] = [];
  if (transport === 'hermetic') {
    for (const scenario of scenarios.filter(scenarioHangs)) {
      notes.push(`call_tool's default timeout was shortened from 30 s to ${HANG_CALL_TIMEOUT_SECONDS} s for scenario "${scenario.name}", which hangs`);
    }
    if (options.mcpServer) notes.push(`MCP server: ${options.mcpServer.join(' ')} (in place of the built-in HAL server)`);
  } else {
    notes.push("native transport: the repository's own cargo, call_tool and hal-mcp were used; manifest-path is not checked");
  }
  if (options.proxyTarget !== undefined) {
    notes.push(
      `mock-hal proxy: each run's mock forwards what its scenario does not name to ${options.proxyTarget}; validate and audit are judged by what their journal shows it answered, not by the scenario's expect`,
    );
    if (!userKey) {
      notes.push(
        `the scripts sent a key the harness made up, which ${options.proxyTarget} will refuse; give its key with --env ${SECRET_ENV}=KEY or --env-file`,
      );
    }
  }
  if (userKey) {
    const where = options.proxyTarget === undefined ? "every run's mock takes it" : `the scripts send it through the proxy to ${options.proxyTarget}`;
    notes.push(`API key: the one ${userKey.source} gave ${userKey.name}; ${where}, and secret-leak looks for it`);
  }
  if (options.shard) notes.push(`shard ${options.shard.index}/${options.shard.total}: ${runs.length} runs of the matrix`);

  const scratch = await scratchDir('guardrail-harness-');
  try {
    const snapshot = join(scratch, 'snapshot');
    await snapshotRepository(repo, snapshot);
    const bundle = await createBundle(resolve(options.out ?? 'evidence-bundles'), specId, options.pairId);
    const ctx: RunContext = {
      snapshot,
      specId,
      transport,
      mcpServer: options.mcpServer,
      timeoutMs: timeoutSeconds * 1000,
      telemetryHal: options.telemetryHal ?? true,
      manifest: options.manifest ?? DEFAULT_MANIFEST,
      baselineAllowFail: options.baselineAllowFail ?? false,
      userEnv,
      userApiKey: userKey?.value,
      proxied: options.proxyTarget !== undefined,
      mockFactory: options.mockFactory ?? inProcessMock(scenariosDir, options.proxyTarget),
      bundle,
    };
    const outcomes = await pool(runs, options.concurrency ?? availableParallelism(), async (spec) => {
      const outcome = await executeRun(spec, ctx);
      options.onRunDone?.(outcome.report);
      return outcome;
    });

    const reports = outcomes.map((outcome) => outcome.report);
    if (options.shard) {
      for (const run of reports) {
        run.checks.push(notApplicableTransition('a shard holds part of each pair; guardrail-harness merge judges the transition'));
        run.checks.sort((a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id));
      }
    } else {
      addTransitions(reports);
    }
    await bundle.finalize(outcomes.map((outcome) => outcome.pair));
    const environment =
      userEnv.length > 0
        ? describeUserEnvironment(
            userEnv,
            outcomes.map((outcome) => outcome.environment),
          )
        : undefined;
    if (environment) notes.push(...userEnvironmentNotes(environment, outcomes.length));
    notes.push(...outcomes.flatMap((outcome) => (outcome.note === undefined ? [] : [outcome.note])));
    return {
      ok: reports.every((run) => run.checks.every((check) => check.ok !== false)),
      specId,
      pairId: bundle.pairId,
      bundleDir: bundle.dir,
      notes,
      runs: reports,
      ...(environment ? { environment } : {}),
    };
  } finally {
    await removeScratch(scratch);
  }
}
