import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope } from '../../shared/api/envelope.ts';
import { UsageQuery, UsageSchema } from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';
import { ok } from '../http/envelope.ts';

export const usageRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/usage', {
    schema: {
      summary: 'What paid AI models cost you: tokens and US dollars by day, model and file type, and your budget.',
      querystring: UsageQuery,
      response: { 200: Envelope(UsageSchema) },
    },
  }, async (req) => ok(await ctx.usage.report(req.user.id, req.query.from, req.query.to)));
};
