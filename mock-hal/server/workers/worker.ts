// A worker of `mock-hal serve --workers N`: the ordinary server (startMockHal) on the
// socket node:cluster shares, with a coordinator that sends scenario switches and
// journal reads to the primary. Requests themselves never cross IPC: the worker keeps
// its journal records (bounded like any journal) until the primary takes them.
import type { ActivateOptions, EngineState, ScenarioEngine } from '../../scenario/scenario-engine.ts';
import type { Scenario } from '../../scenario/scenario-model.ts';
import type { StateCoordinator } from '../control-api.ts';
import type { Journal, PortableJournalRecord } from '../journal.ts';
import { type MockHal, startMockHal } from '../server.ts';
import {
  fromWireError,
  isPrimaryMessage,
  type PrimaryMessage,
  type StartMessage,
  toWireError,
  type WorkerMessage,
  type WorkerReplies,
  type WorkerRequest,
} from './protocol.ts';

interface Waiting {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export function runWorker(): void {
  if (process.send === undefined) throw new Error('a mock-hal worker runs under `mock-hal serve --workers N`, not on its own');
  // The primary leads a stop: Ctrl-C reaches the whole process group, and a worker that
  // died of it first would look like a crash. A worker whose primary is gone exits on
  // 'disconnect' (below, and node:cluster does the same).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => undefined);
  process.once('disconnect', () => process.exit(0));

  const waiting = new Map<number, Waiting>();
  let nextId = 1;
  let state: EngineState | undefined;
  let engine: ScenarioEngine | undefined;
  let journal: Journal | undefined;
  let mock: MockHal | undefined;
  let stopping = false;

  const send = (message: WorkerMessage): void => {
    process.send?.(message);
  };

  function ask<R extends RequestBody>(request: R): Promise<WorkerReplies[R['type']]> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      send({ ...request, id } as WorkerRequest);
    });
  }

  /** startMockHal calls this with the app's own engine and journal. */
  function coordinator(appEngine: ScenarioEngine, appJournal: Journal): StateCoordinator {
    engine = appEngine;
    journal = appJournal;
    if (state) engine.restore(state);
    return {
      async activate(scenario: Scenario, options: ActivateOptions) {
        // Resolves once the primary has every worker's ack, this one's included.
        await ask({ type: 'activate', scenario, options });
      },
      requests: () => ask({ type: 'requests' }),
      clearRequests: () => ask({ type: 'clear' }),
    };
  }

  async function start({ options, state: initial }: StartMessage): Promise<void> {
    state ??= initial;
    try {
      mock = await startMockHal({ ...options, scenario: initial.scenario, coordinator });
      send({ type: 'listening', port: mock.port });
    } catch (error) {
      // The primary reports it and stops every worker, this one included.
      send({ type: 'failed', error: toWireError(error) });
    }
  }

  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    await mock?.close();
    process.exit(0);
  }

  function onMessage(message: PrimaryMessage): void {
    switch (message.type) {
      case 'start':
        void start(message);
        return;
      case 'restore':
        state = message.state;
        engine?.restore(message.state);
        send({ type: 'done', id: message.id });
        return;
      case 'take': {
        // Under node the records hold the raw header list, so they cross as JSON.
        const records = (journal?.takeRecords() ?? []) as PortableJournalRecord[];
        send({ type: 'done', id: message.id, records });
        return;
      }
      case 'stop':
        void stop();
        return;
      case 'reply': {
        const pending = waiting.get(message.id);
        if (pending === undefined) return;
        waiting.delete(message.id);
        if (message.error) pending.reject(fromWireError(message.error));
        else pending.resolve(message.value);
        return;
      }
    }
  }

  process.on('message', (message: unknown) => {
    if (isPrimaryMessage(message)) onMessage(message);
  });
  send({ type: 'hello' });
}
