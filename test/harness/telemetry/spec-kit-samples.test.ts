// The team's real telemetry (shared/reference/samples) through the Spec Kit's reader
// and through `guardrail-harness check-telemetry`, as a user runs it.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readAsSpecKit, specKitOutcome, specKitSchemaIssues } from '../../../harness/telemetry/spec-kit-reader.ts';
import { stageOfFile, validateTelemetry } from '../../../harness/telemetry/telemetry-schema.ts';
import { NODE, ROOT } from '../../support/mcp.ts';
import { FIXTURES, fixtureNames, realName, SAMPLE_ROOT, SAMPLES, SAMPLES_PRESENT, sampleRepo } from '../../support/spec-kit-repo.ts';

const exec = promisify(execFile);
const CLI = join(ROOT, 'harness', 'cli', 'main.ts');

/** What the Spec Kit does with each real sample. */
const OUTCOMES: Record<string, ['advance' | 'halt', string]> = {
  'spec-audit_2025-09-29T12:33:29Z-218285443.json': [
    'halt',
    'scenario "audit guardrail bootstrap" failed, and the Spec Kit advances only when every scenario passed or skipped; hal.summary.status is "failed", which the Spec Kit only adds to its report',
  ],
  'spec-plan_2025-09-29T16:23:09Z-1240129600.json': ['advance', 'baseline.status is "passed"; hooks["session.start"] is "ok"'],
  'spec-plan_2025-09-29T16:23:24Z-2625014190.json': ['halt', 'baseline.status is "failed", and the Spec Kit advances only on passed or skipped'],
  'spec-validate_2025-09-29T16:25:38Z-2828521850.json': [
    'halt',
    'scenario "validate guardrail bootstrap" failed, and the Spec Kit advances only when every scenario passed or skipped; hal.summary.status is "failed", which the Spec Kit only adds to its report',
  ],
  'spec-validate_2025-09-29T16:34:21Z-229132461.json': [
    'advance',
    'every scenario passed or skipped ("validate guardrail bootstrap" passed); hal.summary.status is "passed", which the Spec Kit only adds to its report',
  ],
};

async function cli(args: string[], cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(NODE, [CLI, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

if (!SAMPLES_PRESENT) {
  if (process.env.CI) {
    it('finds the reference samples (required in CI)', () => {
      throw new Error(`${SAMPLES} is missing; CI must check out shared/reference/samples beside this project`);
    });
  } else {
    it.skip(`real samples: skipped because ${SAMPLES} is absent (in CI this fails)`, () => {});
  }
}

describe.runIf(SAMPLES_PRESENT)('the real samples', () => {
  const names = SAMPLES_PRESENT
    ? readdirSync(SAMPLES)
        .filter((name) => stageOfFile(name) !== null)
        .sort()
    : [];
  const data = (name: string) => JSON.parse(readFileSync(join(SAMPLES, name), 'utf8')) as unknown;
  const flow = (name: string) => stageOfFile(name)!.flow;
  const repos: { remove(): void }[] = [];
  afterAll(() => {
    for (const repo of repos) repo.remove();
  });

  it('are the five telemetry files, copied unchanged into test/fixtures/telemetry', () => {
    expect(names).toEqual(Object.keys(OUTCOMES).sort());
    expect(fixtureNames().map(realName)).toEqual(names);
    for (const fixture of fixtureNames()) {
      expect(readFileSync(join(FIXTURES, fixture), 'utf8')).toBe(readFileSync(join(SAMPLES, realName(fixture)), 'utf8'));
    }
  });

  it.each(Object.keys(OUTCOMES))('%s: the Spec Kit accepts its schema and the strict rules do too', (name) => {
    expect(specKitSchemaIssues(data(name), flow(name))).toEqual([]);
    expect(validateTelemetry(data(name)).problems).toEqual([]);
  });

  it.each(Object.keys(OUTCOMES))('%s: the Spec Kit advances or halts, with its reason', (name) => {
    const [decision, reason] = OUTCOMES[name]!;
    // Their evidence lived on the team's machine; the outcome is judged on the stage rule here.
    const outcome = specKitOutcome(data(name), flow(name), [], { applies: false, issues: [], found: [] });
    expect(outcome.decision).toBe(decision);
    expect([outcome.reason, outcome.halNote].filter((text) => text !== undefined).join('; ')).toBe(reason);
  });

  it.runIf(!existsSync(SAMPLE_ROOT))('as found here, their plan and audit evidence is missing (it lived on the team machine)', () => {
    for (const name of names) {
      const evidence = readAsSpecKit(data(name), flow(name), { repoRoot: ROOT }).evidence;
      if (flow(name) === 'validate') expect(evidence).toEqual({ applies: false, issues: [], found: [] });
      else expect(evidence.issues.at(-1)).toMatchObject({ code: 'no-evidence', path: 'artifacts' });
    }
  });

  it('moved into a repository that holds their artifacts, every one is valid', () => {
    const repo = sampleRepo();
    repos.push(repo);
    for (const name of repo.files) {
      const moved = JSON.parse(readFileSync(join(repo.evidenceDir, name), 'utf8')) as unknown;
      expect(readAsSpecKit(moved, flow(name), { repoRoot: repo.root }).valid).toBe(true);
    }
  });

  it('check-telemetry --outcome --no-evidence prints advance or halt with the reason, exit 0', async () => {
    const result = await cli(['check-telemetry', '--outcome', '--no-evidence', SAMPLES]);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual([
      ...Object.entries(OUTCOMES).map(([name, [decision, reason]]) => `${join(SAMPLES, name)}: ${decision}: ${reason}`),
      '5 files checked, 0 problems, 2 advance, 3 halt',
    ]);
    expect(result.code).toBe(0);
  });

  it('check-telemetry --strict --no-evidence finds no problem in them either', async () => {
    const result = await cli(['check-telemetry', '--strict', '--no-evidence', SAMPLES]);
    expect(result).toMatchObject({ code: 0, stdout: '5 files checked, 0 problems\n' });
  });

  it('check-telemetry on the repository evidence folder: 0 problems, run from anywhere', async () => {
    const repo = sampleRepo();
    repos.push(repo);
    const result = await cli(['check-telemetry', '--outcome', repo.evidenceDir], '/');
    expect(result.stdout.trim().split('\n').at(-1)).toBe('5 files checked, 0 problems, 2 advance, 3 halt');
    expect(result.code).toBe(0);
  });
});
