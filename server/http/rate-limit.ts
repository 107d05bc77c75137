/**
 * Per-user rate limits with fixed windows aligned to the epoch (a day window is the UTC day).
 * Fixed windows need one counter per user and window — one atomic INCR in Redis — and the limits
 * here are abuse guards, not billing, so a burst of up to twice the limit across a window edge is
 * acceptable.
 */
export interface RateDecision {
  allowed: boolean;
  /** Hits counted in this window, this one included when allowed. */
  count: number;
  limit: number;
  /** When the window ends and the count starts again. */
  resetAt: Date;
  /** Whole seconds until `resetAt` (at least 1), for the Retry-After header. */
  retryAfterSec: number;
  /** The window's counter; `undo` takes the hit back from this window even after it has ended. */
  bucket: string;
}

export interface RateLimiter {
  /**
   * Counts one hit for `key` in the current window. A hit over the limit is refused and not
   * counted, so refused attempts never push the count further and `undo` of accepted hits stays exact.
   */
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  /** Takes back an allowed hit whose work was not done after all (an upload that was refused or a duplicate). */
  undo(decision: RateDecision): Promise<void>;
}

export interface Window {
  bucket: string;
  resetAt: number;
}

export function currentWindow(key: string, windowMs: number, now: number): Window {
  const start = Math.floor(now / windowMs) * windowMs;
  return { bucket: `${key}:${start}`, resetAt: start + windowMs };
}

export function decision(allowed: boolean, count: number, limit: number, w: Window, now: number): RateDecision {
  return { allowed, count, limit, resetAt: new Date(w.resetAt), retryAfterSec: Math.max(1, Math.ceil((w.resetAt - now) / 1000)), bucket: w.bucket };
}

/** One process's counters: the embedded default, or cloud mode without REDIS_URL (then each process limits on its own). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, { count: number; resetAt: number }>();
  private hitsSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    this.sweep(now);
    const w = currentWindow(key, windowMs, now);
    const entry = this.counts.get(w.bucket) ?? { count: 0, resetAt: w.resetAt };
    if (entry.count >= limit) return decision(false, entry.count, limit, w, now);
    entry.count++;
    this.counts.set(w.bucket, entry);
    return decision(true, entry.count, limit, w, now);
  }

  async undo(d: RateDecision): Promise<void> {
    const entry = this.counts.get(d.bucket);
    if (entry && entry.count > 0) entry.count--;
  }

  /** Ended windows are dropped every so often, so idle users do not accumulate. */
  private sweep(now: number): void {
    if (++this.hitsSinceSweep < 1000) return;
    this.hitsSinceSweep = 0;
    for (const [bucket, e] of this.counts) if (e.resetAt <= now) this.counts.delete(bucket);
  }
}
