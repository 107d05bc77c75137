import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { SearchBody, SearchResponse } from '../../shared/api/schemas.ts';
import type { Embedder } from '../analysis/types.ts';
import type { DB } from '../db/schema.ts';
import * as search from '../db/search-repo.ts';
import type { Metrics } from '../metrics.ts';
import type { FileLinks } from './file-links.ts';

/** Candidates each ranker brings to the fusion; more than any page so fusion has room to reorder. */
const CANDIDATES = 100;
/** Far beyond any sentence; the embedder truncates further to what its model takes. */
const MAX_EMBED_QUERY = 1000;

export class SearchService {
  constructor(private readonly deps: { db: Kysely<DB>; embedder: Embedder; links: FileLinks; metrics: Metrics }) {}

  async search(userId: string, body: SearchBody): Promise<SearchResponse> {
    const started = performance.now();
    const query = body.query.trim();
    if (query === '') throw new TroveError('VALIDATION_ERROR', 'Type something to search for.', [{ path: 'body/query', message: 'must not be blank' }]);
    const dateFrom = body.date_from ? new Date(body.date_from) : undefined;
    const dateTo = body.date_to ? new Date(body.date_to) : undefined;
    if (dateFrom && dateTo && dateFrom > dateTo) {
      throw new TroveError('VALIDATION_ERROR', 'date_from is after date_to.', [{ path: 'body/date_from', message: 'must not be after date_to' }]);
    }
    const { embedder, db } = this.deps;
    const [vector] = await embedder.embed([query.slice(0, MAX_EMBED_QUERY)]);
    if (!vector) throw new TroveError('MODEL_UNAVAILABLE', 'The search model did not answer; try again.');
    const hits = await search.hybridSearch(db, {
      userId, text: query, vector, model: embedder.model, dimensions: embedder.dimensions,
      fileTypes: body.file_types, dateFrom, dateTo, limit: body.limit, candidates: Math.max(CANDIDATES, body.limit),
    });
    const results = hits.map((h) => ({
      upload_id: h.id,
      filename: h.original_filename,
      file_type: h.file_type,
      mime_type: h.mime_type,
      summary: h.summary,
      similarity_score: Math.round(h.similarity * 10_000) / 10_000,
      thumbnail_url: h.thumbnail_uri ? this.deps.links.thumbnail(h.thumbnail_uri) : null,
      created_at: h.created_at.toISOString(),
    }));
    const elapsed = performance.now() - started;
    const searchId = await search.recordSearch(db, {
      userId, query, resultCount: results.length, latencyMs: elapsed,
      filters: { file_types: body.file_types ?? null, date_from: body.date_from ?? null, date_to: body.date_to ?? null, limit: body.limit },
    });
    this.deps.metrics.searchLatency.observe(elapsed / 1000);
    return { results, search_id: searchId, processing_time_ms: Math.round(elapsed * 10) / 10 };
  }
}
