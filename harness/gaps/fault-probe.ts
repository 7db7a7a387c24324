// One harness call with a fault injected through BASH_ENV: prepares the fault, runs the
// scripts with it, keeps the fault file and its log in the bundle, and removes the rest.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../common/atomic-files.ts';
import { type FaultEvent, type FaultRequest, prepareFault } from '../run/fault-injection.ts';
import { type HarnessOptions, runHarness } from '../run/runner.ts';
import type { EnvSetting, HarnessReport } from '../run/types.ts';

export interface FaultProbeResult {
  report: HarnessReport;
  events: FaultEvent[];
  description: string;
}

/** Kept in the bundle next to pair.json: the exact BASH_ENV file and what it recorded. */
export const FAULT_FILE_NAME = 'fault-injection.sh';
export const FAULT_LOG_NAME = 'fault-log.jsonl';

/** The BASH_ENV the scripts would read without the fault: the user's --env, else the caller's own. */
function bashEnvToChain(env: readonly EnvSetting[]): string | undefined {
  const chained = env.findLast((setting) => setting.name === 'BASH_ENV')?.value ?? process.env.BASH_ENV;
  return chained === undefined || chained === '' ? undefined : chained;
}

export async function runWithFault(fault: FaultRequest, options: HarnessOptions): Promise<FaultProbeResult> {
  const chain = bashEnvToChain(options.env ?? []);
  const prepared = await prepareFault(fault, chain === undefined ? {} : { chainBashEnv: chain });
  try {
    const report = await runHarness({ ...options, env: [...(options.env ?? []), ...prepared.env] });
    await writeFileAtomic(join(report.bundleDir, FAULT_FILE_NAME), readFileSync(prepared.bashEnvFile, 'utf8'));
    await writeFileAtomic(join(report.bundleDir, FAULT_LOG_NAME), readFileSync(prepared.logFile, 'utf8'));
    report.notes.push(`fault injected through BASH_ENV (${FAULT_FILE_NAME} in this bundle): ${prepared.description}`);
    return { report, events: prepared.events(), description: prepared.description };
  } finally {
    await prepared.remove();
  }
}
