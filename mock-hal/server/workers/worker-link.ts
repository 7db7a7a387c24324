// One worker as the primary sees it: requests to it (restore a state, hand over the
// journal) awaited by id, and replies to the worker's own requests. When the worker
// goes, every request still waiting on it fails, so the primary never waits for ever.
import type { Worker } from 'node:cluster';
import type { EngineState } from '../../scenario/scenario-engine.ts';
import type { PortableJournalRecord } from '../journal.ts';
import { type DoneMessage, fromWireError, type PrimaryMessage, toWireError } from './protocol.ts';

interface Waiting {
  resolve: (message: DoneMessage) => void;
  reject: (error: Error) => void;
}

export class WorkerLink {
  readonly worker: Worker;
  /** Set once the worker was sent its start: from then on it hears every state change. */
  started = false;
  private gone: Error | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  constructor(worker: Worker) {
    this.worker = worker;
  }

  /** How the worker is named in messages: its cluster id and its pid. */
  get name(): string {
    return `worker ${this.worker.id} (pid ${this.worker.process.pid})`;
  }

  /** Sends without waiting; false when the channel is already closed. */
  send(message: PrimaryMessage): boolean {
    if (this.gone !== undefined || !this.worker.isConnected()) return false;
    try {
      this.worker.send(message);
      return true;
    } catch {
      return false;
    }
  }

  /** Resolves once the worker's engine holds `state`. */
  async restore(state: EngineState): Promise<void> {
    await this.request((id) => ({ type: 'restore', id, state }));
  }

  /** The records the worker kept since its last take, oldest first; it forgets them. */
  async take(): Promise<PortableJournalRecord[]> {
    return (await this.request((id) => ({ type: 'take', id }))).records ?? [];
  }

  /** Answers one of the worker's requests. */
  reply(id: number, outcome: { value: unknown } | { error: unknown }): void {
    this.send('error' in outcome ? { type: 'reply', id, error: toWireError(outcome.error) } : { type: 'reply', id, value: outcome.value });
  }

  /** A `done` from the worker: settles the request it answers. */
  settle(message: DoneMessage): void {
    const waiting = this.waiting.get(message.id);
    if (waiting === undefined) return;
    this.waiting.delete(message.id);
    if (message.error) waiting.reject(fromWireError(message.error));
    else waiting.resolve(message);
  }

  /** The worker is gone: fails what waits on it, and every later request. */
  close(reason: Error): void {
    this.gone ??= reason;
    for (const waiting of this.waiting.values()) waiting.reject(reason);
    this.waiting.clear();
  }

  private request(build: (id: number) => PrimaryMessage): Promise<DoneMessage> {
    const id = this.nextId++;
    return new Promise<DoneMessage>((resolve, reject) => {
      if (this.gone !== undefined) return reject(this.gone);
      this.waiting.set(id, { resolve, reject });
      if (!this.send(build(id))) {
        this.waiting.delete(id);
        reject(new Error(`${this.name} cannot be reached: its IPC channel is closed`));
      }
    });
  }
}
