// startMockHalContainer: the mock HAL in a container (testcontainers), resolving to the
// same handle as startMockHal, so a test can swap one for the other.
//
// The image is mock-hal:local, built FROM scratch by ci/build-image.sh (`npm run image`);
// no registry is needed. The container listens on 7878, published on a random host port.
//
// Ryuk, testcontainers' reaper, is an image (testcontainers/ryuk) that machines without a
// registry cannot pull. Unless TESTCONTAINERS_RYUK_DISABLED is already set, importing this
// module sets it to "true" for the process; set TESTCONTAINERS_RYUK_DISABLED=false before
// the import where the reaper can be pulled. Without the reaper nothing removes a container
// whose test process died: call close() (it always stops and removes the container), and
// clean up after a crash with
//   docker rm -f $(docker ps -aq --filter label=guardrail-testkit.mock-hal=true)
import { randomBytes } from 'node:crypto';
import type { ActivateOptions } from '../scenario/scenario-engine.ts';
import type { Scenario, ScenarioInput } from '../scenario/scenario-model.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR } from '../scenario/scenario-store.ts';
import { DEFAULT_API_KEY } from '../server/auth.ts';
import type { JournalEntry } from '../server/journal.ts';
import { type MockHalHandle, toScenario } from '../server/server.ts';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const DEFAULT_MOCK_HAL_IMAGE = 'mock-hal:local';
/** The port the image listens on (0.0.0.0 inside the container). */
export const MOCK_HAL_CONTAINER_PORT = 7878;
/** Every container this module starts carries this label (see the cleanup command above). */
export const MOCK_HAL_CONTAINER_LABEL = 'guardrail-testkit.mock-hal';

export interface StartMockHalContainerOptions {
  /**
   * A bundled scenario name (passed as MOCK_HAL_SCENARIO), or a scenario file path or object,
   * which is validated here and copied into the container. Default "healthy".
   */
  scenario?: string | Scenario | ScenarioInput;
  /** Where names are looked up when a path or object must be validated here. */
  scenariosDir?: string;
  /** The key the mock's API accepts (MOCK_HAL_API_KEY). Default: the mock's default key. */
  apiKey?: string;
  /** Image to run. Default mock-hal:local. */
  image?: string;
  /**
   * Control API token (MOCK_HAL_CONTROL_TOKEN). The host is not loopback as seen from the
   * container, so the control API needs one; a random one is made when none is given.
   */
  controlToken?: string;
  /** Milliseconds to wait for /__mock/ready. Default 30 000. */
  startupTimeoutMs?: number;
  /** Extra `mock-hal serve` flags, e.g. ['--journal-size', '5000']. */
  serveArgs?: string[];
}

export interface MockHalContainer extends MockHalHandle {
  /** Where the published port answers (usually localhost). */
  host: string;
  /** The host port mapped to the container's 7878. */
  port: number;
  apiKey: string;
  controlToken: string;
  containerId: string;
  image: string;
  /** GET /__mock/scenario: the active scenario, its phase and expectation. */
  scenarioState(): Promise<unknown>;
  /** The container's output so far (stdout then stderr), for diagnosing a failed test. */
  logs(): Promise<string>;
}

/** Why no container could be started, with what to do about it. */
export class MockHalContainerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MockHalContainerError';
  }
}

type Testcontainers = typeof import('testcontainers');

async function loadTestcontainers(): Promise<Testcontainers> {
  try {
    return await import('testcontainers');
  } catch (error) {
    throw new MockHalContainerError('the testcontainers package is not installed: npm install testcontainers', { cause: error });
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a Docker (or compatible) engine answers, and if not, why. */
export async function dockerAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const { getContainerRuntimeClient } = await loadTestcontainers();
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `no Docker engine answers (${describeError(error)}): run ci/start-docker.sh, or start Docker and set DOCKER_HOST` };
  }
}

/** Whether the image is present in the engine (it is never pulled). */
export async function mockHalImageAvailable(image = DEFAULT_MOCK_HAL_IMAGE): Promise<boolean> {
  const { getContainerRuntimeClient, ImageName } = await loadTestcontainers();
  const client = await getContainerRuntimeClient();
  return client.image.exists(ImageName.fromString(image));
}

function isBundledName(scenario: string): boolean {
  return !/[\\/]/.test(scenario) && !scenario.endsWith('.json');
}

/** What PUT /__mock/scenario takes: {"name"} for bundled names, else the whole scenario. */
function scenarioBody(scenario: string | Scenario | ScenarioInput, scenariosDir: string): unknown {
  if (typeof scenario === 'string' && isBundledName(scenario)) return { name: scenario };
  // Files are read here: the container cannot see this machine's paths.
  const { source: _source, ...document } = toScenario(scenario, scenariosDir) as Scenario & { source?: string };
  return document;
}

export async function startMockHalContainer(options: StartMockHalContainerOptions = {}): Promise<MockHalContainer> {
  const image = options.image ?? DEFAULT_MOCK_HAL_IMAGE;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const controlToken = options.controlToken ?? randomBytes(24).toString('hex');
  const scenariosDir = options.scenariosDir ?? DEFAULT_SCENARIOS_DIR;
  const scenario = options.scenario ?? DEFAULT_SCENARIO;
  if (apiKey === '') throw new MockHalContainerError('apiKey cannot be empty');

  const { GenericContainer, Wait, getContainerRuntimeClient, ImageName } = await loadTestcontainers();
  let client: Awaited<ReturnType<typeof getContainerRuntimeClient>>;
  try {
    client = await getContainerRuntimeClient();
  } catch (error) {
    throw new MockHalContainerError(
      `no Docker engine answers (${describeError(error)}): run ci/start-docker.sh (as root), or start Docker and set DOCKER_HOST`,
      { cause: error },
    );
  }
  if (!(await client.image.exists(ImageName.fromString(image)))) {
    throw new MockHalContainerError(
      image === DEFAULT_MOCK_HAL_IMAGE
        ? `image ${image} is missing: run npm run image (ci/build-image.sh builds it FROM scratch, no registry needed)`
        : `image ${image} is missing in the Docker engine: build or load it first (it is not pulled)`,
    );
  }

  const environment: Record<string, string> = { MOCK_HAL_API_KEY: apiKey, MOCK_HAL_CONTROL_TOKEN: controlToken };
  let definition = new GenericContainer(image)
    .withExposedPorts(MOCK_HAL_CONTAINER_PORT)
    .withLabels({ [MOCK_HAL_CONTAINER_LABEL]: 'true' })
    .withWaitStrategy(Wait.forHttp('/__mock/ready', MOCK_HAL_CONTAINER_PORT).forStatusCode(200))
    .withStartupTimeout(options.startupTimeoutMs ?? 30_000);
  if (typeof scenario === 'string' && isBundledName(scenario)) {
    environment.MOCK_HAL_SCENARIO = scenario;
  } else {
    // Validated here (a bad file fails fast, naming the field), read inside from a copy.
    const target = '/tmp/mock-hal-scenario.json';
    const content = `${JSON.stringify(scenarioBody(scenario, scenariosDir))}\n`;
    definition = definition.withCopyContentToContainer([{ content, target, mode: 0o644 }]);
    environment.MOCK_HAL_SCENARIO = target;
  }
  definition = definition.withEnvironment(environment);
  if (options.serveArgs && options.serveArgs.length > 0) definition = definition.withCommand(options.serveArgs);

  let container: Awaited<ReturnType<typeof definition.start>>;
  try {
    container = await definition.start();
  } catch (error) {
    throw new MockHalContainerError(
      `container ${image} did not become ready on /__mock/ready (${describeError(error)}); see docker logs, or run: docker run --rm ${image}`,
      { cause: error },
    );
  }

  const host = container.getHost();
  const port = container.getMappedPort(MOCK_HAL_CONTAINER_PORT);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}`;

  async function control(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${url}/__mock${path}`, {
      method,
      headers: {
        authorization: `Bearer ${controlToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let payload: unknown = text;
    try {
      payload = JSON.parse(text);
    } catch {
      // Not JSON: keep the text for the message.
    }
    if (!response.ok) {
      const message = (payload as { message?: unknown } | null)?.message;
      throw new Error(`mock-hal container: ${method} /__mock${path} answered ${response.status}: ${typeof message === 'string' ? message : text}`);
    }
    return payload;
  }

  let closed: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    apiKey,
    controlToken,
    containerId: container.getId(),
    image,
    async setScenario(next: string | ScenarioInput, activate?: ActivateOptions) {
      const query = new URLSearchParams();
      if (activate?.phase !== undefined) query.set('phase', String(activate.phase));
      if (activate?.hold !== undefined) query.set('hold', String(activate.hold));
      const search = query.size > 0 ? `?${query}` : '';
      await control('PUT', `/scenario${search}`, scenarioBody(next, scenariosDir));
    },
    async requests() {
      return ((await control('GET', '/requests')) as { requests: JournalEntry[] }).requests;
    },
    async clearRequests() {
      await control('DELETE', '/requests');
    },
    scenarioState() {
      return control('GET', '/scenario');
    },
    async logs() {
      const stream = await container.logs();
      const chunks: Buffer[] = [];
      // The stream follows; take what has arrived and stop.
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
        stream.on('end', resolve);
        stream.on('error', () => resolve());
        setTimeout(resolve, 300).unref();
      });
      stream.destroy();
      return Buffer.concat(chunks).toString('utf8');
    },
    close() {
      // SIGTERM first (the server exits at once), removed afterwards; idempotent.
      closed ??= container.stop({ timeout: 5_000, remove: true }).then(
        () => undefined,
        async (error: unknown) => {
          // Stopping failed (engine hiccup): force removal so nothing is left running.
          try {
            await client.container.getById(container.getId()).remove({ force: true });
          } catch {
            throw new MockHalContainerError(
              `could not stop container ${container.getId()} (${describeError(error)}); remove it with docker rm -f ${container.getId()}`,
              { cause: error },
            );
          }
        },
      );
      return closed;
    },
  };
}
