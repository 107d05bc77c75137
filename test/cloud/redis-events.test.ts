/**
 * Live status events across processes: two RedisEventBus instances (each with its own
 * connections, as two processes have) on one Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent, UploadEvent } from '../../shared/api/schemas.ts';
import { openSharedServices } from '../../server/composition/shared-services.ts';
import type { CloudConfig } from '../../server/config-cloud.ts';
import { RedisEventBus } from '../../server/events/redis-event-bus.ts';
import { RedisRateLimiter } from '../../server/http/rate-limit-redis.ts';
import { RedisSearchCache } from '../../server/services/search-cache.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.ts';

const event = (id: string, status: UploadEvent['status'] = 'completed'): UploadEvent =>
  ({ upload_id: id, job_id: null, status, progress: 100, stage: status, error: null });

describe.skipIf(redisSkipReason)(`RedisEventBus${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  let redis: TestRedis;
  let worker: RedisEventBus;
  let api: RedisEventBus;

  beforeAll(async () => {
    redis = await startRedis();
    worker = new RedisEventBus({ publisher: redis.client(), subscriber: redis.client() });
    api = new RedisEventBus({ publisher: redis.client(), subscriber: redis.client() });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const nextEvents = (bus: RedisEventBus, userId: string, n: number) => {
    const got: LiveEvent[] = [];
    let unsubscribe = () => undefined as void;
    const done = new Promise<LiveEvent[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${n} events arrived`)), 5_000);
      unsubscribe = bus.subscribe(userId, (e) => {
        got.push(e);
        if (got.length === n) {
          clearTimeout(timer);
          resolve(got);
        }
      });
    });
    return { done, unsubscribe: () => unsubscribe(), ready: bus.ready(userId) };
  };

  it('delivers an event published by one instance to a subscriber on another, in order, once', async () => {
    const sub = nextEvents(api, 'user-1', 2);
    await sub.ready;
    worker.publish('user-1', event('a', 'processing'));
    worker.publish('user-1', event('a', 'completed'));
    expect((await sub.done).map((e) => (e as UploadEvent).status)).toEqual(['processing', 'completed']);
    sub.unsubscribe();
  });

  it('keeps users apart and delivers a process\'s own events to its local listeners exactly once', async () => {
    const mine = nextEvents(api, 'user-2', 1);
    const other: LiveEvent[] = [];
    const off = api.subscribe('user-3', (e) => other.push(e));
    await Promise.all([mine.ready, api.ready('user-3')]);
    api.publish('user-2', event('b'));
    expect(await mine.done).toEqual([event('b')]);
    await new Promise((r) => setTimeout(r, 200));
    expect(other).toEqual([]);
    off();
    mine.unsubscribe();
  });

  it('stops delivering (and unsubscribes from Redis) after the last listener leaves', async () => {
    const seen: LiveEvent[] = [];
    const off = api.subscribe('user-4', (e) => seen.push(e));
    await api.ready('user-4');
    off();
    await new Promise((r) => setTimeout(r, 100));
    expect(await redis.client().pubsub('NUMSUB', 'trove:events:user-4')).toEqual(['trove:events:user-4', 0]);
    worker.publish('user-4', event('c'));
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
  });
});

describe.skipIf(redisSkipReason)(`openSharedServices${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
  const cloud = (redisUrl: string | undefined) => ({ redisUrl, uploadsPerDay: 100, requestsPerMinute: 600 }) as CloudConfig;

  it('builds Redis-backed limits, cache and bus from REDIS_URL in cloud mode', async () => {
    const redis = await startRedis();
    try {
      const shared = await openSharedServices({ mode: 'cloud', cloud: cloud(redis.url), databaseUrl: undefined }, silent);
      expect(shared.limits?.limiter).toBeInstanceOf(RedisRateLimiter);
      expect(shared.limits?.opts).toEqual({ uploadsPerDay: 100, requestsPerMinute: 600 });
      expect(shared.searchCache).toBeInstanceOf(RedisSearchCache);
      const bus = shared.withCacheInvalidation(shared.redisEventBus()!);
      const got = new Promise<LiveEvent>((resolve) => bus.subscribe('u', resolve));
      await shared.redisEventBus()!.ready('u');
      bus.publish('u', event('z'));
      expect(await got).toEqual(event('z'));
      await shared.close();
    } finally {
      await redis.stop();
    }
  });

  it('has no limits in local mode and no cache for processes sharing a database without Redis', async () => {
    const local = await openSharedServices({ mode: 'local', cloud: cloud(undefined), databaseUrl: undefined }, silent);
    expect(local.limits).toBeUndefined();
    expect(local.searchCache).toBeDefined();
    expect(local.redisEventBus()).toBeUndefined();
    expect((await openSharedServices({ mode: 'cloud', cloud: cloud(undefined), databaseUrl: 'postgres://x/y' }, silent)).searchCache).toBeUndefined();
  });
});
