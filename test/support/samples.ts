// The recorded production samples (interfaces doc, section 5) live beside the project,
// in ../shared/reference/samples. CI has that folder. Elsewhere, tests that need it are
// skipped with the reason; under CI=true the presence test fails instead, so CI never
// passes with them skipped (the container tests do the same).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckName } from '../../common/hal-contract/routes.ts';

export const SAMPLES_DIR = fileURLToPath(new URL('../../../shared/reference/samples', import.meta.url));

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** null when the samples are here; otherwise what is missing. */
export const SAMPLES_SKIP_REASON: string | null = existsSync(join(SAMPLES_DIR, '20250929-163421Z-hal-health.json'))
  ? null
  : `the recorded production samples are missing: ${SAMPLES_DIR} (the shared reference folder beside the project; CI has it)`;

if (SAMPLES_SKIP_REASON !== null && !IN_CI) process.stderr.write(`sample tests skipped: ${SAMPLES_SKIP_REASON}\n`);

/** Title that carries the skip reason into the test report. */
export function samplesTitle(title: string): string {
  return SAMPLES_SKIP_REASON === null ? title : `${title} [skipped: ${SAMPLES_SKIP_REASON}]`;
}

/** The capture the production guardrails wrote for a check on a healthy day (2025-09-29 16:34:21Z). */
export function productionSample(check: CheckName): string {
  return readFileSync(join(SAMPLES_DIR, `20250929-163421Z-hal-${check}.json`), 'utf8');
}

/** The fallback capture the production guardrails wrote during the real outage (2025-09-29 11:47:08Z). */
export function outageHealthSample(): string {
  return readFileSync(join(SAMPLES_DIR, '20250929-114708Z-hal-health.json'), 'utf8');
}
