// check-telemetry as users run it: the Spec Kit rules by default, evidence bundles, and
// every option, through guardrail-harness with its real output and exit codes.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';
import { isTelemetryFileName } from '../../../harness/telemetry/check-telemetry.ts';
import { NODE, ROOT } from '../../support/mcp.ts';
import { EVIDENCE, type SampleRepo, sampleRepo } from '../../support/spec-kit-repo.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));
const HARNESS_CLI = fileURLToPath(new URL('../../../harness/cli/main.ts', import.meta.url));
const CLI = join(ROOT, 'harness', 'cli', 'main.ts');
const AUDIT = 'spec-audit_2025-09-29T12-33-29Z-218285443.json';
const VALIDATE_HAL = 'spec-validate_2025-09-29T16-34-21Z-229132461.json';
const AUDIT_REAL = 'spec-audit_2025-09-29T12:33:29Z-218285443.json';
const PLAN_REAL = 'spec-plan_2025-09-29T16:23:09Z-1240129600.json';
const exec = promisify(execFile);

let dir: string;
let repos: SampleRepo[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'check-telemetry-'));
  repos = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const repo of repos) repo.remove();
});

/** guardrail-harness check-telemetry in process, as the CLI answers it. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string; lines: string[] }> {
  let out = '';
  let err = '';
  const code = await harnessMain(['check-telemetry', ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err, lines: out.split('\n').filter((l) => l !== '') };
}

/** A repository whose evidence folder holds the real telemetry, every artifact present. */
function repoWithEvidence(options: { withArtifacts?: boolean } = {}): SampleRepo {
  const repo = sampleRepo(options);
  repos.push(repo);
  return repo;
}

async function brokenAudit(path: string, from = join(FIXTURES, AUDIT)): Promise<void> {
  const data = JSON.parse(await readFile(from, 'utf8')) as { scenarios: { status: string }[] };
  (data.scenarios[0] as { status: string }).status = 'ok';
  await writeFile(path, JSON.stringify(data));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An audit file the Spec Kit accepts and the kit's strict rules refuse in many ways. */
function looseAudit(root: string): Record<string, unknown> {
  return {
    schemaVersion: 2,
    command: 'spec-ops-audit',
    specId: '',
    sessionId: 'any-session-id',
    timestamp: 'yesterday',
    scenarios: [{ name: '', status: 'skipped', took: '3s' }],
    artifacts: ['audit.log', { path: join(root, 'audit.log'), sha256: 'abc' }],
    hal: { summary: { status: 'skipped', failed_checks: ['graphql'], artifacts: ['relative.json'] }, mode: 'mock' },
    policy: { enforce: true, rules: [] },
  };
}

describe('check-telemetry, the Spec Kit rules by default', () => {
  it('passes a repository evidence folder of real telemetry and ignores the other evidence files', async () => {
    const repo = repoWithEvidence();
    await writeFile(join(repo.evidenceDir, 'notes.json'), '{}');
    const result = await run(repo.evidenceDir);
    expect(result.lines).toEqual(['5 files checked, 0 problems']);
    expect(result.code).toBe(0);
    expect(result.err).toBe('');
  });

  it('checks one file', async () => {
    const repo = repoWithEvidence();
    expect(await run(join(repo.evidenceDir, AUDIT_REAL))).toMatchObject({ code: 0, lines: ['1 file checked, 0 problems'] });
  });

  it('never reports a file the Spec Kit accepts, however strict rules would judge it', async () => {
    const repo = repoWithEvidence();
    await writeFile(join(repo.root, 'audit.log'), 'log\n');
    await writeFile(join(repo.root, 'plan.log'), 'log\n');
    const file = join(repo.evidenceDir, 'spec-audit_2025-09-29T12:00:00Z-1.json');
    await writeFile(file, JSON.stringify(looseAudit(repo.root)));
    const plan = join(repo.evidenceDir, PLAN_REAL);
    const data = JSON.parse(await readFile(plan, 'utf8')) as Record<string, any>;
    data.baseline.status = 'unknown';
    data.sessionId = 'whatever';
    data.artifacts = [{ path: 'plan.log' }];
    await writeFile(plan, JSON.stringify(data));
    expect((await run(file, plan)).lines).toEqual(['2 files checked, 0 problems']);

    const strict = await run('--strict', file, plan);
    expect(strict.code).toBe(1);
    expect(strict.lines).toEqual([
      `${file}: strict: schemaVersion: expected 1 (the only telemetry schema version this harness understands; update the harness to read newer telemetry), got 2`,
      `${file}: strict: specId: expected a non-empty string, got ""`,
      `${file}: strict: sessionId: expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461", got "any-session-id"`,
      `${file}: strict: timestamp: expected an ISO-8601 UTC time like "2025-09-29T16:34:21Z", got "yesterday"`,
      `${file}: strict: artifacts[0]: expected an object, got "audit.log"`,
      `${file}: strict: scenarios[0].name: expected a non-empty string, got ""`,
      `${file}: strict: hal.summary.failed_checks[0]: expected one of health|list_movies|indexer_test|graphql_ping, got "graphql"`,
      `${file}: strict: hal.summary.artifacts[0]: expected an absolute path (starting with "/"), got "relative.json"`,
      `${file}: strict: sessionId: expected "2025-09-29T12:00:00Z-1" (the session id in the file name), got "any-session-id"`,
      `${plan}: strict: sessionId: expected "<ISO-8601 UTC time>-<digits>" like "2025-09-29T16:34:21Z-229132461", got "whatever"`,
      `${plan}: strict: artifacts[0].path: expected an absolute path (starting with "/"), got "plan.log"`,
      `${plan}: strict: baseline.status: expected one of passed|skipped|failed, got "unknown"`,
      `${plan}: strict: sessionId: expected "2025-09-29T16:23:09Z-1240129600" (the session id in the file name), got "whatever"`,
      '2 files checked, 13 problems',
    ]);
  });

  it('labels each problem with its rule set, one line each, and exits 1', async () => {
    const repo = repoWithEvidence();
    const nested = join(repo.evidenceDir, 'nested');
    await mkdir(nested);
    const bad = join(nested, AUDIT_REAL);
    await brokenAudit(bad, join(repo.evidenceDir, AUDIT_REAL));
    await writeFile(join(nested, 'spec-plan_2025-09-29T16:00:00Z-1.json'), '{"command":');
    const result = await run(nested);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `${bad}: spec-kit: scenarios[0].status: expected one of passed|failed|skipped, got "ok"`,
      expect.stringMatching(new RegExp(`^${escapeRegExp(join(nested, 'spec-plan_2025-09-29T16:00:00Z-1.json'))}: invalid JSON: the text ends early`)),
      '2 files checked, 2 problems',
    ]);
  });

  it('applies the evidence validation: every listed artifact exists, at least one', async () => {
    const repo = repoWithEvidence({ withArtifacts: false });
    const audit = join(repo.evidenceDir, AUDIT_REAL);
    const result = await run(audit);
    expect(result.code).toBe(1);
    expect(result.lines).toHaveLength(7);
    expect(result.lines[0]).toBe(`${audit}: spec-kit: artifacts[0].path: "${repo.evidenceDir}/spec-audit_2025-09-29T12:33:29Z-218285443.log" does not exist`);
    expect(result.lines[5]).toBe(`${audit}: spec-kit: artifacts: none of the 5 listed artifacts exists; the Spec Kit wants at least one`);
    expect(result.lines[6]).toBe('1 file checked, 6 problems');
    // Validate is exempt; --no-evidence skips the step for everyone.
    expect((await run(repo.evidenceDir)).lines.at(-1)).toBe('5 files checked, 12 problems');
    expect((await run('--no-evidence', repo.evidenceDir)).lines).toEqual(['5 files checked, 0 problems']);
  });

  it('resolves relative artifact paths from the repository above the file, or --repo', async () => {
    const repo = repoWithEvidence();
    await writeFile(join(repo.root, 'top.log'), 'log\n');
    const file = join(repo.evidenceDir, 'spec-unlock_2025-09-29T12:00:00Z-1.json');
    await writeFile(
      file,
      JSON.stringify({ command: 'spec-ops-unlock', specId: 'S', sessionId: 's', timestamp: 't', artifacts: ['top.log'], unlock_status: 'unlocked' }),
    );
    expect((await run(file)).code).toBe(0);
    const other = join(dir, 'other');
    await mkdir(other);
    const result = await run('--repo', other, file);
    expect(result.lines).toEqual([
      `${file}: spec-kit: artifacts[0]: "top.log" does not exist (relative paths resolve from the repo root ${other}, given with --repo: looked for ${join(other, 'top.log')})`,
      `${file}: spec-kit: artifacts: none of the 1 listed artifact exists; the Spec Kit wants at least one`,
      '1 file checked, 2 problems',
    ]);
    await writeFile(join(other, 'top.log'), 'log\n');
    expect((await run(`--repo=${other}`, file)).code).toBe(0);
  });

  it('outside any repository, resolves relative paths from the current folder (through the CLI)', async () => {
    const file = join(dir, 'spec-tasks_2025-09-29T12:00:00Z-1.json');
    await writeFile(
      file,
      JSON.stringify({ command: 'spec-ops-tasks', specId: 'S', sessionId: 's', timestamp: 't', artifacts: ['here.log'], tool: { status: 'ok' } }),
    );
    await writeFile(join(dir, 'here.log'), 'log\n');
    const inDir = await exec(NODE, [CLI, 'check-telemetry', file], { cwd: dir });
    expect(inDir.stdout).toBe('1 file checked, 0 problems\n');
    await expect(exec(NODE, [CLI, 'check-telemetry', file], { cwd: ROOT })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(
        `"here.log" does not exist (relative paths resolve from the repo root ${ROOT}, the current folder, as no folder above the file holds docs/SPEC-OPS-004-integrated-coder-hooks; pass --repo DIR: looked for ${join(ROOT, 'here.log')})`,
      ),
    });
  });

  it('checks several paths and adds up', async () => {
    const repo = repoWithEvidence();
    await brokenAudit(join(dir, 'bad.telemetry.json'));
    const result = await run(join(repo.evidenceDir, AUDIT_REAL), join(dir, 'bad.telemetry.json'), repo.evidenceDir);
    expect(result.code).toBe(1);
    // The stray copy's artifacts are missing too (it has the original machine's paths).
    expect(result.lines.filter((line) => line.includes('scenarios[0].status'))).toHaveLength(1);
    expect(result.lines.at(-1)).toBe('7 files checked, 7 problems');
  });

  it('reads a file of unknown stage by its own command, and says so when it has none', async () => {
    const file = join(dir, 'x.telemetry.json');
    await writeFile(file, JSON.stringify({ command: 'spec-ops-deploy' }));
    await writeFile(join(dir, 'y.telemetry.json'), '[1]');
    const result = await run('--outcome', dir);
    expect(result.lines).toEqual([
      `${file}: spec-kit: command: expected one of spec-ops-plan|spec-ops-tasks|spec-ops-implement|spec-ops-validate|spec-ops-audit|spec-ops-unlock, got "spec-ops-deploy" (and the file name names no stage), so the Spec Kit reads it as no stage's telemetry`,
      expect.stringMatching(new RegExp(`^${escapeRegExp(file)}: halt: the Spec Kit reads no stage from this file: command: `)),
      `${join(dir, 'y.telemetry.json')}: spec-kit: (top level): expected a JSON object, got an array [1]`,
      expect.stringMatching(/y\.telemetry\.json: halt: the Spec Kit reads no stage from this file: \(top level\)/),
      '2 files checked, 2 problems, 0 advance, 2 halt',
    ]);
  });

  it('counts a folder without telemetry as a problem', async () => {
    await mkdir(join(dir, 'empty'));
    await writeFile(join(dir, 'empty', 'notes.json'), '{}');
    const result = await run(join(dir, 'empty'));
    expect(result.code).toBe(1);
    expect(result.lines[0]).toMatch(new RegExp(`^${escapeRegExp(join(dir, 'empty'))}: no telemetry files found`));
    expect(result.lines[1]).toBe('0 files checked, 1 problem');
  });

  it('reports unreadable files as problems, not crashes, and --outcome halts on them', async () => {
    await writeFile(join(dir, 'spec-validate_2025-09-29T16:34:21Z-1.json'), new Uint8Array([0, 1, 2]));
    await writeFile(join(dir, 'spec-audit_2025-09-29T16:34:21Z-1.json'), '');
    const result = await run('--outcome', dir);
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `${join(dir, 'spec-audit_2025-09-29T16:34:21Z-1.json')}: file is empty; the guardrail created it but wrote nothing (killed mid-write?)`,
      `${join(dir, 'spec-audit_2025-09-29T16:34:21Z-1.json')}: halt: the Spec Kit cannot read the file: file is empty; the guardrail created it but wrote nothing (killed mid-write?)`,
      `${join(dir, 'spec-validate_2025-09-29T16:34:21Z-1.json')}: file contains NUL bytes: binary data, not JSON text`,
      `${join(dir, 'spec-validate_2025-09-29T16:34:21Z-1.json')}: halt: the Spec Kit cannot read the file: file contains NUL bytes: binary data, not JSON text`,
      '2 files checked, 2 problems, 0 advance, 2 halt',
    ]);
  });
});

describe('check-telemetry on evidence bundles', () => {
  /** A bundle run folder as writeRunEvidence leaves it: the copies, and a manifest naming their sources. */
  async function bundleRun(flow: string, telemetry: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
    const runDir = join(dir, 'bundle', 'SPEC-KIT-018', 'p1', 'healthy', flow);
    await mkdir(runDir, { recursive: true });
    const gone = `/tmp/gone-run/repo/${EVIDENCE}`;
    await writeFile(join(runDir, 'telemetry.json'), JSON.stringify(telemetry));
    await writeFile(join(runDir, 'spec-audit.log'), 'log\n');
    const files = [
      { name: 'telemetry.json', source: `${gone}/spec-audit_2025-09-29T12:33:29Z-1.json` },
      { name: 'spec-audit.log', source: `${gone}/spec-audit_2025-09-29T12:33:29Z-1.log` },
    ];
    await writeFile(join(runDir, 'manifest.json'), JSON.stringify({ flow, files, ...extra }));
    return runDir;
  }

  const audit = (artifacts: unknown[]) => ({
    command: 'spec-ops-audit',
    specId: 'S',
    sessionId: 's',
    timestamp: 't',
    scenarios: [{ name: 'n', status: 'passed' }],
    artifacts,
    hal: { summary: { status: 'passed' } },
  });

  it("finds the run's artifacts through the copies the manifest lists (absolute or relative)", async () => {
    const runDir = await bundleRun(
      'audit',
      audit([`/tmp/gone-run/repo/${EVIDENCE}/spec-audit_2025-09-29T12:33:29Z-1.log`, `${EVIDENCE}/spec-audit_2025-09-29T12:33:29Z-1.log`]),
    );
    expect((await run(join(dir, 'bundle'))).lines).toEqual(['1 file checked, 0 problems']);
    await writeFile(join(runDir, 'telemetry.json'), JSON.stringify(audit(['/tmp/gone-run/repo/never-copied.log'])));
    expect((await run(join(dir, 'bundle'))).lines).toEqual([
      `${join(runDir, 'telemetry.json')}: spec-kit: artifacts[0]: "/tmp/gone-run/repo/never-copied.log" does not exist`,
      `${join(runDir, 'telemetry.json')}: spec-kit: artifacts: none of the 1 listed artifact exists; the Spec Kit wants at least one`,
      '1 file checked, 2 problems',
    ]);
  });

  it('reads the stage from the manifest, and *.telemetry.json on its own', async () => {
    const runDir = await bundleRun('validate', audit([]));
    await cp(join(FIXTURES, VALIDATE_HAL), join(dir, 'bundle', 'extra.telemetry.json'));
    const result = await run(join(dir, 'bundle'));
    expect(result.lines).toEqual([
      `${join(runDir, 'telemetry.json')}: spec-kit: command: expected "spec-ops-validate", got "spec-ops-audit"`,
      '2 files checked, 1 problem',
    ]);
  });

  it("applies the manifest's SPEC_OPS_TELEMETRY_HAL under --strict only (the Spec Kit ignores it)", async () => {
    const runDir = await bundleRun('audit', audit([`/tmp/gone-run/repo/${EVIDENCE}/spec-audit_2025-09-29T12:33:29Z-1.log`]), { telemetryHal: false });
    expect((await run(runDir)).code).toBe(0);
    const strict = await run('--strict', runDir);
    expect(strict.code).toBe(1);
    expect(strict.lines).toContain(
      `${join(runDir, 'telemetry.json')}: hal-flag: hal.summary: expected no hal.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got an object {"status":"passed"}`,
    );
  });
});

describe('check-telemetry options', () => {
  it('--hal and --no-hal judge the flag for every file, in either rule set', async () => {
    const file = join(FIXTURES, VALIDATE_HAL);
    expect((await run('--hal', file)).code).toBe(0);
    for (const args of [['--no-hal'], ['--no-hal', '--strict']]) {
      const off = await run(...args, file);
      expect(off.code).toBe(1);
      expect(off.lines).toEqual([
        `${file}: hal-flag: hal.summary: expected no hal.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset, got an object {"status":"passed","artifacts":["/home/thetu/code/docs/SPEC-OPS-004-integrate...`,
        '1 file checked, 1 problem',
      ]);
    }
  });

  it('--outcome prints advance or halt per file with the reason, without changing the exit status', async () => {
    const repo = repoWithEvidence();
    const result = await run('--outcome', join(repo.evidenceDir, PLAN_REAL), join(repo.evidenceDir, AUDIT_REAL));
    expect(result.lines).toEqual([
      `${join(repo.evidenceDir, PLAN_REAL)}: advance: baseline.status is "passed"; hooks["session.start"] is "ok"`,
      `${join(repo.evidenceDir, AUDIT_REAL)}: halt: scenario "audit guardrail bootstrap" failed, and the Spec Kit advances only when every scenario passed or skipped; hal.summary.status is "failed", which the Spec Kit only adds to its report`,
      '2 files checked, 0 problems, 1 advance, 1 halt',
    ]);
    expect(result.code).toBe(0);
  });

  it('--outcome halts on missing evidence, naming it', async () => {
    const repo = repoWithEvidence({ withArtifacts: false });
    const result = await run('--outcome', join(repo.evidenceDir, PLAN_REAL));
    expect(result.code).toBe(1);
    expect(result.lines.at(-2)).toMatch(/: halt: the telemetry fails the Spec Kit's evidence validation \(3 errors: artifacts\[0\]\.path: /);
  });

  // The usage errors of the command line itself: test/harness/cli/check-telemetry-command.test.ts.
  describe('paths and folders that are not there exit 2', () => {
    it('for a path that does not exist, before checking anything', async () => {
      const result = await run(join(FIXTURES, AUDIT), join(dir, 'nope'));
      expect(result.code).toBe(2);
      expect(result.err).toBe(`check-telemetry: ${join(dir, 'nope')}: no such file or folder; give a telemetry file or a folder holding them\n`);
      expect(result.out).toBe('');
    });

    it('for a --repo folder that is not there', async () => {
      expect(await run('--repo', join(dir, 'nope'), FIXTURES)).toMatchObject({
        code: 2,
        err: `check-telemetry: --repo ${join(dir, 'nope')}: no such folder; give the root of the guardrail repository\n`,
      });
    });
  });

  it('treats arguments after -- as paths', async () => {
    const result = await run('--', '--hal');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--hal: no such file or folder/);
  });

  it('the real guardrail-harness process gives the same exit codes', async () => {
    const repo = repoWithEvidence();
    const good = await exec(NODE, [HARNESS_CLI, 'check-telemetry', repo.evidenceDir]);
    expect(good.stdout).toBe('5 files checked, 0 problems\n');
    await brokenAudit(join(dir, 'bad.json'));
    await expect(exec(NODE, [HARNESS_CLI, 'check-telemetry', join(dir, 'bad.json')])).rejects.toMatchObject({ code: 1 });
    await expect(exec(NODE, [HARNESS_CLI, 'check-telemetry'])).rejects.toMatchObject({ code: 2 });
  });

  it('guardrail-harness check-telemetry --strict and --outcome through the real CLI', async () => {
    const repo = repoWithEvidence();
    const plan = join(repo.evidenceDir, PLAN_REAL);
    const data = JSON.parse(await readFile(plan, 'utf8')) as Record<string, any>;
    data.baseline.status = 'unknown';
    await writeFile(plan, JSON.stringify(data));
    const lenient = await exec(NODE, [CLI, 'check-telemetry', '--outcome', plan]);
    expect(lenient.stdout).toBe(
      `${plan}: halt: baseline.status is "unknown", and the Spec Kit advances only on passed or skipped\n1 file checked, 0 problems, 0 advance, 1 halt\n`,
    );
    await expect(exec(NODE, [CLI, 'check-telemetry', '--strict', '--outcome', plan])).rejects.toMatchObject({
      code: 1,
      stdout: `${plan}: strict: baseline.status: expected one of passed|skipped|failed, got "unknown"\n${plan}: halt: baseline.status is "unknown", and the Spec Kit advances only on passed or skipped\n1 file checked, 1 problem, 0 advance, 1 halt\n`,
      stderr: '',
    });
  });
});

describe('isTelemetryFileName', () => {
  it.each([
    ['spec-validate_2025-09-29T16:34:21Z-229132461.json', true],
    ['telemetry.json', true],
    ['run-1.telemetry.json', true],
    ['manifest.json', false],
    ['20250929-163421Z-hal-health.json', false],
    ['spec-validate_2025-09-29T16:34:21Z-229132461.log', false],
  ])('%s -> %s', (name, expected) => {
    expect(isTelemetryFileName(name)).toBe(expected);
  });
});
