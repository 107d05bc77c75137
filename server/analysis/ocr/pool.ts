import { TroveError } from '../../../shared/api/errors.ts';
import { abortError } from '../../../shared/node/media/failures.ts';

interface Waiter<T> {
  resolve(item: T): void;
  reject(err: Error): void;
}

/**
 * A fixed set of reusable workers handed out one job at a time, first come first served.
 *
 * Used instead of tesseract.js's createScheduler because its queue cannot drop a job: an aborted
 * upload would still cost its full OCR time. Here a queued job leaves the queue on abort, and a
 * running one is answered at once while its worker finishes (its result is discarded) and only then
 * takes the next job, so the number of busy workers never exceeds the pool size.
 */
export class Pool<T> {
  private readonly idle: T[];
  private readonly waiting: Waiter<T>[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(items: readonly T[]) {
    this.idle = [...items];
  }

  get queued(): number {
    return this.waiting.length;
  }

  use<R>(job: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R> {
    if (this.closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise<R>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        fn();
      };
      const waiter: Waiter<T> = {
        resolve: (item) => {
          if (settled) return this.release(item); // aborted while queued, handed an item anyway
          const run = Promise.resolve(item).then(job);
          this.running.add(run);
          void run.then(
            (value) => settle(() => resolve(value)),
            (err: unknown) => settle(() => reject(err instanceof Error ? err : new Error(String(err)))),
          ).finally(() => {
            this.running.delete(run);
            this.release(item);
          });
        },
        reject: (err) => settle(() => reject(err)),
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        settle(() => reject(abortError(signal?.reason)));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const item = this.idle.pop();
      if (item === undefined) this.waiting.push(waiter);
      else waiter.resolve(item);
    });
  }

  /** Refuses new jobs, fails queued ones, waits for running ones, and returns every item. */
  async close(): Promise<T[]> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.reject(closedError());
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    return this.idle.splice(0);
  }

  private release(item: T): void {
    const next = this.waiting.shift();
    if (next) next.resolve(item);
    else this.idle.push(item);
  }
}

function closedError(): TroveError {
  return new TroveError('SERVICE_UNAVAILABLE', 'Text recognition has been shut down.');
}
