// `mock-hal check` on scenario files with the per-request behaviours (flaky, sequence,
// delay jitter), as a user runs it: a real process; a bad field is named with its path.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIOS_DIR } from '../../../mock-hal/scenario/scenario-store.ts';

const CLI = new URL('../../../mock-hal/cli/main.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'check-behaviours-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function scenarioFile(name: string, endpoints: Record<string, unknown>): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ name, description: 'under test', endpoints, expect: { status: 'failed', failedChecks: ['graphql_ping'] } }));
  return file;
}

describe('mock-hal check with flaky, sequence and jitter', () => {
  it('passes the bundled flaky scenarios and a good file', () => {
    const good = scenarioFile('good-flaky', {
      graphql_ping: { type: 'flaky', rate: 0.2, seed: 4, fail: { type: 'reset' } },
      list_movies: { type: 'sequence', steps: [{ type: 'ok' }, { type: 'delay', ms: 10, jitter: 5, then: { type: 'hang' } }] },
    });
    const result = run('check', good, join(DEFAULT_SCENARIOS_DIR, 'flaky.json'), join(DEFAULT_SCENARIOS_DIR, 'flaky-window.json'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/good-flaky\.json: ok \(scenario "good-flaky", 1 phase\)/);
    expect(result.stdout).toMatch(/flaky\.json: ok \(scenario "flaky", 1 phase\)/);
    expect(result.stdout).toMatch(/flaky-window\.json: ok \(scenario "flaky-window", 3 phases\)/);
  });

  it('names each bad field of each bad file, and fails', () => {
    const rate = scenarioFile('bad-rate', { graphql_ping: { type: 'flaky', rate: 1.5, fail: { type: 'reset' } } });
    const steps = scenarioFile('bad-steps', { list_movies: { type: 'sequence', steps: [] } });
    const nested = scenarioFile('bad-nested', {
      health: { type: 'sequence', steps: [{ type: 'ok' }, { type: 'delay', ms: 1, jitter: -1, then: { type: 'ok' } }] },
      indexer_test: { type: 'flaky', rate: 0.5, fail: { type: 'reset' }, sede: 3 },
    });
    const result = run('check', rate, steps, nested);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/bad-rate\.json: invalid scenario\n {2}- endpoints\.graphql_ping\.rate: /);
    expect(result.stderr).toMatch(/bad-steps\.json: invalid scenario\n {2}- endpoints\.list_movies\.steps: /);
    expect(result.stderr).toMatch(/bad-nested\.json: invalid scenario\n/);
    expect(result.stderr).toMatch(/^ {2}- endpoints\.health\.steps\[1\]\.jitter: /m);
    expect(result.stderr).toMatch(/^ {2}- endpoints\.indexer_test: Unrecognized key: "sede"/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
