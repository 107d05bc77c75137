import { ApiError } from './api-error.ts';

/**
 * How every client tries again (CLI, desktop queue, web queue — one rule):
 * - only a failure whose code the catalog marks `retryable` (shared/api/errors.ts, codes.ts) is
 *   tried again: a server away or overloaded (SERVICE_UNAVAILABLE, RATE_LIMITED,
 *   INSUFFICIENT_STORAGE, INTERNAL_ERROR…), a lost connection, a cut-off upload. A refusal of the
 *   file itself (UNSUPPORTED_FILE_TYPE, FILE_TOO_LARGE, EMPTY_FILE…) fails at once;
 * - after 1 s, 3 s, 10 s, 30 s and 60 s — about two minutes, long enough for a restarting server —
 *   then the failure stands (the desktop queue, which keeps its items, goes on waiting for a server
 *   that is away, not for one that refuses);
 * - a `Retry-After` longer than the scheduled wait is honoured, up to the longest wait; one beyond
 *   it (a daily upload cap) ends the retries now, with the server's message.
 */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 3000, 10_000, 30_000, 60_000];

export function isRetryable(err: unknown): boolean {
  return err instanceof ApiError && err.retryable;
}

/**
 * The wait before attempt `attempt + 1` after `err` ended attempt `attempt` (0-based), or null
 * when there is to be no further attempt.
 */
export function retryDelay(err: unknown, attempt: number, delays: readonly number[] = RETRY_DELAYS_MS): number | null {
  if (!isRetryable(err)) return null;
  const scheduled = delays[attempt];
  if (scheduled === undefined) return null;
  const asked = err instanceof ApiError ? err.retryAfterMs : null;
  if (asked === null || asked <= scheduled) return scheduled;
  const longest = Math.max(...delays);
  return asked <= longest ? asked : null;
}

export interface RetryOptions {
  signal?: AbortSignal;
  delays?: readonly number[];
  /** Told before each wait: what failed, how long until the next attempt, which attempt that is (1-based). */
  onRetry?: (err: unknown, delayMs: number, nextAttempt: number) => void;
}

/** Runs `attempt` until it succeeds, fails for good (see above), or `signal` aborts (ABORTED). */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      // Stopped meanwhile: that, not how the attempt ended, is what the caller needs to hear.
      if (opts.signal?.aborted) throw new ApiError('ABORTED', 'Stopped.', 0, undefined, { cause: err });
      const delay = retryDelay(err, n, opts.delays);
      if (delay === null) throw err;
      opts.onRetry?.(err, delay, n + 1);
      await sleep(delay, opts.signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => {
      clearTimeout(timer);
      reject(new ApiError('ABORTED', 'Stopped while waiting to try again.'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    if (signal?.aborted) aborted();
    else signal?.addEventListener('abort', aborted, { once: true });
  });
}
