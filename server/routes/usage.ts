import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import { BudgetBodySchema, UsageQuery, UsageSchema } from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';

export const usageRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/usage', {
    schema: {
      summary: 'What paid AI models cost you: tokens and US dollars by day, model and file type, and your budget.',
      querystring: UsageQuery,
      response: { 200: Envelope(UsageSchema) },
    },
  }, async (req) => ok(await ctx.usage.report(req.user.id, req.query.from, req.query.to)));

  app.put('/usage/budget', {
    schema: {
      summary: 'Set your own daily and monthly AI budget in US dollars (null: the deployment\'s default). Files past it are described offline until budget is available again.',
      body: BudgetBodySchema,
      response: { 200: Envelope(UsageSchema) },
    },
  }, async (req) => {
    await ctx.usage.setBudgets(req.user.id, req.body, ctx.mode === 'local');
    return ok(await ctx.usage.report(req.user.id, undefined, undefined));
  });
};
