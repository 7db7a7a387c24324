// The messages between the primary and the workers of `mock-hal serve --workers N`,
// over node:cluster's IPC channel (JSON). Requests carry an id and every id is answered
// once, with a value or an error, so no side ever waits for an answer that cannot come.
import type { ActivateOptions, EngineState } from '../../scenario/scenario-engine.ts';
import type { Scenario } from '../../scenario/scenario-model.ts';
import type { JournalEntry, PortableJournalRecord } from '../journal.ts';
import type { Limits } from '../limits.ts';

/** What a worker needs to start the app: startMockHal's options, all JSON-safe. */
export interface WorkerOptions {
  host: string;
  port: number;
  scenariosDir: string;
  apiKey: string;
  apiKeyHeaders?: readonly string[];
  controlToken?: string;
  limits?: Partial<Limits>;
  secrets?: readonly string[];
  revealSecrets?: boolean;
  /** The primary's start time, so every worker's health uptime counts from the same moment. */
  startedAt: number;
}

/** An error as it crosses the channel: enough to rebuild one the receiver's callers map. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
}

// Primary → worker.
/** The answer to a worker's `hello`: how to start, and the state every worker starts in. */
export interface StartMessage {
  type: 'start';
  options: WorkerOptions;
  state: EngineState;
}
/** Take this state; answer `done` once the engine has it. */
export interface RestoreMessage {
  type: 'restore';
  id: number;
  state: EngineState;
}
/** Hand over the journal records kept since the last take; answer `done` with them. */
export interface TakeMessage {
  type: 'take';
  id: number;
}
/** Close the server and exit 0. */
export interface StopMessage {
  type: 'stop';
}
/** The answer to one of the worker's own requests (activate, requests, clear). */
export interface ReplyMessage {
  type: 'reply';
  id: number;
  value?: unknown;
  error?: WireError;
}
export type PrimaryMessage = StartMessage | RestoreMessage | TakeMessage | StopMessage | ReplyMessage;

// Worker → primary.
/** The worker listens for messages now: send `start`. */
export interface HelloMessage {
  type: 'hello';
}
export interface ListeningMessage {
  type: 'listening';
  port: number;
}
/** startMockHal failed (a busy port): the primary reports it and stops. */
export interface FailedMessage {
  type: 'failed';
  error: WireError;
}
/** Done with a restore or take; `records` for a take, oldest first. */
export interface DoneMessage {
  type: 'done';
  id: number;
  records?: PortableJournalRecord[];
  error?: WireError;
}
export interface ActivateRequest {
  type: 'activate';
  id: number;
  scenario: Scenario;
  options: ActivateOptions;
}
export interface RequestsRequest {
  type: 'requests';
  id: number;
}
export interface ClearRequest {
  type: 'clear';
  id: number;
}
export type WorkerRequest = ActivateRequest | RequestsRequest | ClearRequest;
export type WorkerMessage = HelloMessage | ListeningMessage | FailedMessage | DoneMessage | WorkerRequest;

/** What each worker request resolves to in the primary's reply. */
export interface WorkerReplies {
  activate: undefined;
  requests: JournalEntry[];
  clear: number;
}

const PRIMARY_TYPES: ReadonlySet<string> = new Set(['start', 'restore', 'take', 'stop', 'reply']);
const WORKER_TYPES: ReadonlySet<string> = new Set(['hello', 'listening', 'failed', 'done', 'activate', 'requests', 'clear']);

function hasType(message: unknown, types: ReadonlySet<string>): boolean {
  const type = (message as { type?: unknown } | null)?.type;
  return typeof message === 'object' && message !== null && typeof type === 'string' && types.has(type);
}

export function isPrimaryMessage(message: unknown): message is PrimaryMessage {
  return hasType(message, PRIMARY_TYPES);
}

export function isWorkerMessage(message: unknown): message is WorkerMessage {
  return hasType(message, WORKER_TYPES);
}

export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as NodeJS.ErrnoException).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}

/** A RangeError comes back as one (the control API maps it to 400); anything else as an Error with the same name and code. */
export function fromWireError(wire: WireError): Error {
  const error = wire.name === 'RangeError' ? new RangeError(wire.message) : new Error(wire.message);
  if (wire.name !== error.name) error.name = wire.name;
  if (wire.code !== undefined) (error as NodeJS.ErrnoException).code = wire.code;
  return error;
}
