// guardrail-harness check-telemetry's command line, in process: the kit's usage errors
// and help. What it says about telemetry is test/harness/telemetry/check-telemetry.test.ts's.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECK_TELEMETRY_HELP } from '../../../harness/cli/check-telemetry-command.ts';
import { runHarnessCli } from '../../support/harness-cli.ts';
import { NODE, ROOT } from '../../support/mcp.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/telemetry/', import.meta.url));
/** A validate file that carries hal.summary: fine under --hal, a problem under --no-hal. */
const WITH_HAL_SUMMARY = join(FIXTURES, 'spec-validate_2025-09-29T16-34-21Z-229132461.json');
const exec = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'check-telemetry-command-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const checkTelemetry = (...args: string[]) => runHarnessCli(['check-telemetry', ...args]);

const usageError = (message: string) => ({
  code: 2,
  stdout: '',
  stderr: `guardrail-harness: ${message}\nRun guardrail-harness check-telemetry --help for usage.\n`,
});

describe('guardrail-harness check-telemetry usage errors exit 2, name the flag and point at --help', () => {
  it.each<[string[], string]>([
    [['--bogus', FIXTURES], "Unknown option '--bogus'"],
    [['--strcit', FIXTURES], "Unknown option '--strcit'; did you mean --strict?"],
    [['-x', FIXTURES], "Unknown option '-x'"],
    [[FIXTURES, '--repo'], '--repo needs a value: --repo VALUE'],
    [['--repo', '--strict', FIXTURES], '--repo needs a value, but the next argument is "--strict"; give one, or write --repo=--strict if that is the value'],
    [['--repo=', FIXTURES], '--repo needs a folder: the repository root relative artifact paths resolve from'],
    [['--repo', '', FIXTURES], '--repo needs a folder: the repository root relative artifact paths resolve from'],
    [['--repo='], '--repo needs a folder: the repository root relative artifact paths resolve from'],
    [['--strict=yes', FIXTURES], '--strict takes no value; write --strict alone'],
    [['--strict', '--outcome'], 'no PATH given; name one or more telemetry files or folders'],
  ])('%j', async (args, message) => {
    expect(await checkTelemetry(...args)).toEqual(usageError(message));
  });
});

describe('guardrail-harness check-telemetry --help', () => {
  it.each([[['--help']], [['-h']], [[FIXTURES, '--strict', '--help']]])('%j prints the usage on stdout, exit 0', async (args) => {
    const result = await checkTelemetry(...args);
    expect(result).toEqual({ code: 0, stdout: CHECK_TELEMETRY_HELP, stderr: '' });
    expect(result.stdout).toMatch(
      /^Usage: guardrail-harness check-telemetry \[--strict\] \[--outcome\] \[--repo DIR\] \[--no-evidence\] \[--hal \| --no-hal\] PATH\.\.\.\n/,
    );
    for (const flag of ['--strict', '--outcome', '--repo DIR', '--no-evidence', '--hal', '--no-hal']) expect(result.stdout).toContain(`\n  ${flag} `);
    expect(result.stdout).toMatch(/Exit status: 0 no problems, 1 problems found, 2 usage error\.\n$/);
  });

  it('loses to a bad option, as parsing comes first', async () => {
    expect(await checkTelemetry('--help', '--bogus')).toEqual(usageError("Unknown option '--bogus'"));
  });
});

describe('guardrail-harness check-telemetry --hal and --no-hal', () => {
  it('the last one given wins', async () => {
    expect(await checkTelemetry('--no-hal', '--hal', WITH_HAL_SUMMARY)).toMatchObject({ code: 0, stderr: '' });
    expect(await checkTelemetry('--no-hal', WITH_HAL_SUMMARY, '--hal')).toMatchObject({ code: 0, stderr: '' });
    const off = await checkTelemetry('--hal', '--no-hal', WITH_HAL_SUMMARY);
    expect(off.code).toBe(1);
    expect(off.stdout).toMatch(/: hal-flag: hal\.summary: expected no hal\.summary block because the run left SPEC_OPS_TELEMETRY_HAL unset/);
  });

  it('after "--", "--hal" is a file, not the flag (spawned, as the file is named relative to the current folder)', async () => {
    copyFileSync(WITH_HAL_SUMMARY, join(scratch, '--hal'));
    await expect(exec(NODE, [join(ROOT, 'harness', 'cli', 'main.ts'), 'check-telemetry', '--no-hal', '--', '--hal'], { cwd: scratch })).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/^--hal: hal-flag: hal\.summary: expected no hal\.summary block/),
    });
  });
});
