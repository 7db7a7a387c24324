// The harness's healthy/degraded pair with the mock in a container: the reference
// guardrail scripts reach it over the published port, through runHarness's mockFactory.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockFactory, runHarness } from '../../../harness/run/runner.ts';
import { startMockHalContainer } from '../../../mock-hal/container/container.ts';
import { SKIP_REASON, suiteTitle } from '../../support/container-prerequisites.ts';

describe.skipIf(SKIP_REASON !== null)(suiteTitle('guardrail harness against the containerised mock'), () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'container-pair-'));
  });
  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('runs the healthy/degraded pair: healthy passes, degraded fails, every check holds', async () => {
    const containers: Array<{ scenario: string; id: string; url: string }> = [];
    const mockFactory: MockFactory = async (scenario, apiKey) => {
      const mock = await startMockHalContainer({ scenario, apiKey });
      containers.push({ scenario: scenario.name, id: mock.containerId, url: mock.url });
      return mock;
    };
    const report = await runHarness({
      scenarios: ['healthy', 'degraded'],
      flows: ['validate', 'audit'],
      out,
      concurrency: 2,
      mockFactory,
    });

    const failed = report.runs.flatMap((run) =>
      run.checks.filter((check) => check.ok === false).map((check) => `${run.scenario}/${run.flow}: ${JSON.stringify(check)}`),
    );
    expect(failed).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.runs.map((run) => `${run.scenario}/${run.flow}`).sort()).toEqual([
      'degraded/audit',
      'degraded/validate',
      'healthy/audit',
      'healthy/validate',
    ]);
    // One container per run, each on its own published port.
    expect(containers).toHaveLength(4);
    expect(new Set(containers.map((container) => container.id)).size).toBe(4);
    expect(containers.every((container) => !container.url.startsWith('http://127.0.0.1:0'))).toBe(true);
    expect(existsSync(report.bundleDir)).toBe(true);
  }, 180_000);
});
