/**
 * The search cache over real HTTP: a repeated search is a hit (X-Cache), the user's own completed
 * upload or delete invalidates it, another user's does not; and the Redis cache shared by two
 * instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchBody, SearchResponse } from '../../shared/api/schemas.ts';
import { LocalTokenAuthenticator } from '../../server/http/auth.ts';
import { MemorySearchCache, RedisSearchCache, type CachedSearch } from '../../server/services/search-cache.ts';
import { redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.ts';
import { startCloudApp, type CloudApp } from './cloud-app.ts';

const A = 'token-a-0123456789';
const B = 'token-b-0123456789';
const cache = new MemorySearchCache();
let s: CloudApp;

beforeAll(async () => {
  s = await startCloudApp({ auth: (db) => new LocalTokenAuthenticator(db, { [A]: 'a', [B]: 'b' }), cache, worker: true });
});
afterAll(async () => {
  await s?.close();
});

async function search(token: string, query: string) {
  const res = await s.json<SearchResponse>('/api/v1/search', token, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }),
  });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return { cache: res.headers.get('x-cache'), names: res.body.data.results.map((r) => r.filename).sort() };
}

async function uploadAndWait(token: string, text: string, name: string) {
  const up = await s.upload(token, text, name);
  expect(up.status, JSON.stringify(up.body.error)).toBe(202);
  await s.waitForStatus(token, up.body.data.upload_id, 'completed');
  return up.body.data.upload_id;
}

describe('search cache (in memory)', () => {
  let first = '';
  it('answers a repeated search (same user, same normalised request) from the cache', async () => {
    first = await uploadAndWait(A, 'a lighthouse on a rocky coast in the fog', 'lighthouse.txt');
    expect(await search(A, 'lighthouse')).toEqual({ cache: 'miss', names: ['lighthouse.txt'] });
    expect(await search(A, 'lighthouse')).toEqual({ cache: 'hit', names: ['lighthouse.txt'] });
    expect(await search(A, '  lighthouse ')).toEqual({ cache: 'hit', names: ['lighthouse.txt'] });
    // Another user's identical search is theirs alone.
    expect(await search(B, 'lighthouse')).toEqual({ cache: 'miss', names: [] });
  });

  it('keeps rows, not signed links, in the cache', async () => {
    const entries = [...(cache as unknown as { entries: Map<string, { search: CachedSearch }> }).entries.values()];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(JSON.stringify(entry.search.rows)).not.toContain('thumbnail_url');
  });

  it('is not invalidated by another user\'s upload', async () => {
    await uploadAndWait(B, 'a lighthouse painted red and white', 'b-lighthouse.txt');
    expect(await search(A, 'lighthouse')).toEqual({ cache: 'hit', names: ['lighthouse.txt'] });
  });

  it('is invalidated when one of the user\'s uploads completes', async () => {
    await uploadAndWait(A, 'the old lighthouse keeper\'s logbook', 'logbook.txt');
    expect(await search(A, 'lighthouse')).toEqual({ cache: 'miss', names: ['lighthouse.txt', 'logbook.txt'] });
    expect((await search(A, 'lighthouse')).cache).toBe('hit');
  });

  it('is invalidated when the user deletes an upload', async () => {
    expect((await s.json(`/api/v1/upload/${first}`, A, { method: 'DELETE' })).status).toBe(200);
    expect(await search(A, 'lighthouse')).toEqual({ cache: 'miss', names: ['logbook.txt'] });
  });
});

describe.skipIf(redisSkipReason)(`search cache in Redis${redisSkipReason ? ` (skipped: ${redisSkipReason})` : ''}`, () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('is shared by two instances, expires after 5 minutes, and one instance\'s invalidation reaches the other', async () => {
    const one = new RedisSearchCache(redis.client());
    const two = new RedisSearchCache(redis.client());
    const body = { query: 'Harbour  at dusk', limit: 20 } as SearchBody;
    const rows: CachedSearch = {
      rows: [{
        result: { upload_id: 'u1', filename: 'harbour.jpg', file_type: 'image', mime_type: 'image/jpeg', summary: 'boats', similarity_score: 0.9, created_at: new Date(0).toISOString(), cloud_status: 'done', keep_local: false },
        thumbnailKey: 'user/u1/thumbnail.jpg',
      }],
      total: 1,
      facets: { file_type: { image: 1 }, year: { 1970: 1 }, month: { '1970-01': 1 }, camera: {} },
    };
    await one.set('user-1', body, rows);
    expect(await two.get('user-1', { ...body, query: ' Harbour at dusk ' })).toEqual(rows);
    expect(await two.get('user-2', body)).toBeUndefined();
    const [key] = await redis.client().keys('trove:sc:user-1:*');
    const ttl = await redis.client().pttl(key!);
    expect(ttl).toBeGreaterThan(290_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    await two.invalidate('user-1');
    expect(await one.get('user-1', body)).toBeUndefined();
  });
});
