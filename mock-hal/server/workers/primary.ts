// The primary of `mock-hal serve --workers N`: forks the workers (node:cluster shares
// their listening socket), holds the one scenario state and the one journal, and
// answers for the whole: ready once every worker listens, stopped once every worker
// has exited. It serves no HTTP itself.
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../../scenario/scenario-model.ts';
import { fromWireError, isWorkerMessage, type WorkerMessage, type WorkerOptions } from './protocol.ts';
import { SharedState } from './shared-state.ts';
import { WorkerLink } from './worker-link.ts';

// .ts from the source tree, .js from the published build.
const WORKER_MAIN = fileURLToPath(new URL(`./worker-main${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** How long stop() lets the workers close before killing them. */
const STOP_GRACE_MS = 10_000;

export interface WorkerPoolOptions {
  workers: number;
  /** The scenario every worker starts in, already resolved (once, here). */
  scenario: Scenario;
  options: WorkerOptions;
}

export interface WorkerPool {
  /** The port every worker shares. */
  port: number;
  /** Resolves with what happened when a worker exits without being asked to; never rejects. */
  failure: Promise<string>;
  /** Stops every worker (each closes its server) and resolves once all have exited. */
  stop(): Promise<void>;
}

interface Started {
  link: WorkerLink;
  listening: Promise<number>;
  exited: Promise<void>;
}

function describeExit(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}

export async function startWorkerPool({ workers, scenario, options }: WorkerPoolOptions): Promise<WorkerPool> {
  // No arguments: the options come over IPC, so keys stay off the workers' command lines.
  cluster.setupPrimary({ exec: WORKER_MAIN, execArgv: process.execArgv, args: [] });
  const links: WorkerLink[] = [];
  const state = new SharedState(scenario, options, () => links.filter((link) => link.started));
  let stopping = false;
  let reportFailure: (what: string) => void = () => undefined;
  const failure = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });

  function onMessage(link: WorkerLink, message: WorkerMessage, listened: { resolve: (port: number) => void; reject: (error: Error) => void }): void {
    switch (message.type) {
      case 'hello':
        // A stop sent before the worker listened for messages was lost: send it again.
        if (stopping) link.send({ type: 'stop' });
        // The state now, not the one at fork: a switch may have happened while this worker loaded.
        else link.started = link.send({ type: 'start', options, state: state.current() });
        return;
      case 'listening':
        listened.resolve(message.port);
        return;
      case 'failed':
        listened.reject(fromWireError(message.error));
        return;
      case 'done':
        link.settle(message);
        return;
      default:
        state.answer(message).then(
          (value) => link.reply(message.id, { value }),
          (error: unknown) => link.reply(message.id, { error }),
        );
    }
  }

  function fork(): Started {
    const worker: Worker = cluster.fork();
    const link = new WorkerLink(worker);
    links.push(link);
    let listened!: { resolve: (port: number) => void; reject: (error: Error) => void };
    const listening = new Promise<number>((resolve, reject) => {
      listened = { resolve, reject };
    });
    worker.on('message', (message: unknown) => {
      if (isWorkerMessage(message)) onMessage(link, message, listened);
    });
    const exited = new Promise<void>((resolve) => {
      worker.once('exit', (code: number | null, signal: string | null) => {
        const how = describeExit(code, signal);
        link.close(new Error(`${link.name} exited (${how})`));
        links.splice(links.indexOf(link), 1);
        listened.reject(new Error(`${link.name} exited before it was listening (${how})`));
        if (!stopping) {
          reportFailure(`${link.name} exited unexpectedly (${how}); stopping the other workers, as its share of the journal is lost`);
        }
        resolve();
      });
    });
    // Never an unhandled rejection: startWorkerPool awaits it, and a later exit is reported through `failure`.
    listening.catch(() => undefined);
    return { link, listening, exited };
  }

  const started = Array.from({ length: workers }, fork);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      for (const { link } of started) link.send({ type: 'stop' });
      // A worker that does not close in time (it should: close() drops every connection) is killed.
      const timer = setTimeout(() => {
        for (const { link } of started) if (!link.worker.isDead()) link.worker.process.kill('SIGKILL');
      }, STOP_GRACE_MS);
      await Promise.all(started.map(({ exited }) => exited));
      clearTimeout(timer);
    })();
    return stopped;
  };

  let ports: number[];
  try {
    ports = await Promise.all(started.map(({ listening }) => listening));
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: ports[0] as number, failure, stop };
}
