// Whether the container tests can run here: a Docker engine and the mock-hal:local image.
// Without them the suites are skipped with the reason, except under CI=true, where the
// prerequisite test fails instead (CI must never pass with the container tests skipped).
import { DEFAULT_MOCK_HAL_IMAGE, dockerAvailable, mockHalImageAvailable } from '../../mock-hal/container/container.ts';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

async function findSkipReason(): Promise<string | null> {
  const docker = await dockerAvailable();
  if (!docker.ok) return docker.reason;
  if (!(await mockHalImageAvailable(DEFAULT_MOCK_HAL_IMAGE))) {
    return `image ${DEFAULT_MOCK_HAL_IMAGE} is missing: run npm run image (ci/build-image.sh)`;
  }
  return null;
}

/** null when the container tests can run; otherwise what is missing and what to do. */
export const SKIP_REASON = await findSkipReason();

if (SKIP_REASON !== null && !IN_CI) {
  process.stderr.write(`container tests skipped: ${SKIP_REASON}\n`);
}

/** Suite title that carries the skip reason into the test report. */
export function suiteTitle(title: string): string {
  return SKIP_REASON === null ? title : `${title} [skipped: ${SKIP_REASON}]`;
}
