// The mock-hal command line as a user runs it: a real process, real signals.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { BUNDLED_SCENARIO_NAMES } from '../../support/bundled-scenarios.ts';

const CLI = new URL('../../../mock-hal/cli/main.ts', import.meta.url).pathname;
const fixture = (name: string) => new URL(`../../fixtures/scenarios/${name}`, import.meta.url).pathname;

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mock-hal serve', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints one ready line, serves, and exits 0 on %s', async (signal) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--scenario', 'degraded', '--api-key', 'kvd_cli'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = (await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value as string;
    expect(line).toMatch(/^mock-hal listening on http:\/\/127\.0\.0\.1:\d+ \(scenario: degraded\)$/);
    const url = line.split(' ')[3] as string;
    expect((await fetch(`${url}/health`)).status).toBe(503);
    expect((await fetch(`${url}/api/v3/movie`, { headers: { apikey: 'kvd_cli' } })).status).toBe(500);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    expect(await exited).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('serves a scenario file given by path', async () => {
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--scenario', fixture('custom-outage.json')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = (await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next()).value as string;
    expect(line).toMatch(/\(scenario: custom-outage\)$/);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });

  it.each([
    [['serve', '--port', 'abc'], /--port must be a whole number/],
    [['serve', '--port', '70000'], /--port must be at most 65535/],
    [['serve', '--bogus'], /Unknown option '--bogus'/],
    [['serve', '--scenario', 'no-such'], /no scenario "no-such"/],
    [['serve', '--scenario', fixture('bad-status.json')], /endpoints\.list_movies\.status/],
    [['frobnicate'], /unknown command "frobnicate"; the commands are serve, proxy, scenarios, check, schema, record\nRun mock-hal --help for usage\./],
    [['serve', '--prot', '0'], /Unknown option '--prot'; did you mean --port\?\nRun mock-hal serve --help for usage\./],
  ])('%j exits 2 with a message that says what to do', (args, message) => {
    const result = run(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a port in use', async () => {
    const first = spawn(process.execPath, [CLI, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = (await createInterface({ input: first.stdout })[Symbol.asyncIterator]().next()).value as string;
    const port = line.match(/:(\d+) /)?.[1] as string;
    const second = run('serve', '--port', port);
    first.kill('SIGTERM');
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/EADDRINUSE.*pick another --port/);
  });
});

describe('mock-hal scenarios, check, --help', () => {
  it('lists every scenario with its description', () => {
    const result = run('scenarios');
    expect(result.code).toBe(0);
    const names = BUNDLED_SCENARIO_NAMES;
    for (const name of names) {
      expect(result.stdout).toMatch(new RegExp(`^${name} +\\S.+$`, 'm'));
    }
  });

  it('check passes good files and names the bad field', () => {
    expect(run('check', fixture('custom-outage.json'))).toMatchObject({ code: 0, stdout: expect.stringMatching(/ok \(scenario "custom-outage"/) });
    const bad = run('check', fixture('bad-status.json'), fixture('custom-outage.json'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad-status\.json: invalid scenario\n {2}- endpoints\.list_movies\.status: /);
    expect(run('check').code).toBe(2);
  });

  it('has --help everywhere', () => {
    expect(run('--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(/mock-hal serve/) });
    for (const command of ['serve', 'scenarios', 'check', 'schema', 'record']) {
      expect(run(command, '--help')).toMatchObject({ code: 0, stdout: expect.stringMatching(new RegExp(`Usage: mock-hal ${command}`)) });
    }
  });
});
