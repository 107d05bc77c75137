import type { Redis } from 'ioredis';
import { currentWindow, decision, type RateDecision, type RateLimiter } from './rate-limit.ts';

/**
 * Count, refuse-over-limit and expiry in one script, so concurrent hits from several processes
 * can neither both take the last slot nor leave a counter without its expiry.
 */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return {0, n - 1}
end
return {1, n}`;

/** Only an existing counter is decremented: an expired window must not come back as -1. */
const UNDO = `
if redis.call('EXISTS', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[1])) > 0 then
  return redis.call('DECR', KEYS[1])
end
return 0`;

/** Limits shared by every process through one Redis (REDIS_URL). */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix = 'trove:rl:', private readonly now: () => number = Date.now) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    const w = currentWindow(key, windowMs, now);
    // The counter outlives its window a little, so an undo just after the edge still finds it.
    const ttl = w.resetAt - now + 60_000;
    const [allowed, count] = (await this.redis.eval(HIT, 1, this.prefix + w.bucket, limit, ttl)) as [number, number];
    return decision(allowed === 1, count, limit, w, now);
  }

  async undo(d: RateDecision): Promise<void> {
    await this.redis.eval(UNDO, 1, this.prefix + d.bucket);
  }
}
