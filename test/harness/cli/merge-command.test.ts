// guardrail-harness merge's command line, in process: the kit's usage errors and help,
// not node:util's own messages.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MERGE_HELP } from '../../../harness/cli/merge-command.ts';
import { runHarnessCli } from '../../support/harness-cli.ts';

const scratch = mkdtempSync(join(tmpdir(), 'merge-command-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const merge = (...args: string[]) => runHarnessCli(['merge', ...args]);

const usageError = (message: string) => ({ code: 2, stdout: '', stderr: `guardrail-harness: ${message}\nRun guardrail-harness merge --help for usage.\n` });

describe('guardrail-harness merge usage errors exit 2, name the flag and point at --help', () => {
  it.each<[string[], string]>([
    [['--bogus', 'shard.json'], "Unknown option '--bogus'"],
    [['--junt', 'j.xml', 'shard.json'], "Unknown option '--junt'; did you mean --junit?"],
    [['shard.json', '--junit'], '--junit needs a value: --junit VALUE'],
    [['--report-json'], '--report-json needs a value: --report-json VALUE'],
    [
      ['--markdown', '--junit', 'j.xml', 'shard.json'],
      '--markdown needs a value, but the next argument is "--junit"; give one, or write --markdown=--junit if that is the value',
    ],
  ])('%j', async (args, message) => {
    expect(await merge(...args)).toEqual(usageError(message));
  });

  it('without a report, before writing anything', async () => {
    const junit = join(scratch, 'junit.xml');
    expect(await merge('--junit', junit)).toEqual(
      usageError('merge needs the report.json of each shard: guardrail-harness merge shard-1/report.json shard-2/report.json'),
    );
    expect(existsSync(junit)).toBe(false);
  });
});

describe('guardrail-harness merge --help', () => {
  it.each([[['--help']], [['-h']], [['shard-1.json', '--help']]])('%j prints the usage on stdout, exit 0', async (args) => {
    const result = await merge(...args);
    expect(result).toEqual({ code: 0, stdout: MERGE_HELP, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: guardrail-harness merge \[--report-json FILE\] \[--junit FILE\] \[--markdown FILE\] REPORT\.json\.\.\.\n/);
  });

  it('loses to a bad option, as parsing comes first', async () => {
    expect(await merge('--help', '--bogus')).toEqual(usageError("Unknown option '--bogus'"));
  });
});
