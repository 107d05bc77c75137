/**
 * Query embeddings are cached (QueryVectorCache): least recently used out first, bounded, keyed
 * by user, model and text, one model call for a query asked twice at once, failures not kept.
 * And in SearchService (real PGlite, the real hash embedder counted): the same words searched
 * again — the next page — do not reach the embedder, and the Prometheus counter says so.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashEmbedder } from '../../../server/analysis/hash-embedder.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest } from '../../../server/db/migrate.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';
import { Metrics } from '../../../server/metrics.ts';
import { FileLinks } from '../../../server/services/file-links.ts';
import { QueryVectorCache } from '../../../server/services/query-vector-cache.ts';
import { SearchService } from '../../../server/services/search-service.ts';
import { HmacUrlSigner } from '../../../server/storage/url-signer.ts';

const SMALL = { model: 'm-2', dimensions: 2 };

/** An embedder stand-in that records each text it is asked to embed (returns its length as a vector). */
function counting() {
  const calls: string[] = [];
  return { calls, embed: (text: string) => async () => { calls.push(text); return [text.length, 1]; } };
}

describe('QueryVectorCache', () => {
  it('evicts the least recently used entry beyond its size; a hit refreshes an entry', async () => {
    const cache = new QueryVectorCache(2);
    const e = counting();
    await cache.vector('u', SMALL, 'a', e.embed('a'));
    await cache.vector('u', SMALL, 'bb', e.embed('bb'));
    expect(await cache.vector('u', SMALL, 'a', e.embed('a'))).toEqual({ vector: [1, 1], hit: true }); // a is now the newest
    await cache.vector('u', SMALL, 'ccc', e.embed('ccc')); // evicts bb, the least recently used
    expect(cache.size).toBe(2);
    expect((await cache.vector('u', SMALL, 'a', e.embed('a'))).hit).toBe(true);
    expect(await cache.vector('u', SMALL, 'bb', e.embed('bb'))).toEqual({ vector: [2, 1], hit: false });
    expect(e.calls).toEqual(['a', 'bb', 'ccc', 'bb']);
    expect(cache.size).toBe(2);
  });

  it('keys by user, model and the exact text', async () => {
    const cache = new QueryVectorCache(10);
    const e = counting();
    await cache.vector('u', SMALL, 'Beach', e.embed('Beach'));
    expect((await cache.vector('u', { model: 'other', dimensions: 2 }, 'Beach', e.embed('Beach'))).hit).toBe(false);
    expect((await cache.vector('v', SMALL, 'Beach', e.embed('Beach'))).hit).toBe(false);
    expect((await cache.vector('u', SMALL, 'beach', e.embed('beach'))).hit).toBe(false);
    expect((await cache.vector('u', SMALL, 'Beach', e.embed('Beach'))).hit).toBe(true);
    expect(e.calls).toEqual(['Beach', 'Beach', 'Beach', 'beach']);
  });

  it('embeds a query asked twice at once only once, and keeps no failure', async () => {
    const cache = new QueryVectorCache(10);
    const e = counting();
    const [first, second] = await Promise.all([cache.vector('u', SMALL, 'dog', e.embed('dog')), cache.vector('u', SMALL, 'dog', e.embed('dog'))]);
    expect([first.hit, second.hit]).toEqual([false, true]);
    expect(e.calls).toEqual(['dog']);

    await expect(cache.vector('u', SMALL, 'cat', () => Promise.reject(new Error('model away')))).rejects.toThrow('model away');
    expect(cache.size).toBe(1);
    expect(await cache.vector('u', SMALL, 'cat', e.embed('cat'))).toEqual({ vector: [3, 1], hit: false });
  });
});

describe('SearchService with the cache', () => {
  let dir: string;
  let database: Database;
  let userId: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-qvc-'));
    database = await openDatabase({ dataDir: dir });
    await migrateToLatest(database.db);
    await ensureVectorIndex(database.db, 'hash-256', 256);
    userId = (await ensureUser(database.db, 'local:owner')).id;
  });

  afterAll(async () => {
    await database?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('a search repeated (the next page, the same words) skips the embedder; the counter counts hits and misses', async () => {
    const hash = new HashEmbedder();
    const embedded: string[] = [];
    const embedder = Object.assign(Object.create(hash) as HashEmbedder, {
      embed: (texts: string[], signal?: AbortSignal) => {
        embedded.push(...texts);
        return hash.embed(texts, signal);
      },
    });
    const metrics = new Metrics();
    const service = new SearchService({
      db: database.db, embedders: [embedder], links: new FileLinks(new HmacUrlSigner(Buffer.alloc(32, 7))), metrics, queryVectors: new QueryVectorCache(10),
    });
    await service.search(userId, { query: 'boats harbour', limit: 20 });
    await service.search(userId, { query: 'boats harbour', limit: 20, offset: 20 });
    await service.search(userId, { query: 'boats harbour', limit: 5, sort: 'newest' });
    expect(embedded).toEqual(['boats harbour']);
    await service.search(userId, { query: 'sunset', limit: 20 });
    expect(embedded).toEqual(['boats harbour', 'sunset']);
    const counter = await metrics.queryEmbeddingCache.get();
    const count = (result: string) => counter.values.find((v) => v.labels.result === result)?.value;
    expect({ hit: count('hit'), miss: count('miss') }).toEqual({ hit: 2, miss: 2 });
  });
});
