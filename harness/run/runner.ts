// The harness: runs the real guardrail scripts, one private repository copy and
// one private mock per (scenario, flow), judges what they left, and keeps it all.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { REFERENCE_GUARDRAILS_DIR } from '../../common/package-root.ts';
import type { Scenario } from '../../mock-hal/index.ts';
import { DEFAULT_SCENARIOS_DIR, type MockHalHandle, startMockHal, toScenario } from '../../mock-hal/index.ts';
import { checkTransition, expectedStatus, judgeRun, notApplicableTransition } from '../checks/index.ts';
import { createBundle, type PairRunInput, writeRunEvidence } from '../evidence/evidence.ts';
import { createHermeticShims } from '../fakes/shims/hermetic.ts';
import { runGuardrailProcess } from './guardrail-process.ts';
import { changedFiles, cloneSnapshot, HARNESS_GIT_ENV, snapshotRepository } from './repo-copy.ts';
import { baseEnvironment, buildRunEnvironment, describeUserEnvironment, ENV_NAME, userEnvironmentNotes, validateEnvSettings } from './run-environment.ts';
import { expandRuns, HarnessSetupError, preflight, type RunSpec, SCRIPTS_DIR, scenarioHangs, shardRuns } from './run-matrix.ts';
import { pool, removeScratch, scratchDir } from './scratch.ts';
import {
  CHECK_IDS,
  type EnvSetting,
  type Flow,
  type HarnessReport,
  type RunRecord,
  type RunReport,
  type ShimCall,
  SMOKE_FLOWS,
  STAGE_OF_FLOW,
} from './types.ts';

export const REFERENCE_GUARDRAILS = REFERENCE_GUARDRAILS_DIR;
export const DEFAULT_SPEC_ID = 'SPEC-KIT-018';
export const DEFAULT_MANIFEST = 'codex-rs/Cargo.toml';
export const SECRET_ENV = 'HAL_SECRET_KAVEDARR_API_KEY';
/** call_tool's timeout in scenarios that hang: long enough for a slow machine, short enough for a matrix. */
export const HANG_CALL_TIMEOUT_SECONDS = 3;
export { HarnessSetupError, SCRIPTS_DIR, scenarioHangs, shardRuns } from './run-matrix.ts';
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
}

export type MockFactory = (scenario: Scenario, apiKey: string) => Promise<MockHalHandle>;

const inProcessMock =
  (scenariosDir: string): MockFactory =>
  (scenario, apiKey) =>
    startMockHal({ scenario, apiKey, scenariosDir });

/** The shim log's calls; a line cut short by a killed shim is left out. */
export function parseShimLog(path: string): ShimCall[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as ShimCall];
      } catch {
        return [];
      }
    });
}

interface RunContext {
  snapshot: string;
  specId: string;
  transport: 'hermetic' | 'native';
  mcpServer: string[] | undefined;
  timeoutMs: number;
  telemetryHal: boolean;
  manifest: string;
  baselineAllowFail: boolean;
  userEnv: readonly EnvSetting[];
  mockFactory: MockFactory;
  bundle: Awaited<ReturnType<typeof createBundle>>;
}

interface RunOutcome {
  report: RunReport;
  pair: PairRunInput;
  /** For the report's environment section: the run, its key (redacted wherever it shows), the harness variables the user replaced. */
  environment: { label: string; apiKey: string; overridden: string[] };
}

async function executeRun(spec: RunSpec, ctx: RunContext): Promise<RunOutcome> {
  const workDir = await scratchDir('guardrail-run-');
  const repoDir = join(workDir, 'repo');
  const apiKey = `kvd_harness_${randomBytes(12).toString('hex')}`;
  const phase = spec.phaseIndex === undefined ? undefined : spec.scenario.phases[spec.phaseIndex];
  const mock = await ctx.mockFactory(spec.scenario, apiKey);
  try {
    if (spec.phaseIndex !== undefined) await mock.setScenario(spec.scenario, { phase: spec.phaseIndex, hold: true });
    await cloneSnapshot(ctx.snapshot, repoDir);

    // The harness's own variables; the user's (--env) go on top of them.
    const harnessVars: Record<string, string> = {
      ...HARNESS_GIT_ENV,
      SPEC_OPS_HAL_BASE_URL: mock.url,
      SPEC_OPS_HAL_SECRET_ENV: SECRET_ENV,
      [SECRET_ENV]: apiKey,
      SPEC_OPS_TELEMETRY_HAL: ctx.telemetryHal ? '1' : '0',
      SPEC_OPS_CARGO_MANIFEST: ctx.manifest,
      // The guardrail's own temporary files live and die with the run's folder.
      TMPDIR: join(workDir, 'tmp'),
    };
    await mkdir(harnessVars.TMPDIR as string);
    const shimLog = join(workDir, 'shim-log.jsonl');
    let shimPath: string | undefined;
    if (ctx.transport === 'hermetic') {
      const userPath = ctx.userEnv.findLast((setting) => setting.name === 'PATH')?.value;
      const shims = await createHermeticShims({
        dir: join(workDir, 'shims'),
        nodePath: process.execPath,
        shimLog,
        callToolTimeoutSeconds: scenarioHangs(spec.scenario) ? HANG_CALL_TIMEOUT_SECONDS : undefined,
        mcpServerCommand: ctx.mcpServer,
        basePath: userPath ?? baseEnvironment().PATH,
      });
      Object.assign(harnessVars, shims.env);
      shimPath = shims.env.PATH;
    }
    const args = [join(repoDir, SCRIPTS_DIR, STAGE_OF_FLOW[spec.flow].script), ctx.specId];
    if (spec.flow === 'plan') {
      if (spec.expect.status === 'failed') harnessVars.SPEC_OPS_BASELINE_FORCE_FAIL = '1';
      if (ctx.baselineAllowFail) args.push('--allow-fail');
    }
    const { env, userEnv, overridden } = buildRunEnvironment(harnessVars, ctx.userEnv);
    // A user's PATH is the one the shims were put in front of; the shims stay first.
    if (shimPath !== undefined) env.PATH = shimPath;
    const effective = overridden.filter((name) => !(name === 'PATH' && shimPath !== undefined));
    // A version that reads its key from another variable (--env SPEC_OPS_HAL_SECRET_ENV=NAME) finds the run's key there too.
    const secretEnv = env.SPEC_OPS_HAL_SECRET_ENV;
    if (secretEnv !== undefined && ENV_NAME.test(secretEnv) && !Object.hasOwn(userEnv, secretEnv)) env[secretEnv] = apiKey;
    // The checks judge what the scripts got, the user's settings included.
    const telemetryHal = env.SPEC_OPS_TELEMETRY_HAL === '1';
    const manifest = env.SPEC_OPS_CARGO_MANIFEST ?? DEFAULT_MANIFEST;
    const forcedFail = spec.flow === 'plan' && env.SPEC_OPS_BASELINE_FORCE_FAIL === '1';
    const allowFail = ctx.baselineAllowFail || userEnv.SPEC_OPS_BASELINE_ALLOW_FAIL === '1' || userEnv.SPEC_OPS_ALLOW_DIRTY === '1';

    const result = await runGuardrailProcess({ command: 'bash', args, cwd: repoDir, env, timeoutMs: ctx.timeoutMs });
    const journal = await mock.requests();
    const producedFiles = await changedFiles(repoDir);
    const stagePrefix = `${STAGE_OF_FLOW[spec.flow].stage}_`;
    const telemetryPath = producedFiles.find((file) => basename(file).startsWith(stagePrefix) && file.endsWith('.json')) ?? null;

    const record: RunRecord = {
      scenario: spec.scenario.name,
      ...(phase ? { phase: phase.name } : {}),
      flow: spec.flow,
      expect: spec.expect,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      stdout: result.stdout,
      stderr: result.stderr,
      telemetryPath,
      producedFiles,
      journal,
      shimCalls: parseShimLog(shimLog),
      apiKey,
      telemetryHal,
      manifest,
      repoDir,
      ...(spec.flow === 'plan' ? { baseline: { forcedFail, allowFail } } : {}),
      ...(ctx.userEnv.length > 0 ? { userEnv } : {}),
    };
    const judged = judgeRun(record, ctx.transport);
    const expected = expectedStatus(spec.flow, spec.expect);

    const runDir = await ctx.bundle.runDir(
      spec.scenario.name,
      spec.flow,
      phase && spec.phaseIndex !== undefined ? { number: spec.phaseIndex + 1, name: phase.name } : undefined,
    );
    await writeRunEvidence(runDir, {
      scenario: record.scenario,
      ...(record.phase !== undefined ? { phase: record.phase } : {}),
      flow: spec.flow,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
      telemetryPath,
      files: producedFiles.filter((file) => file !== telemetryPath),
      journal,
      shimLines: record.shimCalls,
      stdout: result.stdout,
      stderr: result.stderr,
      telemetryHal: SMOKE_FLOWS.includes(spec.flow) ? telemetryHal : undefined,
      repoDir,
      extra: {
        transport: ctx.transport,
        expect: spec.expect,
        timedOut: result.timedOut,
        signal: result.signal,
        reportedStatus: judged.status,
      },
    });
    return {
      report: {
        scenario: record.scenario,
        ...(record.phase !== undefined ? { phase: record.phase } : {}),
        flow: spec.flow,
        exitCode: result.exitCode,
        durationMs: result.durationMs,
        evidenceDir: runDir,
        checks: judged.checks,
        matrixIndex: spec.matrixIndex,
        status: judged.status,
        expectedStatus: expected,
      },
      pair: {
        scenario: record.scenario,
        ...(record.phase !== undefined ? { phase: record.phase } : {}),
        flow: spec.flow,
        status: judged.status,
        expectedStatus: expected,
        exitCode: result.exitCode,
        evidenceDir: runDir,
      },
      environment: { label: `${record.scenario}${record.phase !== undefined ? `/${record.phase}` : ''}/${spec.flow}`, apiKey, overridden: effective },
    };
  } finally {
    await mock.close();
    await removeScratch(workDir);
  }
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
  const repo = resolve(options.repo ?? REFERENCE_GUARDRAILS);
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
      mockFactory: options.mockFactory ?? inProcessMock(scenariosDir),
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
