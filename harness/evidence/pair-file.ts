// pair.json: the bundle's index of runs per flow, with the status transition each flow
// showed (passed→failed→passed) next to the one a correct guardrail shows.
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { FLOWS, type Flow } from '../run/types.ts';
import { PAIR_FILE_NAME } from './bundle-names.ts';

export interface PairRunInput {
  scenario: string;
  phase?: string;
  flow: Flow;
  /** Status the telemetry reported (hal.summary.status or the scenario status); null when there was none. */
  status: string | null;
  /** Status a correct guardrail reports for this scenario/phase. */
  expectedStatus: 'passed' | 'failed';
  exitCode: number | null;
  /** Absolute, or already relative to the bundle. */
  evidenceDir: string;
}

export interface PairFlow {
  runs: {
    scenario: string;
    phase?: string;
    status: string | null;
    expectedStatus: 'passed' | 'failed';
    exitCode: number | null;
    evidenceDir: string;
  }[];
  /** Reported statuses in run order, e.g. "passed→failed→passed"; "none" where telemetry gave none. */
  transition: string;
  expectedTransition: string;
  matched: boolean;
}

export interface PairFile {
  specId: string;
  pairId: string;
  flows: Partial<Record<Flow, PairFlow>>;
}

export const TRANSITION_ARROW = '→';

export function transitionString(statuses: readonly (string | null)[]): string {
  return statuses.map((s) => s ?? 'none').join(TRANSITION_ARROW);
}

export function buildPairFile(bundleDir: string, runs: readonly PairRunInput[]): PairFile {
  const root = resolve(bundleDir);
  const flows: Partial<Record<Flow, PairFlow>> = {};
  // FLOWS order, not input order, so pair.json reads the same way every time.
  for (const flow of FLOWS) {
    const mine = runs.filter((run) => run.flow === flow);
    if (mine.length === 0) continue;
    const transition = transitionString(mine.map((run) => run.status));
    const expectedTransition = transitionString(mine.map((run) => run.expectedStatus));
    flows[flow] = {
      runs: mine.map((run) => {
        const rel = isAbsolute(run.evidenceDir) ? relative(root, run.evidenceDir) : run.evidenceDir;
        return {
          scenario: run.scenario,
          ...(run.phase !== undefined ? { phase: run.phase } : {}),
          status: run.status,
          expectedStatus: run.expectedStatus,
          exitCode: run.exitCode,
          // Forward slashes whatever the host, so the file means the same after upload.
          evidenceDir: rel.split(sep).join('/'),
        };
      }),
      transition,
      expectedTransition,
      matched: transition === expectedTransition,
    };
  }
  return { specId: basename(dirname(root)), pairId: basename(root), flows };
}

/** Writes `<bundleDir>/pair.json` and returns its path. */
export async function writePairFile(bundleDir: string, runs: readonly PairRunInput[]): Promise<string> {
  const path = join(bundleDir, PAIR_FILE_NAME);
  await writeFileAtomic(path, `${JSON.stringify(buildPairFile(bundleDir, runs), null, 2)}\n`);
  return path;
}
