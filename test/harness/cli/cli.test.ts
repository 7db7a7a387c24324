// guardrail-harness as a user runs it: exit codes, messages, files written.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { harnessMain } from '../../../harness/cli/commands.ts';

const CLI = new URL('../../../harness/cli/main.ts', import.meta.url).pathname;
const HANGING = new URL('../../fixtures/guardrails/hanging', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'harness-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function harness(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: scratch, env, timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('guardrail-harness run', () => {
  it('exits 0 on the reference guardrails, prints the table and where evidence and reports are', () => {
    const junit = join(scratch, 'custom-junit.xml');
    const result = harness(['run', '--out', 'bundles', '--junit', junit]);
    expect(result.stderr).toMatch(/^ok +healthy validate/m);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/PASSED: SPEC-KIT-018, 4 runs, 0 failed/);
    const bundle = /^Evidence: (.+)$/m.exec(result.stdout)?.[1] as string;
    expect(bundle).toMatch(/^bundles\/SPEC-KIT-018\/\d{8}T\d{6}Z-[0-9a-f]{6}$/);
    for (const name of ['report.json', 'junit.xml', 'summary.md', 'pair.json']) expect(existsSync(join(scratch, bundle, name))).toBe(true);
    expect(readFileSync(junit, 'utf8')).toMatch(/<testsuites/);
    const report = JSON.parse(readFileSync(join(scratch, bundle, 'report.json'), 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.runs.map((run: { scenario: string; flow: string }) => `${run.scenario}/${run.flow}`).sort()).toEqual([
      'degraded/audit',
      'degraded/validate',
      'healthy/audit',
      'healthy/validate',
    ]);
  });

  it('exits 1 when a check fails', () => {
    const result = harness(['run', '--repo', HANGING, '--flows', 'validate', '--scenarios', 'healthy', '--timeout', '1', '--out', 'bundles']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED/);
    expect(result.stderr).toMatch(/^FAIL +healthy validate/m);
  });

  it.each([
    [['run', '--flows', 'validate,deploy'], /unknown flow deploy/],
    [['run', '--scenarios', 'healthy,nope'], /no scenario "nope"/],
    [['run', '--transport', 'carrier-pigeon'], /--transport must be hermetic or native/],
    [['run', '--telemetry-hal', 'maybe'], /--telemetry-hal must be on or off/],
    [['run', '--timeout', '0'], /--timeout must be a whole number from 1/],
    [['run', '--shard', '3/2'], /--shard must be I\/N/],
    [['run', '--mcp-server', '"unclosed'], /unclosed " quote/],
    [['run', '--repo', '/nonexistent/repo'], /is not a folder/],
    [['run', '--repo', '/tmp'], /has no scripts\/spec_ops_004\/commands\/spec_ops_validate\.sh/],
    [['run', '--spec', 'bad/spec', '--flows', 'tasks', '--scenarios', 'healthy'], /spec id .* cannot be a folder name/],
    [['run', '--bogus'], /Unknown option '--bogus'/],
    [
      ['deploy'],
      /unknown command "deploy"; the commands are run, check-telemetry, merge, report, gaps, knobs, history, bisect, hal-server, call-tool\nRun guardrail-harness --help for usage\./,
    ],
    [['run', '--out'], /--out needs a value: --out VALUE\nRun guardrail-harness run --help for usage\./],
    [['run', '--env', 'NO_EQUALS'], /--env "NO_EQUALS": expected KEY=VALUE/],
    [['run', '--env', 'BAD-NAME=1'], /"BAD-NAME" is not a shell variable name \(letters, digits and _, not starting with a digit\)/],
    [['run', '--env', '9LIVES=1'], /"9LIVES" is not a shell variable name/],
    [['gaps', '--env', 'BAD NAME=1'], /"BAD NAME" is not a shell variable name/],
    [
      ['run', '--export-evidence'],
      /--repo is the kit's own reference guardrails \(the default\); the kit is never written to\. Pass --repo with your guardrail repository/,
    ],
    [['run', '--export-evidence', '--repo', '/nonexistent/repo'], /--repo \/nonexistent\/repo is not a folder/],
    [['run', '--export-evidence', '--shard', '1/2', '--repo', '/tmp'], /--export-evidence exports a whole pair; run without --shard/],
    [['run', '--mock', 'bogus'], /--mock must be in-process, container\[:IMAGE\] or proxy:URL, got "bogus"/],
    [
      ['run', '--mock', 'proxy:staging.internal'],
      /--mock proxy:URL: "staging\.internal" is not a base URL the proxy can forward to: give an http:\/\/ or https:\/\/ URL with no user name, password, query or fragment, like http:\/\/staging\.internal:7878 \(the API's key goes in --env HAL_SECRET_KAVEDARR_API_KEY=KEY\)/,
    ],
    [['run', '--mock', 'proxy:ftp://staging.internal'], /"ftp:\/\/staging\.internal" is not a base URL the proxy can forward to/],
    [['run', '--mock', 'proxy:http://user:pw@staging.internal'], /"http:\/\/user:pw@staging\.internal" is not a base URL/],
    [['run', '--mock', 'proxy:http://staging.internal/?key=1'], /is not a base URL the proxy can forward to/],
    [
      ['run', '--env', 'HAL_SECRET_KAVEDARR_API_KEY='],
      /--env sets HAL_SECRET_KAVEDARR_API_KEY to an empty value, so the scripts would send no API key; give it the API's key, or leave it unset/,
    ],
  ])('%j exits 2 with a message that says what to do', (args, message) => {
    const result = harness(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 naming jq when jq is missing', () => {
    const bin = join(scratch, 'bin-without-jq');
    spawnSync('mkdir', ['-p', bin]);
    for (const tool of ['bash', 'git']) {
      const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (!existsSync(join(bin, tool))) symlinkSync(found, join(bin, tool));
    }
    const result = harness(['run'], { ...process.env, PATH: bin });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/need jq on PATH; install it \(on Debian: apt-get install -y jq\)/);
  });

  it('has --help', () => {
    expect(harness(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/guardrail-harness run/) });
    expect(harness(['run', '--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/--transport MODE/) });
    for (const command of ['run', 'gaps']) {
      const help = harness([command, '--help']).stdout;
      expect(help).toMatch(/--env KEY=VALUE +set a variable for the scripts, after the harness's own/);
      expect(help).toMatch(/--env-file FILE +KEY=VALUE lines, # comments and blank lines ignored/);
    }
    expect(harness(['run', '--help']).stdout).toMatch(/--export-evidence +copy every run's guardrail-written files/);
    expect(harness(['run', '--help']).stdout).toMatch(/proxy:URL: a mock-hal proxy per run in front of the API at URL/);
  });
});

describe('guardrail-harness run --env / --env-file', () => {
  it("applies them after the harness's own variables, and report.json and the console list them, secrets redacted", () => {
    const envFile = join(scratch, 'ci.env');
    writeFileSync(envFile, '# variables for a later script version\nHAL_SECRET_OTHER=kvd_user_secret_value\nSPEC_OPS_TELEMETRY_HAL=1\n');
    const result = harness([
      'run',
      '--flows',
      'validate',
      '--out',
      'env-bundles',
      '--env-file',
      envFile,
      '--env',
      'SPEC_OPS_TELEMETRY_HAL=0',
      '--env',
      'MY_FLAG=on',
    ]);
    // The checks judge what the scripts got: SPEC_OPS_TELEMETRY_HAL=0 means no hal.summary.
    expect(result.code).toBe(0);
    const notes = result.stdout.split('\n').filter((line) => line.startsWith('note: --env'));
    expect(notes).toEqual([
      `note: --env: the scripts got HAL_SECRET_OTHER=[REDACTED] (${envFile}:2), SPEC_OPS_TELEMETRY_HAL=1 (${envFile}:3), SPEC_OPS_TELEMETRY_HAL=0 (--env), MY_FLAG=on (--env); later settings of a name win`,
      "note: --env replaced the harness's own SPEC_OPS_TELEMETRY_HAL (every run); the checks judge what the scripts got",
    ]);
    const bundle = /^Evidence: (.+)$/m.exec(result.stdout)?.[1] as string;
    const reportText = readFileSync(join(scratch, bundle, 'report.json'), 'utf8');
    const report = JSON.parse(reportText);
    expect(report.notes).toEqual(notes.map((line) => line.slice('note: '.length)));
    for (const run of report.runs) {
      expect(run.checks.find((check: { id: string }) => check.id === 'telemetry-schema').message).toMatch(
        /hal\.summary absent as SPEC_OPS_TELEMETRY_HAL=0 asks/,
      );
    }
    expect(`${reportText}${result.stdout}${result.stderr}`).not.toContain('kvd_user_secret_value');
  });

  it('says when an --env-file cannot be read (in process: Node 24 itself stops at a missing --env-file, see below)', async () => {
    for (const command of ['run', 'gaps']) {
      const err: string[] = [];
      const code = await harnessMain([command, '--env-file', join(scratch, 'no-such.env')], { stdout: () => {}, stderr: (text) => err.push(text) });
      expect(code).toBe(2);
      expect(err.join('')).toMatch(/--env-file .*no-such\.env: cannot read it \(no such file\); pass a file of KEY=VALUE lines/);
    }
    // Node 24 checks every --env-file on its command line before any script runs, the harness's too.
    const spawned = harness(['run', '--env-file', 'no-such.env']);
    expect(spawned.code).not.toBe(0);
    expect(spawned.stderr).toMatch(/no-such\.env/);
  });

  it('names the file and line of a bad --env-file line, and what to do', () => {
    const envFile = join(scratch, 'bad.env');
    writeFileSync(envFile, 'GOOD=1\n\nSPACED = 2\n');
    const result = harness(['run', '--env-file', envFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`guardrail-harness: ${envFile}:3: no spaces around "=" (write SPACED=VALUE; quote a value that starts with a space)`);
  });
});

describe('guardrail-harness check-telemetry', () => {
  const fixtures = new URL('../../fixtures/telemetry', import.meta.url).pathname;

  it('exits 0 on good telemetry and 1 with a line per problem on bad', () => {
    // The fixtures' artifact paths name files on the machine that wrote them: schema only.
    const good = harness(['check-telemetry', '--no-evidence', fixtures]);
    expect(good.stdout).toMatch(/files? checked, 0 problems/);
    expect(good.code).toBe(0);
    const bad = join(scratch, 'spec-validate_2026-11-24T10:00:00Z-1.json');
    spawnSync('bash', ['-c', `printf '%s' '{"command":"spec-ops-validate","specId":"S"}' > '${bad}'`]);
    const result = harness(['check-telemetry', bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/spec-validate_.*: .*sessionId/);
  });
});
