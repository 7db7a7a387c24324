// Seeds and case counts for the reliability suites. Fixed by default, so a run is
// repeatable; RELIABILITY_SEED and RELIABILITY_SCALE explore further on demand
// (e.g. RELIABILITY_SEED=$RANDOM RELIABILITY_SCALE=10 npx vitest run test/reliability).
export const SEED = Number(process.env.RELIABILITY_SEED ?? 7_007);
const SCALE = Number(process.env.RELIABILITY_SCALE ?? 1);

/** A stated number of cases, times the exploration scale. */
export function runs(count: number): number {
  return Math.max(1, Math.round(count * SCALE));
}
