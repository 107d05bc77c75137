import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isBatchEvent, type LiveEvent, type SearchBody, type SearchFacets, type SearchResult } from '../../shared/api/schemas.ts';
import type { EventBus } from '../events/event-bus.ts';

/** The spec: identical searches by the same user within 5 minutes are answered from cache. */
export const SEARCH_CACHE_TTL_MS = 5 * 60 * 1000;

/**
 * One cached result row. The thumbnail is kept as its storage key, not as a link: signed links
 * live 5 minutes too, so a link cached at minute 4 would be dead a minute into its cache life.
 * Links are signed afresh on every hit.
 */
export interface CachedRow {
  result: Omit<SearchResult, 'thumbnail_url'>;
  thumbnailKey: string | null;
}

/** One answered page: its rows, the size of the whole ranked list and the counts over it. */
export interface CachedSearch {
  rows: CachedRow[];
  total: number;
  facets: SearchFacets;
  /** Matches the relevance cut-off left out (SearchResponse.more_below_cutoff); absent in entries written before it existed. */
  weaker?: number | undefined;
}

/**
 * Cache of search results per user. Entries are keyed by the user's generation number, and an
 * upload completing or a delete bumps it: every older entry of that user becomes unreachable at
 * once (and expires on its own), with no need to find and delete them.
 */
export interface SearchCache {
  get(userId: string, body: SearchBody): Promise<CachedSearch | undefined>;
  set(userId: string, body: SearchBody, search: CachedSearch): Promise<void>;
  invalidate(userId: string): Promise<void>;
}

/**
 * The request as the search sees it: whitespace collapsed, filters sorted, defaults filled — so
 * "cat " and "cat" share an entry. Case is kept: the embedding model sees it.
 */
export function normalisedRequest(body: SearchBody): string {
  return JSON.stringify([
    body.query.normalize('NFC').trim().replace(/\s+/g, ' '),
    [...(body.file_types ?? [])].sort(),
    body.date_from ?? null, body.date_to ?? null, body.limit, body.min_score ?? null, body.sort ?? 'relevance',
    body.nsfw ?? 'include', body.offset ?? 0, body.interpret ?? true, body.include_weaker ?? false,
  ]);
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');

/** In-process LRU: the embedded default, and cloud mode without REDIS_URL. */
export class MemorySearchCache implements SearchCache {
  private readonly entries = new Map<string, { search: CachedSearch; until: number }>();
  private readonly generations = new Map<string, number>();

  constructor(private readonly opts: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}) {}

  private key(userId: string, body: SearchBody): string {
    return `${userId}:${this.generations.get(userId) ?? 0}:${digest(normalisedRequest(body))}`;
  }

  async get(userId: string, body: SearchBody): Promise<CachedSearch | undefined> {
    const key = this.key(userId, body);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.until <= this.now()) return undefined;
    this.entries.set(key, entry); // re-inserted: Map order is the LRU order
    return entry.search;
  }

  async set(userId: string, body: SearchBody, search: CachedSearch): Promise<void> {
    const key = this.key(userId, body);
    this.entries.delete(key);
    this.entries.set(key, { search, until: this.now() + (this.opts.ttlMs ?? SEARCH_CACHE_TTL_MS) });
    const max = this.opts.maxEntries ?? 1000;
    while (this.entries.size > max) this.entries.delete(this.entries.keys().next().value!);
  }

  async invalidate(userId: string): Promise<void> {
    this.generations.set(userId, (this.generations.get(userId) ?? 0) + 1);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }
}

/** Shared by every API process through Redis (REDIS_URL): a worker's completion invalidates for all. */
export class RedisSearchCache implements SearchCache {
  constructor(private readonly redis: Redis, private readonly opts: { prefix?: string; ttlMs?: number } = {}) {}

  private get prefix(): string {
    return this.opts.prefix ?? 'trove:sc:';
  }

  private async key(userId: string, body: SearchBody): Promise<string> {
    const gen = (await this.redis.get(`${this.prefix}gen:${userId}`)) ?? '0';
    return `${this.prefix}${userId}:${gen}:${digest(normalisedRequest(body))}`;
  }

  async get(userId: string, body: SearchBody): Promise<CachedSearch | undefined> {
    const raw = await this.redis.get(await this.key(userId, body));
    if (raw === null) return undefined;
    const search = JSON.parse(raw) as Partial<CachedSearch> | null;
    // An entry another version wrote (a rolling deploy shares the Redis) is a miss, not a crash.
    return Array.isArray(search?.rows) && search.facets ? (search as CachedSearch) : undefined;
  }

  async set(userId: string, body: SearchBody, search: CachedSearch): Promise<void> {
    await this.redis.set(await this.key(userId, body), JSON.stringify(search), 'PX', this.opts.ttlMs ?? SEARCH_CACHE_TTL_MS);
  }

  async invalidate(userId: string): Promise<void> {
    const gen = `${this.prefix}gen:${userId}`;
    // The counter may expire a day after the last bump: by then every entry keyed by it is long gone.
    await this.redis.multi().incr(gen).pexpire(gen, 86_400_000).exec();
  }
}

/** Whether an event changes what a user's searches would find (a restored file is found again). */
export const changesSearchResults = (e: LiveEvent): boolean => !isBatchEvent(e) && (e.status === 'completed' || e.deleted === true || e.restored === true);

/**
 * Wraps the event bus so every event that changes a user's results (processing completed, upload
 * deleted) also invalidates that user's cached searches — wherever it is published, with no
 * change to the upload and processing services.
 */
export class CacheInvalidatingEventBus implements EventBus {
  constructor(private readonly inner: EventBus, private readonly cache: SearchCache, private readonly onError: (err: unknown) => void = () => undefined) {}

  publish(userId: string, event: LiveEvent): void {
    if (changesSearchResults(event)) this.cache.invalidate(userId).catch(this.onError);
    this.inner.publish(userId, event);
  }

  subscribe(userId: string, listener: (event: LiveEvent) => void): () => void {
    return this.inner.subscribe(userId, listener);
  }
}

/** Marks a response object as a cache hit or miss; read by the HTTP layer for the X-Cache header. */
const statuses = new WeakMap<object, 'hit' | 'miss'>();
export function markCacheStatus<T extends object>(response: T, status: 'hit' | 'miss'): T {
  statuses.set(response, status);
  return response;
}
export function cacheStatusOf(response: unknown): 'hit' | 'miss' | undefined {
  return response !== null && typeof response === 'object' ? statuses.get(response) : undefined;
}
