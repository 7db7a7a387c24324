// The one scenario state and the one journal of a `--workers` server, kept by the
// primary. A scenario switch is sent to every worker and answered once all have it;
// a journal read first gathers what every worker kept since the last read.
import { type ActivateOptions, type EngineState, ScenarioEngine } from '../../scenario/scenario-engine.ts';
import type { Scenario } from '../../scenario/scenario-model.ts';
import { journalRedactor } from '../auth.ts';
import { Journal } from '../journal.ts';
import { resolveLimits } from '../limits.ts';
import type { WorkerOptions, WorkerReplies, WorkerRequest } from './protocol.ts';
import type { WorkerLink } from './worker-link.ts';

export class SharedState {
  private readonly engine: ScenarioEngine;
  private readonly journal: Journal;
  /** The workers that have been started, so hear every change. */
  private readonly workers: () => readonly WorkerLink[];
  /** One request at a time: two switches cannot reach the workers interleaved. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(scenario: Scenario, options: WorkerOptions, workers: () => readonly WorkerLink[]) {
    this.engine = new ScenarioEngine(scenario);
    this.workers = workers;
    this.journal = new Journal(resolveLimits(options.limits).journalSize, journalRedactor(options));
  }

  /** The state a worker starts in: the timeline's start time included, so all are in the same phase. */
  current(): EngineState {
    return this.engine.state();
  }

  /** Answers a worker's request, after every request before it. */
  answer<R extends WorkerRequest>(request: R): Promise<WorkerReplies[R['type']]> {
    const run = this.queue.then(() => this.run(request));
    this.queue = run.catch(() => undefined);
    return run as Promise<WorkerReplies[R['type']]>;
  }

  private async run(request: WorkerRequest): Promise<WorkerReplies[WorkerRequest['type']]> {
    switch (request.type) {
      case 'activate':
        return this.activate(request.scenario, request.options);
      case 'requests':
        await this.gather();
        return this.journal.list();
      case 'clear': {
        await this.gather();
        const cleared = this.journal.size;
        this.journal.clear();
        return cleared;
      }
    }
  }

  /** Throws a RangeError for a phase the scenario lacks, before any worker hears of it. */
  private async activate(scenario: Scenario, options: ActivateOptions): Promise<undefined> {
    this.engine.activate(scenario, options);
    const state = this.engine.state();
    await Promise.all(this.workers().map((worker) => worker.restore(state)));
    return undefined;
  }

  /** Moves every worker's records here, in the order their answers completed. */
  private async gather(): Promise<void> {
    const shares = await Promise.all(this.workers().map((worker) => worker.take()));
    const records = shares.flat().sort((a, b) => a.completedAt - b.completedAt);
    for (const record of records) this.journal.add(record);
  }
}
