/**
 * Per-user limits over real HTTP (uploads per day, requests per minute → 429 + Retry-After), and
 * the Redis limiter shared by two instances as two processes would share it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTokenAuthenticator } from '../../server/http/auth.ts';
import { MemoryRateLimiter } from '../../server/http/rate-limit.ts';
import { RedisRateLimiter } from '../../server/http/rate-limit-redis.ts';
import { ApiLimits } from '../../server/http/rate-limit-hooks.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.ts';
import { startCloudApp, type CloudApp } from './cloud-app.ts';

const A = 'token-a-0123456789';
const B = 'token-b-0123456789';
const C = 'token-c-0123456789';
const UPLOADS_PER_DAY = 3;
const REQUESTS_PER_MINUTE = 30;
/** A fixed clock: 18:00 UTC, six hours before the daily window ends. */
let clock = Date.UTC(2030, 0, 1, 18, 0, 0);
let s: CloudApp;

beforeAll(async () => {
  s = await startCloudApp({
    auth: (db) => new LocalTokenAuthenticator(db, { [A]: 'a', [B]: 'b', [C]: 'c' }),
    limits: new ApiLimits(new MemoryRateLimiter(() => clock), { uploadsPerDay: UPLOADS_PER_DAY, requestsPerMinute: REQUESTS_PER_MINUTE }),
  });
});
afterAll(async () => {
  await s?.close();
});

const tusCreate = (token: string, filename: string) => s.call('/api/v1/tus', token, {
  method: 'POST',
  headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': '5', 'Upload-Metadata': `filename ${Buffer.from(filename).toString('base64')}` },
});

describe('uploads per user per day', () => {
  it('refuses the upload after the daily limit with 429 RATE_LIMITED, Retry-After and when to come back', async () => {
    for (let i = 0; i < UPLOADS_PER_DAY; i++) {
      const res = await s.upload(A, `daily note number ${i}`, `note-${i}.txt`);
      expect(res.status, JSON.stringify(res.body.error)).toBe(202);
      // Sending the same bytes again is answered as a duplicate and takes no slot.
      if (i === 0) expect((await s.upload(A, 'daily note number 0', 'again.txt')).status).toBe(200);
    }
    // A file over the limit is refused before its body is read (so a duplicate would be, too).
    const res = await s.upload(A, 'one too many', 'extra.txt');
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe('RATE_LIMITED');
    expect(res.headers.get('retry-after')).toBe(String(6 * 3600));
    expect(res.body.error?.message).toMatch(/3 files a day\. Try again after 2030-01-02T00:00:00\.000Z \(in 6 h 0 min\)/);
    expect((await s.json<{ total: number }>('/api/v1/uploads', A)).body.data.total).toBe(UPLOADS_PER_DAY);
    // Resumable uploads count against the same allowance.
    expect((await tusCreate(A, 'resumable.txt')).status).toBe(429);
  });

  it('counts tus creations, and another user has an allowance of their own', async () => {
    expect((await tusCreate(B, 'one.txt')).status).toBe(201);
    expect((await s.upload(B, 'second of b', 'b2.txt')).status).toBe(202);
    expect((await s.upload(B, 'third of b', 'b3.txt')).status).toBe(202);
    expect((await s.upload(B, 'fourth of b', 'b4.txt')).status).toBe(429);
  });

  it('gives a refused or failed upload its slot back', async () => {
    expect((await s.upload(C, '', 'empty.txt')).status).toBe(400); // EMPTY_FILE
    for (let i = 0; i < UPLOADS_PER_DAY; i++) expect((await s.upload(C, `c file ${i}`, `c${i}.txt`)).status).toBe(202);
  });

  it('opens again when the next UTC day starts', async () => {
    clock += 6 * 3600 * 1000;
    expect((await s.upload(A, 'a new day', 'tomorrow.txt')).status).toBe(202);
  });
});

describe('requests per user per minute', () => {
  it('refuses the request after the per-minute limit with Retry-After up to the minute\'s end', async () => {
    clock = Date.UTC(2030, 0, 5, 9, 30, 15);
    for (let i = 0; i < REQUESTS_PER_MINUTE; i++) expect((await s.call('/api/v1/uploads', C)).status).toBe(200);
    const res = await s.json('/api/v1/uploads', C);
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe('RATE_LIMITED');
    expect(res.headers.get('retry-after')).toBe('45');
    expect(res.body.error?.message).toMatch(/30 API requests a minute\. Try again in 45 s/);
    // Another user is not affected; the next minute opens again.
    expect((await s.call('/api/v1/uploads', B)).status).toBe(200);
    clock += 45_000;
    expect((await s.call('/api/v1/uploads', C)).status).toBe(200);
  });
});

describe.skipIf(redisSkipReason)(`Redis limiter${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('shares one count between two limiter instances (two processes) through one Redis', async () => {
    const now = () => Date.UTC(2030, 0, 1, 23, 59, 0);
    const one = new RedisRateLimiter(redis.client(), undefined, now);
    const two = new RedisRateLimiter(redis.client(), undefined, now);
    const hits = [await one.hit('upl:u1', 3, 86_400_000), await two.hit('upl:u1', 3, 86_400_000), await one.hit('upl:u1', 3, 86_400_000)];
    expect(hits.map((h) => [h.allowed, h.count])).toEqual([[true, 1], [true, 2], [true, 3]]);
    const refused = await two.hit('upl:u1', 3, 86_400_000);
    expect(refused).toMatchObject({ allowed: false, count: 3, retryAfterSec: 60 });
    // Refused hits are not counted, and an undone hit frees its slot for the other instance.
    await one.undo(hits[2]!);
    expect((await two.hit('upl:u1', 3, 86_400_000)).allowed).toBe(true);
    // Counters expire shortly after their window ends.
    const ttl = await redis.client().pttl(`trove:rl:${hits[0]!.bucket}`);
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });

  it('is atomic under concurrent hits', async () => {
    const limiters = [new RedisRateLimiter(redis.client()), new RedisRateLimiter(redis.client())];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 2]!.hit('req:u2', 25, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
  });
});
