// Where a run's expectation came from, in each report a person reads: the console summary,
// the Markdown summary and the HTML page name the runs judged by their journal, and say
// nothing extra when every expectation is the scenario's.
import { describe, expect, it } from 'vitest';
import { type HtmlReportInput, type HtmlRun, renderHtmlReport } from '../../../harness/reports/html/index.ts';
import { renderConsoleSummary, renderMarkdown } from '../../../harness/reports/index.ts';
import type { HarnessReport, RunReport } from '../../../harness/run/types.ts';

const run = (partial: Partial<RunReport> & Pick<RunReport, 'scenario' | 'flow'>): RunReport => ({
  exitCode: 1,
  durationMs: 1500,
  evidenceDir: `/out/S/p/${partial.scenario}/${partial.flow}`,
  checks: [],
  ...partial,
});

const FLAKY = run({
  scenario: 'flaky',
  flow: 'validate',
  status: 'failed',
  expectedStatus: 'failed',
  expectedFrom: 'journal',
  expectedFailedChecks: ['graphql_ping'],
});
const WINDOW = run({
  scenario: 'flaky-window',
  phase: 'window',
  flow: 'audit',
  status: 'failed',
  expectedStatus: 'failed',
  expectedFrom: 'journal',
  expectedFailedChecks: ['indexer_test', 'graphql_ping'],
});
const HEALTHY = run({
  scenario: 'healthy',
  flow: 'validate',
  exitCode: 0,
  status: 'passed',
  expectedStatus: 'passed',
  expectedFrom: 'scenario',
  expectedFailedChecks: [],
});

const report = (runs: RunReport[]): HarnessReport => ({ ok: true, specId: 'SPEC-KIT-018', pairId: 'p', bundleDir: '/out/S/p', notes: [], runs });

describe('the console summary', () => {
  it('names each run judged by its journal, with what it expected', () => {
    expect(renderConsoleSummary(report([HEALTHY, FLAKY, WINDOW]))).toContain(
      '\nexpected from the journal: flaky validate failed [graphql_ping], flaky-window/window audit failed [indexer_test, graphql_ping]\n',
    );
    expect(renderConsoleSummary(report([HEALTHY]))).not.toContain('from the journal');
  });
});

describe('the Markdown summary', () => {
  it('lists each run judged by its journal in a section of its own', () => {
    expect(renderMarkdown(report([HEALTHY, FLAKY, WINDOW]))).toContain(
      '## Expected from the journal\n\n' +
        "These runs were judged by what the mock actually answered, not by the scenario's expect:\n\n" +
        '- flaky · validate: failed \\[graphql\\_ping\\]\n' +
        '- flaky-window/window · audit: failed \\[indexer\\_test, graphql\\_ping\\]\n',
    );
    expect(renderMarkdown(report([HEALTHY]))).not.toContain('from the journal');
  });
});

describe('the HTML page', () => {
  const htmlRun = (scenario: string, overrides: Partial<HtmlRun>): HtmlRun => ({
    scenario,
    flow: 'validate',
    exitCode: 1,
    durationMs: 1200,
    dir: `${scenario}/validate`,
    checks: [],
    reportedStatus: 'failed',
    expectedStatus: 'failed',
    telemetry: null,
    telemetryHref: null,
    journal: [],
    files: [],
    ...overrides,
  });
  const page = (runs: HtmlRun[]): string => {
    const input: HtmlReportInput = {
      ok: true,
      specId: 'SPEC-KIT-018',
      pairId: 'p',
      notes: [],
      runs,
      pairs: [],
      bundleFiles: [],
      problems: [],
      generatedAt: '2026-12-01T00:00:00Z',
    };
    return renderHtmlReport(input);
  };

  it('marks the expected status of a run judged by its journal, in the runs table and beside its telemetry', () => {
    const html = page([htmlRun('flaky', { expectedFrom: 'journal', expectedFailedChecks: ['graphql_ping'] })]);
    expect(html.match(/>from the journal: <code>graphql_ping<\/code><\/span>/g)).toHaveLength(2);
    expect(html).toContain('title="judged by what the mock answered, not by the scenario&#39;s expect"');
  });

  it("shows nothing extra for the scenario's own expectation, or a report that does not say", () => {
    expect(page([htmlRun('healthy', { expectedFrom: 'scenario', expectedFailedChecks: [] }), htmlRun('old', {})])).not.toContain('from the journal');
  });
});
