import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import {
  SearchBodySchema, SearchHistoryDeletedSchema, SearchHistoryIdParams, SearchHistoryQuery, SearchHistorySchema, SearchResponseSchema,
  SearchSuggestionsQuery, SearchSuggestionsSchema, SimilarQuery, SimilarResponseSchema, UploadIdParams,
} from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';

export const searchRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.post('/search', {
    schema: {
      summary: 'Search your files by meaning and by exact words (hybrid ranking).',
      body: SearchBodySchema,
      response: { 200: Envelope(SearchResponseSchema) },
    },
  }, async (req) => ok(await ctx.search.search(req.user.id, req.body)));

  app.get('/search/similar/:upload_id', {
    schema: {
      summary: 'Files like one of yours: nearest by meaning; look-alike pictures (near-duplicates) flagged and first.',
      params: UploadIdParams,
      querystring: SimilarQuery,
      response: { 200: Envelope(SimilarResponseSchema) },
    },
  }, async (req) => ok(await ctx.search.similar(req.user.id, req.params.upload_id, req.query.limit)));

  app.get('/search/history', {
    schema: { summary: 'Your recent searches, newest first.', querystring: SearchHistoryQuery, response: { 200: Envelope(SearchHistorySchema) } },
  }, async (req) => {
    const { rows, total } = await ctx.search.history(req.user.id, req.query.limit, req.query.offset);
    return ok({
      history: rows.map((r) => ({ id: r.id, query: r.query, result_count: r.result_count, latency_ms: r.latency_ms, created_at: r.created_at.toISOString() })),
      total,
    });
  });

  app.delete('/search/history/:id', {
    schema: {
      summary: 'Forget one of your recent searches (and its repeats: the same query typed again).',
      params: SearchHistoryIdParams,
      response: { 200: Envelope(SearchHistoryDeletedSchema) },
    },
  }, async (req) => ok(await ctx.search.forgetSearch(req.user.id, req.params.id)));

  app.delete('/search/history', {
    schema: { summary: 'Forget all of your recent searches.', response: { 200: Envelope(SearchHistoryDeletedSchema) } },
  }, async (req) => ok(await ctx.search.clearHistory(req.user.id)));

  app.get('/search/suggestions', {
    schema: {
      summary: 'Your own tags (with the objects found in your files) and cameras that start a word with what is typed, most frequent first.',
      querystring: SearchSuggestionsQuery,
      response: { 200: Envelope(SearchSuggestionsSchema) },
    },
  }, async (req) => ok(await ctx.search.suggestions(req.user.id, req.query.prefix, req.query.limit)));
};
