// The harness: runs the real guardrail scripts, one private repository copy and
// one private mock per (scenario, flow), judges what they left, and keeps it all.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Behaviour, Expectation, Scenario } from '../mock-hal/scenario-model.ts';
import { DEFAULT_SCENARIOS_DIR } from '../mock-hal/scenario-store.ts';
import { startMockHal, toScenario, type MockHalHandle } from '../mock-hal/server.ts';
import { checkTransition, expectedStatus, judgeRun } from './checks.ts';
import { createBundle, writeRunEvidence, type PairRunInput } from './evidence.ts';
import { runGuardrailProcess } from './guardrail-process.ts';
import { HARNESS_GIT_ENV, changedFiles, cloneSnapshot, snapshotRepository } from './repo-copy.ts';
import { createHermeticShims } from './transports/hermetic.ts';
import {
  CHECK_IDS,
  SMOKE_FLOWS,
  STAGE_OF_FLOW,
  type CheckResult,
  type Flow,
  type HarnessReport,
  type RunRecord,
  type RunReport,
  type ShimCall,
} from './types.ts';

export const REFERENCE_GUARDRAILS = fileURLToPath(new URL('./reference-guardrails', import.meta.url));
export const DEFAULT_SPEC_ID = 'SPEC-KIT-018';
export const DEFAULT_MANIFEST = 'codex-rs/Cargo.toml';
export const SECRET_ENV = 'HAL_SECRET_KAVEDARR_API_KEY';
/** call_tool's timeout in scenarios that hang: long enough for a slow machine, short enough for a matrix. */
export const HANG_CALL_TIMEOUT_SECONDS = 3;
export const SCRIPTS_DIR = 'scripts/spec_ops_004/commands';

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

/** A problem with the request itself: the CLI answers it with exit 2. */
export class HarnessSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessSetupError';
  }
}

interface RunSpec {
  matrixIndex: number;
  scenario: Scenario;
  phaseIndex: number | undefined;
  flow: Flow;
  expect: Expectation;
}

function findOnPath(tool: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return null;
}

function preflight(repo: string, flows: readonly Flow[]): void {
  const missingTools = ['bash', 'git', 'jq'].filter((tool) => findOnPath(tool) === null);
  if (missingTools.length > 0) {
    throw new HarnessSetupError(
      `the guardrail scripts need ${missingTools.join(', ')} on PATH; install ${missingTools.length > 1 ? 'them' : 'it'} (on Debian: apt-get install -y ${missingTools.join(' ')})`,
    );
  }
  if (!existsSync(repo) || !statSync(repo).isDirectory()) {
    throw new HarnessSetupError(`--repo ${repo} is not a folder; point it at the root of a guardrail repository`);
  }
  const missing = flows.filter((flow) => !existsSync(join(repo, SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)));
  if (missing.length > 0) {
    throw new HarnessSetupError(
      `${repo} has no ${missing.map((flow) => join(SCRIPTS_DIR, STAGE_OF_FLOW[flow].script)).join(', ')}; is --repo the root of a guardrail repository?`,
    );
  }
}

function behaviourHangs(behaviour: Behaviour | undefined): boolean {
  if (!behaviour) return false;
  if (behaviour.type === 'hang') return true;
  if (behaviour.type === 'delay') return behaviour.ms >= 30_000 || behaviourHangs(behaviour.then);
  return false;
}

export function scenarioHangs(scenario: Scenario): boolean {
  return scenario.phases.some((phase) => Object.values(phase.endpoints).some((behaviour) => behaviourHangs(behaviour)));
}

function expandRuns(scenarios: readonly Scenario[], flows: readonly Flow[]): RunSpec[] {
  const runs: RunSpec[] = [];
  for (const flow of flows) {
    for (const scenario of scenarios) {
      const timeline = scenario.phases.length > 1;
      scenario.phases.forEach((phase, index) => {
        runs.push({ matrixIndex: runs.length, scenario, phaseIndex: timeline ? index : undefined, flow, expect: phase.expect });
      });
    }
  }
  return runs;
}

/** Deterministic slice: run k of the full matrix goes to shard (k mod n) + 1. */
export function shardRuns<T>(runs: readonly T[], shard: { index: number; total: number } | undefined): T[] {
  if (!shard) return [...runs];
  return runs.filter((_, position) => position % shard.total === shard.index - 1);
}

/** The child's environment: the caller's, minus anything that would steer the guardrail. */
function baseEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(SPEC_OPS_|HAL_SECRET_|GUARDRAIL_HARNESS_|GIT_DIR$|GIT_WORK_TREE$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

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

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
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
  mockFactory: MockFactory;
  bundle: Awaited<ReturnType<typeof createBundle>>;
}

interface RunOutcome {
  report: RunReport;
  pair: PairRunInput;
}

/** Temporary folders in use, so a harness stopped by a signal can still remove them. */
const liveScratch = new Set<string>();

async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  liveScratch.add(dir);
  return dir;
}

async function removeScratch(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveScratch.delete(dir);
}

/** Removes every temporary folder still in use; synchronous, for a signal handler. */
export function removeAllScratch(): void {
  for (const dir of liveScratch) rmSync(dir, { recursive: true, force: true });
  liveScratch.clear();
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

    const env: Record<string, string> = {
      ...baseEnvironment(),
      ...HARNESS_GIT_ENV,
      SPEC_OPS_HAL_BASE_URL: mock.url,
      SPEC_OPS_HAL_SECRET_ENV: SECRET_ENV,
      [SECRET_ENV]: apiKey,
      SPEC_OPS_TELEMETRY_HAL: ctx.telemetryHal ? '1' : '0',
      SPEC_OPS_CARGO_MANIFEST: ctx.manifest,
      // The guardrail's own temporary files live and die with the run's folder.
      TMPDIR: join(workDir, 'tmp'),
    };
    await mkdir(env.TMPDIR as string);
    const shimLog = join(workDir, 'shim-log.jsonl');
    if (ctx.transport === 'hermetic') {
      const shims = await createHermeticShims({
        dir: join(workDir, 'shims'),
        nodePath: process.execPath,
        shimLog,
        callToolTimeoutSeconds: scenarioHangs(spec.scenario) ? HANG_CALL_TIMEOUT_SECONDS : undefined,
        mcpServerCommand: ctx.mcpServer,
        basePath: env.PATH,
      });
      Object.assign(env, shims.env);
    }
    const forcedFail = spec.flow === 'plan' && spec.expect.status === 'failed';
    const args = [join(repoDir, SCRIPTS_DIR, STAGE_OF_FLOW[spec.flow].script), ctx.specId];
    if (spec.flow === 'plan') {
      if (forcedFail) env.SPEC_OPS_BASELINE_FORCE_FAIL = '1';
      if (ctx.baselineAllowFail) args.push('--allow-fail');
    }

    const result = await runGuardrailProcess({ command: 'bash', args, cwd: repoDir, env, timeoutMs: ctx.timeoutMs });
    const journal = await mock.requests();
    const producedFiles = await changedFiles(repoDir);
    const stagePrefix = `${STAGE_OF_FLOW[spec.flow].stage}_`;
    const telemetryPath =
      producedFiles.find((file) => basename(file).startsWith(stagePrefix) && file.endsWith('.json')) ?? null;

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
      telemetryHal: ctx.telemetryHal,
      manifest: ctx.manifest,
      repoDir,
      ...(spec.flow === 'plan' ? { baseline: { forcedFail, allowFail: ctx.baselineAllowFail } } : {}),
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
      telemetryHal: SMOKE_FLOWS.includes(spec.flow) ? ctx.telemetryHal : undefined,
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
    };
  } finally {
    await mock.close();
    await removeScratch(workDir);
  }
}

function notApplicableTransition(message: string): CheckResult {
  return { id: 'transition', status: 'not-applicable', ok: null, message };
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
      run.checks = [...run.checks.filter((check) => check.id !== 'transition'), transition].sort(
        (a, b) => CHECK_IDS.indexOf(a.id) - CHECK_IDS.indexOf(b.id),
      );
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
    notes.push('native transport: the repository\'s own cargo, call_tool and hal-mcp were used; manifest-path is not checked');
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
    return {
      ok: reports.every((run) => run.checks.every((check) => check.ok !== false)),
      specId,
      pairId: bundle.pairId,
      bundleDir: bundle.dir,
      notes,
      runs: reports,
    };
  } finally {
    await removeScratch(scratch);
  }
}

