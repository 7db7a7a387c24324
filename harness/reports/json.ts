// The machine-readable report: the HarnessReport with a fixed key order and nothing else,
// so other tools can diff two reports.
import { writeFileAtomic } from '../evidence/evidence.ts';
import type { CheckResult, HarnessReport } from '../run/types.ts';

export interface JsonReport {
  ok: boolean;
  specId: string;
  pairId: string;
  bundleDir: string;
  notes: string[];
  runs: {
    scenario: string;
    phase?: string;
    flow: string;
    exitCode: number | null;
    durationMs: number;
    evidenceDir: string;
    matrixIndex?: number;
    status?: string | null;
    expectedStatus?: 'passed' | 'failed';
    checks: Pick<CheckResult, 'id' | 'status' | 'ok' | 'message'>[];
  }[];
}

export function buildJsonReport(report: HarnessReport): JsonReport {
  return {
    ok: report.ok,
    specId: report.specId,
    pairId: report.pairId,
    bundleDir: report.bundleDir,
    notes: [...report.notes],
    runs: report.runs.map((run) => ({
      scenario: run.scenario,
      ...(run.phase !== undefined ? { phase: run.phase } : {}),
      flow: run.flow,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      evidenceDir: run.evidenceDir,
      ...(run.matrixIndex !== undefined ? { matrixIndex: run.matrixIndex } : {}),
      ...(run.status !== undefined ? { status: run.status } : {}),
      ...(run.expectedStatus !== undefined ? { expectedStatus: run.expectedStatus } : {}),
      checks: run.checks.map(({ id, status, ok, message }) => ({ id, status, ok, message })),
    })),
  };
}

export function renderJsonReport(report: HarnessReport): string {
  return `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
}

export async function writeJsonReport(path: string, report: HarnessReport): Promise<void> {
  await writeFileAtomic(path, renderJsonReport(report));
}
