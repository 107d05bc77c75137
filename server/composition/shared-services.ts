import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { EventBus } from '../events/event-bus.ts';
import { RedisEventBus } from '../events/redis-event-bus.ts';
import { MemoryRateLimiter, type RateLimiter } from '../http/rate-limit.ts';
import { RedisRateLimiter } from '../http/rate-limit-redis.ts';
import { ApiLimits } from '../http/rate-limit-hooks.ts';
import type { Logger } from '../logger.ts';
import { CacheInvalidatingEventBus, MemorySearchCache, RedisSearchCache, type SearchCache } from '../services/search-cache.ts';

/**
 * The state processes share when REDIS_URL is set — rate-limit counters, the search cache, live
 * events — and its in-process stand-ins otherwise. One command connection serves limits, cache and
 * publishing; the event bus adds a subscriber connection only when it is asked for.
 */
export interface SharedServices {
  redis: Redis | undefined;
  /** Per-user limits in cloud mode; undefined in local mode (one owner importing whole libraries). */
  limits: ApiLimits | undefined;
  /** The counters behind `limits`, also used for the public share pages (per client address) in both modes. */
  limiter: RateLimiter;
  /**
   * Redis when configured; in memory for a process alone with its database; none when several
   * processes share a database without Redis — a worker's completion could not reach another
   * process's memory, and searches would miss new files for up to 5 minutes.
   */
  searchCache: SearchCache | undefined;
  /** The same bus, but completed uploads and deletes also invalidate that user's cached searches. */
  withCacheInvalidation(bus: EventBus): EventBus;
  /** A Redis pub/sub bus (REDIS_URL), or undefined: then keep the in-process or Postgres bus. */
  redisEventBus(): RedisEventBus | undefined;
  close(): Promise<void>;
}

export async function openSharedServices(config: Pick<Config, 'mode' | 'cloud' | 'databaseUrl'>, log: Logger): Promise<SharedServices> {
  const url = config.cloud.redisUrl;
  const onError = (err: unknown) => log.warn({ err }, 'redis error');
  // ioredis loads only with REDIS_URL: the embedded default never needs it.
  const client = url ? await import('../redis.ts') : undefined;
  const redis = url && client ? client.connectRedis(url, 'commands', onError) : undefined;
  const connections: Redis[] = redis ? [redis] : [];
  const limiter: RateLimiter = redis ? new RedisRateLimiter(redis) : new MemoryRateLimiter();
  const searchCache: SearchCache | undefined = redis ? new RedisSearchCache(redis) : config.databaseUrl ? undefined : new MemorySearchCache();
  let bus: RedisEventBus | undefined;
  return {
    redis,
    limiter,
    limits: config.mode === 'cloud'
      ? new ApiLimits(limiter, { uploadsPerDay: config.cloud.uploadsPerDay, requestsPerMinute: config.cloud.requestsPerMinute })
      : undefined,
    searchCache,
    withCacheInvalidation: (inner) => searchCache
      ? new CacheInvalidatingEventBus(inner, searchCache, (err) => log.warn({ err }, 'search cache invalidation failed'))
      : inner,
    redisEventBus() {
      if (!url || !redis || !client) return undefined;
      if (!bus) {
        const subscriber = client.connectRedis(url, 'events', onError);
        connections.push(subscriber);
        bus = new RedisEventBus({ publisher: redis, subscriber, onError: (err) => log.warn({ err }, 'redis event bus error') });
      }
      return bus;
    },
    async close() {
      if (client) await Promise.all(connections.map(client.closeRedis));
    },
  };
}
