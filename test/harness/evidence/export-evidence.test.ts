// run --export-evidence: the pair's guardrail-written files land in the repository's
// evidence folder under their original names, the telemetry points at them, nothing is
// ever overwritten, and nothing else in the checkout changes.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertExportableRepo, EVIDENCE_FOLDER, ExportError, exportEvidence } from '../../../harness/evidence/export-evidence.ts';
import { REFERENCE_GUARDRAILS_DIR, runHarness } from '../../../harness/run/runner.ts';
import type { HarnessReport } from '../../../harness/run/types.ts';

const CLI = new URL('../../../harness/cli/main.ts', import.meta.url).pathname;
const SPEC = 'SPEC-KIT-018';
const scratch = mkdtempSync(join(tmpdir(), 'export-evidence-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const git = (repo: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });

/** A user's guardrail repository: a git checkout of the reference guardrails, committed. */
async function userRepo(name: string): Promise<string> {
  const repo = join(scratch, name);
  await cp(REFERENCE_GUARDRAILS_DIR, repo, { recursive: true });
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'product');
  return repo;
}

function harness(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: scratch, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every file below `root`, relative, sorted. */
function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

/** Every path the Spec Kit's evidence validation looks at. */
function telemetryPaths(data: Record<string, any>): string[] {
  return [
    ...(Array.isArray(data.artifacts) ? data.artifacts.map((artifact: any) => (typeof artifact === 'string' ? artifact : artifact.path)) : []),
    ...(Array.isArray(data.hal?.summary?.artifacts) ? data.hal.summary.artifacts : []),
    ...(typeof data.baseline?.artifact === 'string' ? [data.baseline.artifact] : []),
  ];
}

describe('run --export-evidence into a git repository', () => {
  let repo: string;
  let evidence: string;
  let first: ReturnType<typeof harness>;

  beforeAll(async () => {
    repo = await userRepo('product');
    evidence = join(repo, EVIDENCE_FOLDER, SPEC);
    first = harness([
      'run',
      '--repo',
      repo,
      '--flows',
      'validate,audit,plan',
      '--out',
      'bundles',
      '--export-evidence',
      '--env',
      'SPEC_OPS_SESSION_ID=2026-12-01T10:00:00Z-42',
    ]);
  }, 120_000);

  it("copies every run's telemetry, log, baseline report and HAL captures under their original names, and prints them", () => {
    expect(first.code).toBe(0);
    const files = tree(evidence);
    const top = files.filter((file) => !file.includes('/'));
    // A fixed session id: the six runs share it, so the later runs of a name go into their run's folder.
    expect(top).toEqual(
      expect.arrayContaining([
        'spec-validate_2026-12-01T10:00:00Z-42.json',
        'spec-validate_2026-12-01T10:00:00Z-42.log',
        'spec-audit_2026-12-01T10:00:00Z-42.json',
        'spec-plan_2026-12-01T10:00:00Z-42.json',
        'baseline_2026-12-01T10:00:00Z-42.md',
      ]),
    );
    expect(files).toContain('degraded-validate/spec-validate_2026-12-01T10:00:00Z-42.json');
    expect(files).toContain('degraded-plan/baseline_2026-12-01T10:00:00Z-42.md');
    expect(files.filter((file) => /-hal-(health|list_movies|indexer_test|graphql_ping)\.json$/.test(file))).toHaveLength(16);
    expect(files.filter((file) => file.endsWith('.lock'))).toEqual([]);
    // Original names: the colons stay (only the bundle makes names safe for uploaders).
    expect(files.every((file) => !file.includes('telemetry.json') && !file.includes('manifest.json'))).toBe(true);
    const printed = first.stdout.split('\n').filter((line) => line.startsWith('  '));
    expect(first.stdout).toContain(`Exported: ${files.length} files into ${evidence}`);
    expect(printed.map((line) => line.trim().split(/\s+/)[0]).sort()).toEqual(files);
    expect(first.stdout).toMatch(/^ {2}spec-validate_2026-12-01T10:00:00Z-42\.json {2}from healthy\/validate \(telemetry; 9 paths rewritten\)$/m);
  });

  it("rewrites the telemetry's paths to the exported files, which exist, so the Spec Kit's evidence validation finds them", () => {
    const telemetry = tree(evidence).filter((file) => /^(?:.*\/)?spec-[a-z]+_.*\.json$/.test(file));
    expect(telemetry).toHaveLength(6);
    for (const file of telemetry) {
      const data = JSON.parse(readFileSync(join(evidence, file), 'utf8'));
      const paths = telemetryPaths(data);
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) {
        expect(isAbsolute(path)).toBe(true);
        expect(path.startsWith(`${evidence}/`)).toBe(true);
        expect(statSync(path).size).toBeGreaterThan(0);
      }
      expect(JSON.stringify(data)).not.toMatch(/guardrail-run-/);
    }
    const healthy = JSON.parse(readFileSync(join(evidence, 'spec-validate_2026-12-01T10:00:00Z-42.json'), 'utf8'));
    expect(healthy.hal.summary.artifacts).toHaveLength(4);
    const degradedPlan = JSON.parse(readFileSync(join(evidence, 'degraded-plan/spec-plan_2026-12-01T10:00:00Z-42.json'), 'utf8'));
    expect(degradedPlan.baseline).toMatchObject({ status: 'failed', artifact: join(evidence, 'degraded-plan/baseline_2026-12-01T10:00:00Z-42.md') });
  });

  it('touches nothing else in the checkout', () => {
    expect(
      git(repo, 'status', '--porcelain', '--untracked-files=all')
        .split('\n')
        .filter(Boolean)
        .every((line) => line.startsWith(`?? ${EVIDENCE_FOLDER}/${SPEC}/`)),
    ).toBe(true);
    expect(git(repo, 'diff', '--stat')).toBe('');
  });

  it('refuses a second export that would overwrite a file, naming it, and copies nothing', () => {
    const before = tree(evidence);
    const second = harness([
      'run',
      '--repo',
      repo,
      '--flows',
      'validate',
      '--scenarios',
      'healthy',
      '--out',
      'bundles',
      '--export-evidence',
      '--env',
      'SPEC_OPS_SESSION_ID=2026-12-01T10:00:00Z-42',
    ]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      new RegExp(
        `--export-evidence: ${EVIDENCE_FOLDER}/${SPEC}/spec-validate_2026-12-01T10:00:00Z-42\\.json(, | and |.)*already exist.* the export never overwrites, so nothing was exported`,
      ),
    );
    expect(second.stdout).toMatch(/PASSED/); // the runs themselves went ahead; their bundle is kept
    expect(tree(evidence)).toEqual(before);
  });
});

describe('exportEvidence', () => {
  let report: HarnessReport;
  beforeAll(async () => {
    report = await runHarness({ flows: ['validate', 'implement'], scenarios: ['healthy'], out: join(scratch, 'lib-bundles') });
  }, 60_000);

  it("exports implement's lock, which its telemetry lists, with a warning", async () => {
    const plan = await exportEvidence({ repo: await userRepo('locked'), specId: SPEC, runs: report.runs });
    const lock = plan.files.find((file) => file.path === join(plan.dir, 'implement.lock'));
    expect(lock).toMatchObject({ run: 'healthy/implement', warning: expect.stringMatching(/may mark the spec as locked; run unlock or delete it/) });
    const telemetry = plan.files.find((file) => file.run === 'healthy/implement' && file.rewrittenPaths !== undefined);
    const data = JSON.parse(readFileSync(telemetry?.path as string, 'utf8'));
    expect(telemetryPaths(data)).toContain(join(plan.dir, 'implement.lock'));
    expect(plan.files.filter((file) => file.warning)).toEqual([lock]);
  });

  it('refuses without copying anything when one name is already taken', async () => {
    const repo = await userRepo('taken');
    const dir = join(repo, EVIDENCE_FOLDER, SPEC);
    const plan = await exportEvidence({ repo: await userRepo('dry'), specId: SPEC, runs: report.runs });
    expect(plan.files.length).toBeGreaterThan(4);
    const victim = relative(plan.dir, plan.files.at(-1)?.path as string);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, victim), "the user's own file\n");
    await expect(exportEvidence({ repo, specId: SPEC, runs: report.runs })).rejects.toThrow(
      new RegExp(`${victim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already exists in ${repo}`),
    );
    expect(tree(dir)).toEqual([victim]);
    expect(readFileSync(join(dir, victim), 'utf8')).toBe("the user's own file\n");
  });

  it("refuses the kit's own reference guardrails and a repository that is not a folder", () => {
    expect(() => assertExportableRepo(REFERENCE_GUARDRAILS_DIR)).toThrow(ExportError);
    expect(() => assertExportableRepo(REFERENCE_GUARDRAILS_DIR)).toThrow(/kit's own reference guardrails .* copy them first/);
    expect(() => assertExportableRepo(join(REFERENCE_GUARDRAILS_DIR, 'scripts'))).toThrow(/kit's own reference guardrails/);
    expect(() => assertExportableRepo(join(scratch, 'nope'))).toThrow(/is not a folder/);
    expect(existsSync(join(REFERENCE_GUARDRAILS_DIR, EVIDENCE_FOLDER, SPEC))).toBe(false);
  });
});
