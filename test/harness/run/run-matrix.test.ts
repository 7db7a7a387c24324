// The run matrix decided before anything starts: preflight's refusals (each naming
// the problem and the fix), the (flow, scenario, phase) expansion, sharding, and
// which scenarios hang (so call_tool's timeout is shortened for them).
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { expandRuns, HarnessSetupError, preflight, SCRIPTS_DIR, scenarioHangs, shardRuns } from '../../../harness/run/run-matrix.ts';
import { type Behaviour, parseScenario, type Scenario } from '../../../mock-hal/index.ts';

const base = mkdtempSync(join(tmpdir(), 'run-matrix-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

let dirs = 0;
/** A PATH folder holding these names as files; executable unless listed in `notExecutable`. */
function pathWith(tools: string[], notExecutable: string[] = []): string {
  const dir = join(base, `bin${dirs++}`);
  mkdirSync(dir);
  for (const tool of [...tools, ...notExecutable]) {
    writeFileSync(join(dir, tool), '#!/bin/sh\n');
    chmodSync(join(dir, tool), notExecutable.includes(tool) ? 0o644 : 0o755);
  }
  return dir;
}
/** A repository holding the scripts of these flows' stages. */
function repoWith(scripts: string[]): string {
  const dir = join(base, `repo${dirs++}`);
  mkdirSync(join(dir, SCRIPTS_DIR), { recursive: true });
  for (const script of scripts) writeFileSync(join(dir, SCRIPTS_DIR, script), '#!/bin/bash\n');
  return dir;
}
function setupError(run: () => void): HarnessSetupError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HarnessSetupError);
    expect((error as Error).name).toBe('HarnessSetupError');
    return error as HarnessSetupError;
  }
  throw new Error('expected a HarnessSetupError');
}

describe('preflight', () => {
  it('names every missing tool and the command that installs them', () => {
    vi.stubEnv('PATH', pathWith([]));
    expect(setupError(() => preflight(base, ['validate'])).message).toBe(
      'the guardrail scripts need bash, git, jq on PATH; install them (on Debian: apt-get install -y bash git jq)',
    );
  });

  it('one missing tool is "it"; a file without the execute bit does not count, and empty PATH entries are skipped', () => {
    vi.stubEnv('PATH', ['', pathWith(['bash', 'git'], ['jq']), ''].join(':'));
    expect(setupError(() => preflight(base, ['validate'])).message).toBe(
      'the guardrail scripts need jq on PATH; install it (on Debian: apt-get install -y jq)',
    );
  });

  it('finds tools spread over several PATH folders', () => {
    vi.stubEnv('PATH', [pathWith(['bash']), pathWith(['git']), pathWith(['jq'])].join(':'));
    expect(() => preflight(repoWith(['spec_ops_validate.sh']), ['validate'])).not.toThrow();
  });

  it('--repo must be a folder', () => {
    vi.stubEnv('PATH', pathWith(['bash', 'git', 'jq']));
    const missing = join(base, 'no-such-repo');
    expect(setupError(() => preflight(missing, ['validate'])).message).toBe(
      `--repo ${missing} is not a folder; point it at the root of a guardrail repository`,
    );
    const file = join(base, 'a-file');
    writeFileSync(file, '');
    expect(setupError(() => preflight(file, ['validate'])).message).toBe(`--repo ${file} is not a folder; point it at the root of a guardrail repository`);
  });

  it("names each requested flow's missing script, and only those", () => {
    vi.stubEnv('PATH', pathWith(['bash', 'git', 'jq']));
    const repo = repoWith(['spec_ops_validate.sh']);
    expect(() => preflight(repo, ['validate'])).not.toThrow();
    expect(setupError(() => preflight(repo, ['plan', 'validate', 'audit'])).message).toBe(
      `${repo} has no ${SCRIPTS_DIR}/spec_ops_plan.sh, ${SCRIPTS_DIR}/spec_ops_audit.sh; is --repo the root of a guardrail repository?`,
    );
  });
});

const steady = (name: string, endpoints: Record<string, Behaviour> = {}): Scenario =>
  parseScenario({ name, description: name, endpoints, expect: { status: 'passed' } });
const timeline = (name: string, ...phases: Record<string, Behaviour>[]): Scenario =>
  parseScenario({
    name,
    description: name,
    phases: phases.map((endpoints, index) => ({
      durationMs: 1000,
      endpoints,
      expect: index === 0 ? { status: 'passed' } : { status: 'failed', failedChecks: ['health'] },
    })),
  });

describe('expandRuns', () => {
  it('orders runs flow by flow, then scenario, then phase; phase indexes only for timelines', () => {
    const healthy = steady('healthy');
    const window = timeline('window', {}, { health: { type: 'status', status: 503 } });
    const runs = expandRuns([healthy, window], ['validate', 'audit']);
    expect(runs.map((run) => [run.matrixIndex, run.flow, run.scenario.name, run.phaseIndex])).toEqual([
      [0, 'validate', 'healthy', undefined],
      [1, 'validate', 'window', 0],
      [2, 'validate', 'window', 1],
      [3, 'audit', 'healthy', undefined],
      [4, 'audit', 'window', 0],
      [5, 'audit', 'window', 1],
    ]);
    expect(runs[2]?.expect).toEqual({ status: 'failed', failedChecks: ['health'] });
    expect(runs[0]?.expect).toEqual({ status: 'passed', failedChecks: [] });
    expect(runs[1]?.scenario).toBe(window);
  });

  it('is empty without flows or scenarios', () => {
    expect(expandRuns([steady('healthy')], [])).toEqual([]);
    expect(expandRuns([], ['validate'])).toEqual([]);
  });
});

describe('shardRuns', () => {
  it('without a shard gives a copy of every run', () => {
    const runs = [1, 2, 3];
    const all = shardRuns(runs, undefined);
    expect(all).toEqual([1, 2, 3]);
    expect(all).not.toBe(runs);
  });

  it('the shards 1..N partition the matrix, each in order, sizes differing by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 9 }), (count, total) => {
        const runs = Array.from({ length: count }, (_, index) => index);
        const shards = Array.from({ length: total }, (_, index) => shardRuns(runs, { index: index + 1, total }));
        const sizes = shards.map((shard) => shard.length);
        return (
          shards
            .flat()
            .sort((a, b) => a - b)
            .join() === runs.join() &&
          shards.every((shard) => shard.every((run, i) => i === 0 || run > (shard[i - 1] as number))) &&
          Math.max(...sizes) - Math.min(...sizes) <= 1
        );
      }),
      { seed: 69, numRuns: 200 },
    );
  });

  it('shard 1/1 is the whole matrix; a shard past the matrix is empty', () => {
    expect(shardRuns(['a', 'b'], { index: 1, total: 1 })).toEqual(['a', 'b']);
    expect(shardRuns(['a', 'b'], { index: 3, total: 3 })).toEqual([]);
  });
});

describe('scenarioHangs', () => {
  it.each<[string, Behaviour, boolean]>([
    ['hang', { type: 'hang' }, true],
    ['a delay of 30 s', { type: 'delay', ms: 30_000, then: { type: 'ok' } }, true],
    ['a delay just under 30 s', { type: 'delay', ms: 29_999, then: { type: 'ok' } }, false],
    ['a short delay, then a hang', { type: 'delay', ms: 10, then: { type: 'delay', ms: 5, then: { type: 'hang' } } }, true],
    ['reset', { type: 'reset' }, false],
    ['a 503', { type: 'status', status: 503 }, false],
    ['a delay whose jitter reaches 30 s', { type: 'delay', ms: 20_000, jitter: 10_000, then: { type: 'ok' } }, true],
    ['a flaky that sometimes hangs', { type: 'flaky', rate: 0.1, fail: { type: 'hang' } }, true],
    ['a flaky whose otherwise hangs', { type: 'flaky', rate: 0.9, fail: { type: 'reset' }, otherwise: { type: 'hang' } }, true],
    ['a flaky that resets', { type: 'flaky', rate: 0.5, fail: { type: 'reset' } }, false],
    ['a sequence with a hanging step', { type: 'sequence', steps: [{ type: 'ok' }, { type: 'hang' }] }, true],
    ['a sequence that hangs after its steps', { type: 'sequence', steps: [{ type: 'ok' }], then: { type: 'hang' } }, true],
    ['a sequence that never hangs', { type: 'sequence', steps: [{ type: 'ok' }, { type: 'reset' }] }, false],
  ])('%s: %s', (_, behaviour, hangs) => {
    expect(scenarioHangs(steady('s', { graphql_ping: behaviour }))).toBe(hangs);
  });

  it('a timeline hangs when any phase does, not only the first', () => {
    expect(scenarioHangs(timeline('t', {}, {}, { list_movies: { type: 'hang' } }))).toBe(true);
    expect(scenarioHangs(timeline('t', {}, { list_movies: { type: 'reset' } }))).toBe(false);
  });

  it('a scenario that answers everything does not', () => {
    expect(scenarioHangs(steady('healthy'))).toBe(false);
  });
});
