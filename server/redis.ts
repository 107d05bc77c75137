import { Redis } from 'ioredis';

/**
 * A Redis connection for limits, cache and events (REDIS_URL). Commands fail after one retry
 * instead of ioredis's default 20, so a Redis outage makes requests skip the limiter and cache
 * (both let requests through) within a second rather than hang; ioredis keeps reconnecting.
 */
export function connectRedis(url: string, name: string, onError: (err: unknown) => void = () => undefined): Redis {
  const redis = new Redis(url, { connectionName: `trove-${name}`, maxRetriesPerRequest: 1, connectTimeout: 5_000, lazyConnect: false });
  // Without a listener ioredis prints every reconnect failure to stderr.
  redis.on('error', onError);
  return redis;
}

/** Closes the connection after pending commands are answered; a dead server is disconnected outright. */
export async function closeRedis(redis: Redis): Promise<void> {
  await redis.quit().catch(() => redis.disconnect());
}
