import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import {
  DEFAULT_MIN_SCORE, NEAR_DUPLICATE_MAX_DISTANCE, RELATED_MIN_SCORE, SNIPPET_MARKS, type SearchBody, type SearchHistoryDeleted, type SearchReason,
  type SearchMoment, type SearchResponse, type SearchResult, type SearchSuggestions, type SimilarResponse,
} from '../../shared/api/schemas.ts';
import { formatQuery } from '../../shared/search/query-format.ts';
import { hammingDistance } from '../../shared/node/media/index.ts';
import type { Embedder } from '../analysis/types.ts';
import type { DB } from '../db/schema.ts';
import { bestMoments, type Moment } from '../db/chunks-repo.ts';
import * as search from '../db/search-repo.ts';
import type { UsageRow } from '../db/usage-repo.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Metrics } from '../metrics.ts';
import type { FileLinks } from './file-links.ts';
import { QueryVectorCache } from './query-vector-cache.ts';
import { markCacheStatus, type CachedSearch, type SearchCache } from './search-cache.ts';
import { DEFAULT_CUTOFF, SIMILARITY_SCALES } from './search-calibration.ts';
import { interpretSearch, repositoryFilters } from './search-interpretation.ts';
import { SuggestionVocabulary } from './suggestion-vocabulary.ts';
import { loadPlaces } from './search-places.ts';
import type { UsageService } from './usage-service.ts';
import { relatedTerms } from '../vocabulary/related-words.ts';

/** Candidates each ranker brings to the fusion; more than any page so fusion has room to reorder. */
const CANDIDATES = 100;
/** Far beyond any sentence; the embedder truncates further to what its model takes. */
const MAX_EMBED_QUERY = 1000;

/** A flat picture hashes to all zeros whatever its colour, so that hash says nothing about likeness. */
const informative = (phash: string | null): phash is string => phash !== null && !/^0+$/.test(phash);

export interface SearchDeps {
  db: Kysely<DB>;
  /** The configured embedder first, then any other whose vectors a user's files may carry (the offline one, for kept-local files). */
  embedders: readonly Embedder[];
  links: FileLinks;
  metrics: Metrics;
  /** Prices the query embeddings of paid embedders. */
  usage?: UsageService | undefined;
  cache?: SearchCache | undefined;
  /** Says when a user's files change, so the words suggested to them are read again. */
  events?: EventBus | undefined;
  /** What "last week" is measured from; the real clock unless a test fixes it. */
  now?: (() => Date) | undefined;
  /** Default: a QueryVectorCache of its own (a test passes a small one). */
  queryVectors?: QueryVectorCache | undefined;
  /** false only in `npm run bench`: the baseline without counts and reasons (HybridQuery.facetsAndReasons). */
  facetsAndReasons?: boolean | undefined;
}

const marked = (s: string | null): s is string => s !== null && s.includes(SNIPPET_MARKS.start);

/** Why a hit is in the list, for people: which ranker found it, the words in context, the tags that match. */
function reasonOf(h: search.HybridHit, wordsAsked: boolean): SearchReason {
  if (!wordsAsked) return { by: 'filters' };
  if (!h.by_text) return { by: 'meaning' };
  const snippet = marked(h.summary_headline) ? h.summary_headline : marked(h.text_headline) ? h.text_headline : undefined;
  const matched = h.matched?.length ? h.matched : undefined;
  const field = marked(h.summary_headline) ? 'summary' : marked(h.text_headline) ? 'text' : matched ? 'tags' : h.name_match ? 'name' : undefined;
  return {
    // Found by meaning too only when the vector says so clearly, not merely by being among its candidates.
    by: h.by_vector && h.similarity >= RELATED_MIN_SCORE ? 'both' : 'text',
    ...(snippet ? { snippet } : {}), ...(field ? { field } : {}), ...(matched ? { matched } : {}),
  };
}

/** Words kept before the first matched one, so a card's short quote shows the match. */
const MOMENT_LEAD_WORDS = 4;

/** The API's moment: a page, or a time span; its words on one line, starting shortly before the first match. */
function momentOf(m: Moment | undefined): SearchMoment | undefined {
  if (!m) return undefined;
  const marked = m.text.replace(/\s+/g, ' ').trim();
  const at = marked.indexOf(SNIPPET_MARKS.start);
  const lead = at > 0 ? marked.slice(0, at).split(' ').slice(-MOMENT_LEAD_WORDS - 1).join(' ') : '';
  const text = (at > 0 ? lead + marked.slice(at) : marked).replaceAll(SNIPPET_MARKS.start, '').replaceAll(SNIPPET_MARKS.end, '').trim();
  if (m.page !== null) return { page: m.page, text };
  if (m.start_s === null) return undefined;
  return { start_s: Math.max(0, m.start_s), ...(m.end_s !== null ? { end_s: Math.max(m.start_s, m.end_s) } : {}), text };
}

export class SearchService {
  private readonly embedder: Embedder;
  private readonly vocabulary: SuggestionVocabulary;

  /** Query embeddings asked for again (QueryVectorCache). */
  private readonly queryVectors: QueryVectorCache;

  constructor(private readonly deps: SearchDeps) {
    this.queryVectors = deps.queryVectors ?? new QueryVectorCache();
    this.vocabulary = new SuggestionVocabulary({ db: deps.db, events: deps.events });
    const [first] = deps.embedders;
    if (!first) throw new Error('SearchService needs at least one embedder');
    this.embedder = first;
  }

  async search(userId: string, body: SearchBody): Promise<SearchResponse> {
    const started = performance.now();
    const query = body.query.trim();
    if (query === '') throw new TroveError('VALIDATION_ERROR', 'Type something to search for.', [{ path: 'body/query', message: 'must not be blank' }]);
    if (body.date_from && body.date_to && new Date(body.date_from) > new Date(body.date_to)) {
      throw new TroveError('VALIDATION_ERROR', 'date_from is after date_to.', [{ path: 'body/date_from', message: 'must not be after date_to' }]);
    }
    // The user's folders and collections, so "in Holidays" can name one (not read when the words are taken as typed).
    const places = body.interpret === false ? undefined : await loadPlaces(this.deps.db, userId);
    const interpreted = interpretSearch(query, body, (this.deps.now ?? (() => new Date()))(), places);
    const { text, filters } = interpreted;
    const offset = body.offset ?? 0;
    const sort = body.sort === 'date' ? 'newest' : body.sort ?? 'relevance';
    // Cached by what the search does, not by how it was typed: "last week" moves with the clock.
    const key: SearchBody = {
      query: formatQuery(interpreted), limit: body.limit, offset, min_score: body.min_score, sort, nsfw: body.nsfw, interpret: body.interpret ?? true,
      include_weaker: body.include_weaker ?? false,
    };
    // The calibrated cut-off is the default; a caller's own min_score replaces it, and include_weaker lifts it.
    const cutoff = body.include_weaker === true || body.min_score !== undefined ? undefined : DEFAULT_CUTOFF;
    const { db, cache } = this.deps;
    // A cache that cannot answer (Redis away) only costs the speed-up, never the search.
    const cached = await cache?.get(userId, key).catch(() => undefined);
    let found: CachedSearch;
    if (cached) {
      found = cached;
    } else {
      const where = {
        userId, limit: body.limit, offset, sort, nsfw: body.nsfw ?? 'include', ...repositoryFilters(filters, places), facetsAndReasons: this.deps.facetsAndReasons,
        // No folder or no collection: nothing to count there, and those counts cost the most to plan.
        placeFacets: places && { folders: places.folders.length > 0, collections: places.collections.length > 0 },
      } as const;
      const spaces = text === '' ? [] : await this.embedQuery(userId, text.slice(0, MAX_EMBED_QUERY));
      const page = text === ''
        ? await search.filteredSearch(db, where)
        : await search.rankedSearch(db, {
          ...where, text, related: relatedTerms(text), spaces, candidates: Math.max(CANDIDATES, body.limit), minScore: body.min_score ?? DEFAULT_MIN_SCORE,
          calibration: SIMILARITY_SCALES, cutoff,
        });
      // Where inside each recording or document the query matched (its pages and transcript segments).
      const moments = text === '' ? new Map<string, Moment>()
        : await bestMoments(db, page.hits.filter((h) => h.file_type !== 'image').map((h) => h.id), text, spaces);
      const rows = page.hits.map((h) => {
        const { thumbnail_url: _, ...result } = this.toResult(h);
        const moment = momentOf(moments.get(h.id));
        return { result: { ...result, reason: reasonOf(h, text !== ''), ...(moment ? { moment } : {}) }, thumbnailKey: h.thumbnail_uri };
      });
      found = { rows, total: page.total, facets: page.facets, weaker: page.weaker };
      await cache?.set(userId, key, found).catch(() => undefined);
    }
    // Links are signed on every answer, cached or not: a cached link could outlive its 5 minutes.
    const results = found.rows.map((r) => ({ ...r.result, thumbnail_url: r.thumbnailKey ? this.deps.links.thumbnail(r.thumbnailKey) : null }));
    const elapsed = performance.now() - started;
    const searchId = await search.recordSearch(db, {
      userId, query, resultCount: results.length, latencyMs: elapsed,
      filters: {
        file_types: body.file_types ?? null, date_from: body.date_from ?? null, date_to: body.date_to ?? null, limit: body.limit,
        offset, min_score: body.min_score ?? null, sort, nsfw: body.nsfw ?? 'include', interpret: body.interpret ?? true,
        include_weaker: body.include_weaker ?? false,
        time_zone: body.time_zone ?? null,
        interpreted: { text, filters },
      },
    });
    this.deps.metrics.searchLatency.observe(elapsed / 1000);
    const hasMore = offset + results.length < found.total;
    const response: SearchResponse = {
      results, search_id: searchId, processing_time_ms: Math.round(elapsed * 10) / 10,
      interpreted, facets: found.facets, total: found.total, has_more: hasMore, next_offset: hasMore ? offset + results.length : null,
      more_below_cutoff: found.weaker ?? 0,
    };
    return cache ? markCacheStatus(response, cached ? 'hit' : 'miss') : response;
  }

  /** The user's recent searches, newest first. */
  history(userId: string, limit: number, offset: number) {
    // The page asks for the history when the box gets focus: read the words to suggest meanwhile, so the first keystroke finds them.
    this.vocabulary.warm(userId);
    return search.searchHistory(this.deps.db, userId, limit, offset);
  }

  /** Forgets one recent search (and its repeats); 404 for an id that is not one of the user's. */
  async forgetSearch(userId: string, id: string): Promise<SearchHistoryDeleted> {
    const deleted = await search.forgetSearch(this.deps.db, userId, id);
    if (deleted === 0) throw new TroveError('NOT_FOUND', 'No search of yours with that id is in your history.');
    return { deleted };
  }

  async clearHistory(userId: string): Promise<SearchHistoryDeleted> {
    return { deleted: await search.clearSearchHistory(this.deps.db, userId) };
  }

  /** The user's own tags and cameras that start a word with what they are typing. */
  async suggestions(userId: string, prefix: string, limit: number): Promise<SearchSuggestions> {
    return { suggestions: await this.vocabulary.suggest(userId, prefix, limit) };
  }

  /**
   * The query in each vector space the user's files use: usually one; two when some files were kept
   * on this device (or waited for budget) and carry the offline model's vectors beside the cloud
   * model's. A user with no files yet still gets the configured space.
   */
  private async embedQuery(userId: string, query: string): Promise<search.VectorSpace[]> {
    const { db, embedders, usage } = this.deps;
    const used = embedders.length === 1 ? [] : await search.vectorSpacesOf(db, userId, embedders.map((e) => e.model));
    const chosen = used.length === 0 ? [this.embedder] : embedders.filter((e) => used.includes(e.model));
    const priced: UsageRow[] = [];
    const spaces = await Promise.all(chosen.map(async (e) => {
      // A vector from the cache costs no model call, so it is not priced either.
      const { vector, hit } = await this.queryVectors.vector(userId, e, query, async () => {
        const [v] = await e.embed([query], undefined, (u) => {
          if (usage) priced.push(usage.price({ userId, uploadId: null, fileType: null, kind: 'search' }, u));
        });
        if (!v) throw new TroveError('MODEL_UNAVAILABLE', 'The search model did not answer; try again.');
        return v;
      });
      this.deps.metrics.queryEmbeddingCache.inc({ result: hit ? 'hit' : 'miss' });
      return { vector, model: e.model, dimensions: e.dimensions };
    }));
    if (usage && priced.length > 0) await usage.record(db, priced);
    return spaces;
  }

  /**
   * Files like one of the user's own: the nearest neighbours of its stored vector (same model), with
   * pictures that look like the same image (perceptual hash within NEAR_DUPLICATE_MAX_DISTANCE bits)
   * flagged `near_duplicate` and listed first. 404 for an id that is not the caller's live, finished upload.
   */
  async similar(userId: string, uploadId: string, limit: number): Promise<SimilarResponse> {
    const started = performance.now();
    const { db } = this.deps;
    const source = await search.similaritySource(db, userId, uploadId);
    if (!source) throw new TroveError('NOT_FOUND', 'No processed file with that id exists.');
    // Neighbours live in the source's own vector space.
    const embedder = this.deps.embedders.find((e) => e.model === source.embedding_model) ?? this.embedder;
    const vector = source.embedding_model === embedder.model ? source.embedding : null;
    const hits = await search.similarUploads(db, {
      userId, excludeId: uploadId, vector, model: embedder.model, dimensions: embedder.dimensions,
      phash: source.phash, maxHashDistance: NEAR_DUPLICATE_MAX_DISTANCE, limit,
    });
    const ranked = hits
      .map((h) => ({ h, distance: informative(source.phash) && informative(h.phash) ? hammingDistance(source.phash, h.phash) : Infinity }))
      .map((x) => ({ ...x, dup: x.distance <= NEAR_DUPLICATE_MAX_DISTANCE }))
      .sort((a, b) => Number(b.dup) - Number(a.dup) || (a.dup ? a.distance - b.distance : 0) || b.h.similarity - a.h.similarity
        || b.h.created_at.getTime() - a.h.created_at.getTime())
      .slice(0, limit);
    const results = ranked.map(({ h, dup }) => ({ ...this.toResult(h), near_duplicate: dup }));
    const elapsed = performance.now() - started;
    return { results, processing_time_ms: Math.round(elapsed * 10) / 10 };
  }

  private toResult(h: search.SimilarHit | search.HybridHit): SearchResult {
    return {
      upload_id: h.id,
      filename: h.original_filename,
      file_type: h.file_type,
      mime_type: h.mime_type,
      summary: h.summary,
      similarity_score: Math.round(h.similarity * 10_000) / 10_000,
      thumbnail_url: h.thumbnail_uri ? this.deps.links.thumbnail(h.thumbnail_uri) : null,
      created_at: h.created_at.toISOString(),
      content_date: h.content_date.toISOString(),
      file_size: h.file_size,
      cloud_status: h.cloud_status,
      keep_local: h.keep_local,
    };
  }
}
