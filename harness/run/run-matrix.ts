// What a harness run will do, decided before anything starts: whether it can run at all
// (the tools, the repository's scripts), and the matrix of (flow, scenario, phase) runs.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type Behaviour, type Expectation, parseTarget, type Scenario } from '../../mock-hal/index.ts';
import { SECRET_ENV } from './defaults.ts';
import { type Flow, STAGE_OF_FLOW } from './types.ts';

export const SCRIPTS_DIR = 'scripts/spec_ops_004/commands';

/** A problem with the request itself: the CLI answers it with exit 2. */
export class HarnessSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessSetupError';
  }
}

export interface RunSpec {
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

/** The tools the guardrail scripts run with. */
export const GUARDRAIL_TOOLS: readonly string[] = ['bash', 'git', 'jq'];

/** Stops with a message naming the tools that are not on PATH and how to install them. */
export function requireTools(tools: readonly string[], who = 'the guardrail scripts'): void {
  const missingTools = tools.filter((tool) => findOnPath(tool) === null);
  if (missingTools.length > 0) {
    throw new HarnessSetupError(
      `${who} need ${missingTools.join(', ')} on PATH; install ${missingTools.length > 1 ? 'them' : 'it'} (on Debian: apt-get install -y ${missingTools.join(' ')})`,
    );
  }
}

export function preflight(repo: string, flows: readonly Flow[]): void {
  requireTools(GUARDRAIL_TOOLS);
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

/**
 * Why `target` cannot be the API behind a proxy, or null when it can. mock-hal's
 * parseTarget decides; its message names mock-hal's own flags, so this one says what the
 * harness needs instead.
 */
export function proxyTargetProblem(target: string): string | null {
  try {
    parseTarget(target);
    return null;
  } catch {
    return (
      `${JSON.stringify(target)} is not a base URL the proxy can forward to: give an http:// or https:// URL with no user name, ` +
      `password, query or fragment, like http://staging.internal:7878 (the API's key goes in --env ${SECRET_ENV}=KEY)`
    );
  }
}

/** Whether some request may meet a hang (or a wait past call_tool's 30 s), down any flaky or sequence branch. */
function behaviourHangs(behaviour: Behaviour | undefined): boolean {
  if (!behaviour) return false;
  switch (behaviour.type) {
    case 'hang':
      return true;
    case 'delay':
      return behaviour.ms + (behaviour.jitter ?? 0) >= 30_000 || behaviourHangs(behaviour.then);
    case 'flaky':
      return behaviourHangs(behaviour.fail) || behaviourHangs(behaviour.otherwise);
    case 'sequence':
      return behaviour.steps.some((step) => behaviourHangs(step)) || behaviourHangs(behaviour.then);
    default:
      return false;
  }
}

export function scenarioHangs(scenario: Scenario): boolean {
  return scenario.phases.some((phase) => Object.values(phase.endpoints).some((behaviour) => behaviourHangs(behaviour)));
}

export function expandRuns(scenarios: readonly Scenario[], flows: readonly Flow[]): RunSpec[] {
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
