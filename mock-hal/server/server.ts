// startMockHal: the app on a real socket through @hono/node-server, with a handle
// that tests and the harness use (the container module returns the same handle).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import type { Context } from 'hono';
import type { FaultAdapter } from '../answers/behaviours.ts';
import { parseTarget } from '../record/target.ts';
import type { ActivateOptions } from '../scenario/scenario-engine.ts';
import { parseScenario, type Scenario, type ScenarioInput } from '../scenario/scenario-model.ts';
import { DEFAULT_SCENARIO, DEFAULT_SCENARIOS_DIR, resolveScenario } from '../scenario/scenario-store.ts';
import { createMockHalApp, type MockHalAppOptions } from './app.ts';
import { DEFAULT_API_KEY } from './auth.ts';
import type { JournalEntry } from './journal.ts';
import type { Limits } from './limits.ts';
import { nodeBindings } from './node-bindings.ts';

export interface StartMockHalOptions {
  /** A bundled scenario name, a path to a scenario file, or a scenario object. Default "healthy". */
  scenario?: string | Scenario | ScenarioInput;
  scenariosDir?: string;
  host?: string;
  /** 0 (the default here) picks a free port. */
  port?: number;
  apiKey?: string;
  apiKeyHeaders?: readonly string[];
  controlToken?: string;
  limits?: Partial<Limits>;
  secrets?: readonly string[];
  /** Journal keys as sent (throw-away keys in differential tests only). */
  revealSecrets?: boolean;
  /** When the mock started (epoch ms), for the health body's uptime; now by default. */
  startedAt?: number;
  /** Where scenario switches and journal reads go: set by a `--workers` worker, this process alone otherwise. */
  coordinator?: MockHalAppOptions['coordinator'];
  /**
   * mock-hal proxy: the real API's base URL. Requests the scenario gives no other
   * behaviour are forwarded there; the mock checks no keys and hides each one it sees.
   */
  target?: string;
}

/** The handle both startMockHal and startMockHalContainer resolve to. */
export interface MockHalHandle {
  url: string;
  setScenario(scenario: string | ScenarioInput, options?: ActivateOptions): Promise<void>;
  requests(): Promise<JournalEntry[]>;
  clearRequests(): Promise<void>;
  close(): Promise<void>;
}

export interface MockHal extends MockHalHandle {
  host: string;
  port: number;
  apiKey: string;
  scenario(): Scenario;
  /** Requests received and not yet answered or abandoned: how a test sees a hang take hold. */
  pendingRequests(): number;
}

/** Strings are names or paths; objects (raw or already normalised) are validated again. */
export function toScenario(scenario: string | Scenario | ScenarioInput, scenariosDir: string): Scenario {
  if (typeof scenario === 'string') return resolveScenario(scenario, scenariosDir);
  const { source, ...document } = scenario as Scenario & { source?: string };
  const parsed = parseScenario(document, `scenario "${String(document.name)}"`);
  return source === undefined ? parsed : { ...parsed, source };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+|localhost)$/;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

function socketOf(c: Context): Socket | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
}

/** Faults on a real socket: a reset destroys it, a hang waits for the client to close it. */
function socketFaults(c: Context): FaultAdapter {
  const socket = socketOf(c);
  let gone: Promise<void> | undefined;
  return {
    clientGone() {
      gone ??= new Promise<void>((resolve) => {
        if (!socket || socket.destroyed) return resolve();
        const onClose = () => resolve();
        socket.once('close', onClose);
        // A keep-alive socket outlives the answer: without this, every delayed or proxied
        // request on it would leave a listener behind (node warns at the 11th).
        nodeBindings(c)?.outgoing.once('finish', () => socket.off('close', onClose));
      });
      return gone;
    },
    reset() {
      socket?.destroy();
      // Nothing reaches the client; node-server's write to the dead socket is a no-op.
      return new Response(null, { status: 500 });
    },
  };
}

export async function startMockHal(options: StartMockHalOptions = {}): Promise<MockHal> {
  const scenariosDir = options.scenariosDir ?? DEFAULT_SCENARIOS_DIR;
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const { app, engine, coordinator, limits, warmUp } = createMockHalApp({
    scenario: toScenario(options.scenario ?? DEFAULT_SCENARIO, scenariosDir),
    resolveScenario: (ref) => resolveScenario(ref, scenariosDir),
    apiKey,
    apiKeyHeaders: options.apiKeyHeaders,
    limits: options.limits,
    secrets: options.secrets,
    revealSecrets: options.revealSecrets,
    control: {
      token: options.controlToken,
      isLocal: (c) => {
        const address = socketOf(c)?.remoteAddress;
        return address === undefined ? undefined : isLoopback(address);
      },
    },
    faultsFor: socketFaults,
    ...(options.target === undefined ? {} : { upstream: { target: parseTarget(options.target) } }),
    ...(options.coordinator ? { coordinator: options.coordinator } : {}),
    ...(options.startedAt === undefined ? {} : { startedAt: options.startedAt }),
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        hostname: host,
        port: options.port ?? 0,
        serverOptions: {
          maxHeaderSize: limits.maxHeaderBytes,
          // Node checks the request timeouts on this interval (30 s by default), so a
          // short timeout needs a short interval to mean anything.
          connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs, limits.requestTimeoutMs),
        },
      },
      () => resolve(started as Server),
    );
    (started as Server).once('error', reject);
  });
  // A slow client must not hold a socket forever; hang scenarios are not affected
  // because these limits bound receiving the request, not sending the answer.
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Node hands CONNECT to a 'connect' listener, not to the app, and drops the
  // connection when there is none: answer it like any other wrong method.
  server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    const body = JSON.stringify({ error: 'Method Not Allowed', message: 'mock-hal is not a proxy; CONNECT is not supported' });
    socket.on('error', () => undefined);
    // Out of the HTTP server's hands now: read and drop what the client still sends (so its
    // close is seen), and do not let it hold the socket, or close(), for longer than a request may take.
    socket.resume();
    socket.setTimeout(limits.requestTimeoutMs, () => socket.destroy());
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  let pending = 0;
  server.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    pending++;
    response.once('close', () => pending--);
  });

  // After listening, so start-up is not held up by it; a request that comes first waits for it.
  void warmUp();
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    apiKey,
    scenario: () => engine.active().scenario,
    pendingRequests: () => pending,
    async setScenario(scenario, activate = {}) {
      await coordinator.activate(toScenario(scenario, scenariosDir), activate);
    },
    requests: () => coordinator.requests(),
    async clearRequests() {
      await coordinator.clearRequests();
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Hanging requests would keep close() waiting for ever.
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

export { DEFAULT_SCENARIOS_DIR };
