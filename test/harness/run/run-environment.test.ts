// --env and --env-file: what is accepted, what is refused (and how it says so), the
// order the variables apply in, and what the report shows of them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildRunEnvironment,
  collectUserEnv,
  describeUserEnvironment,
  EnvOptionError,
  parseEnvAssignment,
  parseEnvFile,
  readEnvFile,
  userEnvironmentNotes,
  validateEnvSettings,
} from '../../../harness/run/run-environment.ts';

const scratch = mkdtempSync(join(tmpdir(), 'run-environment-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('--env KEY=VALUE', () => {
  it.each([
    ['SPEC_OPS_HAL_SKIP=1', 'SPEC_OPS_HAL_SKIP', '1'],
    ['EMPTY=', 'EMPTY', ''],
    ['_x9=a=b=c', '_x9', 'a=b=c'],
    ['Q="kept"', 'Q', '"kept"'],
    ['SPACES= a b ', 'SPACES', ' a b '],
  ])('%s sets %s to the literal rest after the first =', (text, name, value) => {
    expect(parseEnvAssignment(text)).toEqual({ name, value, source: '--env' });
  });

  it.each([
    ['NOEQUALS', /--env "NOEQUALS": expected KEY=VALUE/],
    ['=value', /"" is not a shell variable name/],
    ['1ABC=x', /"1ABC" is not a shell variable name \(letters, digits and _, not starting with a digit\)/],
    ['MY-VAR=x', /"MY-VAR" is not a shell variable name/],
    ['A B=x', /"A B" is not a shell variable name/],
    ['NUL=a\0b', /NUL character/],
  ])('refuses %j with a message that says what to write', (text, message) => {
    expect(() => parseEnvAssignment(text)).toThrow(EnvOptionError);
    expect(() => parseEnvAssignment(text)).toThrow(message);
  });
});

describe('--env-file', () => {
  it('reads KEY=VALUE lines; # comments, blank lines, CRLF, indentation and export are fine; quotes around a whole value go', () => {
    const text = [
      '# a comment',
      '',
      '   ',
      'PLAIN=value with spaces and # not a comment',
      '  INDENTED=yes  ',
      'export EXPORTED=1',
      'DQ="  padded  "',
      "SQ='$HOME \\n stays'",
      'EMPTY=',
      'EMPTY_QUOTED=""',
      'INNER=a"b"c',
      'WINDOWS=crlf\r',
      '    # an indented comment',
    ].join('\n');
    expect(parseEnvFile(text, 'ci.env')).toEqual([
      { name: 'PLAIN', value: 'value with spaces and # not a comment', source: 'ci.env:4' },
      { name: 'INDENTED', value: 'yes', source: 'ci.env:5' },
      { name: 'EXPORTED', value: '1', source: 'ci.env:6' },
      { name: 'DQ', value: '  padded  ', source: 'ci.env:7' },
      { name: 'SQ', value: '$HOME \\n stays', source: 'ci.env:8' },
      { name: 'EMPTY', value: '', source: 'ci.env:9' },
      { name: 'EMPTY_QUOTED', value: '', source: 'ci.env:10' },
      { name: 'INNER', value: 'a"b"c', source: 'ci.env:11' },
      { name: 'WINDOWS', value: 'crlf', source: 'ci.env:12' },
    ]);
  });

  it.each([
    ['OK=1\nJUST_A_NAME\n', /^bad\.env:2: expected KEY=VALUE, got "JUST_A_NAME"; comment it out with # or write KEY=VALUE/],
    ['KEY = value\n', /^bad\.env:1: no spaces around "=" \(write KEY=VALUE; quote a value that starts with a space\)/],
    ['KEY= value\n', /^bad\.env:1: no spaces around "="/],
    ['\n\n2BAD=x\n', /^bad\.env:3: "2BAD" is not a shell variable name/],
    ['my.var=x\n', /^bad\.env:1: "my\.var" is not a shell variable name/],
    ['OPEN="no end\n', /^bad\.env:1: the value of OPEN starts with " but does not end with it; quote the whole value or none of it/],
    ['MIXED=\'a"\n', /^bad\.env:1: the value of MIXED starts with ' but does not end with it/],
    ['LONE="\n', /^bad\.env:1: the value of LONE starts with "/],
  ])('refuses %j naming file:line and what to do', (text, message) => {
    expect(() => parseEnvFile(text, 'bad.env')).toThrow(message);
  });

  it('says when the file cannot be read', async () => {
    await expect(readEnvFile(join(scratch, 'missing.env'))).rejects.toThrow(
      /--env-file .*missing\.env: cannot read it \(no such file\); pass a file of KEY=VALUE lines/,
    );
    await expect(readEnvFile(scratch)).rejects.toThrow(/cannot read it \(it is a folder\)/);
  });

  it('applies files first, in order, then --env flags: the command line wins', async () => {
    const one = join(scratch, 'one.env');
    const two = join(scratch, 'two.env');
    writeFileSync(one, 'A=from-one\nB=from-one\n');
    writeFileSync(two, 'B=from-two\nC=from-two\n');
    const settings = await collectUserEnv([one, two], ['C=from-flag']);
    expect(settings.map((setting) => `${setting.name}=${setting.value}@${setting.source.replace(scratch, '')}`)).toEqual([
      'A=from-one@/one.env:1',
      'B=from-one@/one.env:2',
      'B=from-two@/two.env:1',
      'C=from-two@/two.env:2',
      'C=from-flag@--env',
    ]);
    expect(buildRunEnvironment({}, settings).userEnv).toEqual({ A: 'from-one', B: 'from-two', C: 'from-flag' });
  });
});

describe('the environment a run gets', () => {
  it("is the caller's without SPEC_OPS_* and HAL_SECRET_*, then the harness's, then the user's, which win", () => {
    process.env.SPEC_OPS_FROM_CALLER = 'dropped';
    process.env.HAL_SECRET_FROM_CALLER = 'dropped';
    try {
      const { env, userEnv, overridden } = buildRunEnvironment({ SPEC_OPS_TELEMETRY_HAL: '1', SPEC_OPS_HAL_BASE_URL: 'http://mock' }, [
        { name: 'SPEC_OPS_TELEMETRY_HAL', value: '0', source: '--env' },
        { name: 'SPEC_OPS_FROM_CALLER', value: 'set again', source: '--env' },
      ]);
      expect(env.SPEC_OPS_TELEMETRY_HAL).toBe('0');
      expect(env.SPEC_OPS_HAL_BASE_URL).toBe('http://mock');
      expect(env.SPEC_OPS_FROM_CALLER).toBe('set again');
      expect(env.HAL_SECRET_FROM_CALLER).toBeUndefined();
      expect(env.PATH).toBe(process.env.PATH);
      expect(userEnv).toEqual({ SPEC_OPS_TELEMETRY_HAL: '0', SPEC_OPS_FROM_CALLER: 'set again' });
      expect(overridden).toEqual(['SPEC_OPS_TELEMETRY_HAL']);
    } finally {
      delete process.env.SPEC_OPS_FROM_CALLER;
      delete process.env.HAL_SECRET_FROM_CALLER;
    }
  });

  it('refuses bad names from library callers too', () => {
    expect(() => validateEnvSettings([{ name: 'BAD NAME', value: 'x', source: 'options.env' }])).toThrow(
      /options\.env: "BAD NAME" is not a shell variable name/,
    );
  });
});

describe('what the report shows', () => {
  const runs = [
    { label: 'healthy/plan', apiKey: 'kvd_harness_aaa', overridden: ['SPEC_OPS_TELEMETRY_HAL'] },
    { label: 'degraded/plan', apiKey: 'kvd_harness_bbb', overridden: ['SPEC_OPS_TELEMETRY_HAL', 'SPEC_OPS_BASELINE_FORCE_FAIL'] },
  ];

  it('lists every setting with its source, redacting secrets, and the harness variables replaced per run', () => {
    const report = describeUserEnvironment(
      [
        { name: 'SPEC_OPS_TELEMETRY_HAL', value: '0', source: '--env' },
        { name: 'HAL_SECRET_KAVEDARR_API_KEY', value: 'kvd_mine', source: 'ci.env:1' },
        { name: 'SPEC_OPS_HAL_SECRET_ENV', value: 'MY_KEY_VAR', source: '--env' },
        { name: 'MY_KEY_VAR', value: 'named by SPEC_OPS_HAL_SECRET_ENV', source: '--env' },
        { name: 'GITHUB_TOKEN', value: 'ghp_x', source: '--env' },
        { name: 'COPIED', value: 'kvd_harness_bbb', source: '--env' },
        { name: 'SPEC_OPS_BASELINE_FORCE_FAIL', value: '0', source: '--env' },
      ],
      runs,
    );
    expect(report.set.map((setting) => `${setting.name}=${setting.value}`)).toEqual([
      'SPEC_OPS_TELEMETRY_HAL=0',
      'HAL_SECRET_KAVEDARR_API_KEY=[REDACTED]',
      'SPEC_OPS_HAL_SECRET_ENV=MY_KEY_VAR',
      'MY_KEY_VAR=[REDACTED]',
      'GITHUB_TOKEN=[REDACTED]',
      'COPIED=[REDACTED]',
      'SPEC_OPS_BASELINE_FORCE_FAIL=0',
    ]);
    expect(report.overridden).toEqual([
      { name: 'SPEC_OPS_TELEMETRY_HAL', runs: ['healthy/plan', 'degraded/plan'] },
      { name: 'SPEC_OPS_BASELINE_FORCE_FAIL', runs: ['degraded/plan'] },
    ]);
    const notes = userEnvironmentNotes(report, runs.length).join('\n');
    expect(notes).toMatch(/--env: the scripts got SPEC_OPS_TELEMETRY_HAL=0 \(--env\), HAL_SECRET_KAVEDARR_API_KEY=\[REDACTED\] \(ci\.env:1\)/);
    expect(notes).toMatch(/--env replaced the harness's own SPEC_OPS_TELEMETRY_HAL \(every run\), SPEC_OPS_BASELINE_FORCE_FAIL \(degraded\/plan\)/);
    expect(notes).not.toMatch(/kvd_mine|ghp_x|kvd_harness_bbb|named by/);
  });

  it('says nothing when the user set nothing', () => {
    expect(userEnvironmentNotes(describeUserEnvironment([], runs), 2)).toEqual([]);
  });
});
