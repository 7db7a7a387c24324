// One (scenario, flow) run: a private repository copy and mock, the guardrail script in
// its own process group, its evidence kept, and the checks' verdict on what it left.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { MockHalHandle, Scenario } from '../../mock-hal/index.ts';
import { expectedStatus, judgeRun } from '../checks/index.ts';
import { runExpectation } from '../checks/journal-expectation.ts';
import { type createBundle, writeRunEvidence } from '../evidence/evidence.ts';
import type { PairRunInput } from '../evidence/pair-file.ts';
import { createHermeticShims } from '../fakes/shims/hermetic.ts';
import { DEFAULT_MANIFEST, HANG_CALL_TIMEOUT_SECONDS, SECRET_ENV } from './defaults.ts';
import { runGuardrailProcess } from './guardrail-process.ts';
import { changedFiles, cloneSnapshot, HARNESS_GIT_ENV } from './repo-copy.ts';
import { baseEnvironment, buildRunEnvironment, ENV_NAME } from './run-environment.ts';
import { type RunSpec, SCRIPTS_DIR, scenarioHangs } from './run-matrix.ts';
import { removeScratch, scratchDir } from './scratch.ts';
import { type EnvSetting, type RunRecord, type RunReport, type ShimCall, SMOKE_FLOWS, STAGE_OF_FLOW } from './types.ts';

export type MockFactory = (scenario: Scenario, apiKey: string) => Promise<MockHalHandle>;

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

export interface RunContext {
  snapshot: string;
  specId: string;
  transport: 'hermetic' | 'native';
  mcpServer: string[] | undefined;
  timeoutMs: number;
  telemetryHal: boolean;
  manifest: string;
  baselineAllowFail: boolean;
  userEnv: readonly EnvSetting[];
  /** The key the user gave the scripts (run-environment.ts userApiKey); every run then uses it, else each makes its own. */
  userApiKey: string | undefined;
  /** Every run's mock is a mock-hal proxy in front of a real API: its smoke runs are judged by their journal. */
  proxied: boolean;
  mockFactory: MockFactory;
  bundle: Awaited<ReturnType<typeof createBundle>>;
}

interface RunOutcome {
  report: RunReport;
  pair: PairRunInput;
  /** For the report's environment section: the run, its key (redacted wherever it shows), the harness variables the user replaced. */
  environment: { label: string; apiKey: string; overridden: string[] };
  /** A note for the report, when the run could not be judged the way it should have been. */
  note?: string;
}

export async function executeRun(spec: RunSpec, ctx: RunContext): Promise<RunOutcome> {
  const workDir = await scratchDir('guardrail-run-');
  const repoDir = join(workDir, 'repo');
  // The key the scripts send is the one the mock takes and secret-leak looks for.
  const apiKey = ctx.userApiKey ?? `kvd_harness_${randomBytes(12).toString('hex')}`;
  const phase = spec.phaseIndex === undefined ? undefined : spec.scenario.phases[spec.phaseIndex];
  // A steady scenario is a timeline of one phase: the one that answers.
  const answering = spec.scenario.phases[spec.phaseIndex ?? 0];
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
    // Decided after the run: a phase that decides per request, or a real API, answers what only the journal knows.
    const expectation = runExpectation({
      flow: spec.flow,
      phase: { endpoints: answering?.endpoints ?? {}, expect: spec.expect },
      proxied: ctx.proxied,
      journal,
    });
    const label = `${spec.scenario.name}${phase ? `/${phase.name}` : ''}/${spec.flow}`;

    const record: RunRecord = {
      scenario: spec.scenario.name,
      ...(phase ? { phase: phase.name } : {}),
      flow: spec.flow,
      expect: expectation.expect,
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
    const expected = expectedStatus(spec.flow, expectation.expect);
    const smoke = SMOKE_FLOWS.includes(spec.flow);

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
      telemetryHal: smoke ? telemetryHal : undefined,
      repoDir,
      extra: {
        transport: ctx.transport,
        expect: expectation.expect,
        expectedFrom: expectation.from,
        // What the scenario said, kept beside the expectation that replaced it.
        ...(expectation.from === 'journal' ? { scenarioExpect: spec.expect } : {}),
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
        expectedFrom: expectation.from,
        ...(smoke ? { expectedFailedChecks: [...expectation.expect.failedChecks] } : {}),
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
      environment: { label, apiKey, overridden: effective },
      ...(expectation.noSmokeRequest
        ? { note: `${label}: the journal holds no smoke request, so the run is judged by the scenario's expect, which is only its worst case` }
        : {}),
    };
  } finally {
    await mock.close();
    await removeScratch(workDir);
  }
}
