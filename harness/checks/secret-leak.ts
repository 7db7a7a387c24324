// secret-leak: the API key the harness gave the scripts appears in none of their output
// and none of the files they wrote, all of which end up in the evidence bundle.
import { readFileSync, statSync } from 'node:fs';
import type { RunRecord } from '../run/types.ts';
import { type CheckResultOf, result } from './result.ts';

export type SecretLeakReason = 'not-found' | 'leaked';

/** Larger files are not read: no guardrail writes one, and reading it would stall the run. */
const MAX_SCANNED_BYTES = 16 * 1024 * 1024;

/** `seen.places`: "stdout", "stderr" and the absolute paths of the produced files holding the key. */
export function checkSecretLeak(run: RunRecord): CheckResultOf<SecretLeakReason> {
  const id = 'secret-leak';
  const places: string[] = [];
  if (run.stdout.includes(run.apiKey)) places.push('stdout');
  if (run.stderr.includes(run.apiKey)) places.push('stderr');
  for (const file of run.producedFiles) {
    try {
      if (statSync(file).size <= MAX_SCANNED_BYTES && readFileSync(file).includes(run.apiKey)) places.push(file);
    } catch {
      // A file the guardrail removed again cannot leak anything into the evidence.
    }
  }
  const detail = { expected: { places: [] }, seen: { places, scannedFiles: run.producedFiles.length } };
  return places.length === 0
    ? result(id, 'passed', `the API key appears in none of stdout, stderr and ${run.producedFiles.length} produced files`, { reason: 'not-found', ...detail })
    : result(id, 'failed', `the API key was written into ${places.join(', ')}`, { reason: 'leaked', ...detail });
}
