import { CallerRequest } from '../caller-request.ts';
import { abortReason } from './errors.ts';
import { apportion } from './usage.ts';

export interface MicroBatcherOptions<I = unknown> {
  /** Most inputs in one call (OpenAI allows 2048 for embeddings; 100 keeps one failure's blast radius small). */
  maxBatch: number;
  /** How long the first input waits for company (ms). */
  windowMs: number;
  /** Calls in flight at once. */
  maxConcurrent: number;
  /** An input's share of a call's cost (e.g. its characters); default 1 each. */
  weight?: (input: I) => number;
}

/** A call's outputs, in input order, and what it cost as a whole (e.g. tokens billed), if known. */
export interface RunResult<O> {
  outputs: O[];
  cost?: number | undefined;
}

type Run<I, O> = (inputs: I[], signal: AbortSignal | undefined) => Promise<RunResult<O>>;

interface Item<I, O> {
  input: I;
  request: CallerRequest<O>;
  index: number;
  /** The caller's listener for its share of each call's cost. */
  onCost: ((share: number) => void) | undefined;
}

/**
 * Merges the single-text calls the processing service makes concurrently into batched API calls:
 * fewer requests against a per-minute request quota, same latency within a few milliseconds. A
 * caller's abort settles only that caller; a batch carrying inputs of several callers runs on
 * (bounded by the client's timeout), because aborting it would fail the others. A call's cost is
 * split between the callers whose inputs it carried, by weight, in whole units that add up to it.
 */
export class MicroBatcher<I, O> {
  private queue: Item<I, O>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private active = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly run: Run<I, O>, private readonly opts: MicroBatcherOptions<I>) {}

  /** `onCost` hears this caller's share of each call its inputs went into (one call per maxBatch inputs). */
  submit(inputs: I[], signal?: AbortSignal, onCost?: (share: number) => void): Promise<O[]> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (inputs.length === 0) return Promise.resolve([]);
    const request = new CallerRequest<O>(inputs.length, signal);
    inputs.forEach((input, index) => this.queue.push({ input, request, index, onCost }));
    this.schedule();
    return request.promise;
  }

  /** Resolves once every queued and running call has finished. */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.pump();
    }
    while (this.active > 0 || this.queue.some((i) => !i.request.settled)) {
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private schedule(): void {
    if (this.live() >= this.opts.maxBatch) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.pump();
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, this.opts.windowMs);
    }
  }

  private live(): number {
    return this.queue.reduce((n, i) => n + (i.request.settled ? 0 : 1), 0);
  }

  private pump(): void {
    while (this.active < this.opts.maxConcurrent) {
      this.queue = this.queue.filter((i) => !i.request.settled);
      if (this.queue.length === 0) break;
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.active++;
      void this.dispatch(batch).finally(() => {
        this.active--;
        if (this.queue.length > 0) this.pump();
        if (this.active === 0) for (const wake of this.idle.splice(0)) wake();
      });
    }
  }

  private async dispatch(batch: Item<I, O>[]): Promise<void> {
    // One caller's batch may be cancelled with that caller; a shared one may not.
    const owners = new Set(batch.map((i) => i.request));
    const signal = owners.size === 1 ? batch[0]!.request.signal : undefined;
    let result: RunResult<O>;
    try {
      result = await this.run(batch.map((i) => i.input), signal);
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const owner of owners) owner.reject(error);
      return;
    }
    if (result.cost !== undefined) this.share(batch, owners, result.cost);
    const { outputs } = result;
    batch.forEach((item, i) => item.request.deliver(item.index, outputs[i]!));
  }

  /** Reported before the results, so a caller has its cost by the time its promise settles. */
  private share(batch: Item<I, O>[], owners: Set<CallerRequest<O>>, cost: number): void {
    const list = [...owners];
    const weight = this.opts.weight ?? (() => 1);
    const weights = list.map((owner) => batch.reduce((n, item) => n + (item.request === owner ? weight(item.input) : 0), 0));
    apportion(Math.round(cost), weights).forEach((share, i) => {
      const owner = list[i]!;
      // A caller that gave up has no one left to tell; its share was still spent.
      if (owner.settled) return;
      try {
        batch.find((item) => item.request === owner)?.onCost?.(share);
      } catch {
        // One caller's bookkeeping must not keep the batch's results from the others.
      }
    });
  }
}
