import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Envelope } from '../../shared/api/envelope.ts';
import { TroveError } from '../../shared/api/errors.ts';
import { HealthSchema } from '../../shared/api/schemas.ts';
import type { AppContext } from '../http/context.ts';
import { ok } from '../http/envelope.ts';

export const systemRoutes = (ctx: AppContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/health', {
    schema: { summary: 'Liveness and database check (no token needed).', response: { 200: Envelope(HealthSchema), 503: Envelope(HealthSchema) } },
    config: { public: true },
  }, async (_req, reply) => {
    const dbOk = await sql`SELECT 1`.execute(ctx.db).then(() => true, () => false);
    reply.status(dbOk ? 200 : 503);
    return ok({ status: dbOk ? 'ok' : 'degraded', database: dbOk ? 'ok' : 'unavailable', version: ctx.version, uptime_s: Math.round(process.uptime()), mode: ctx.mode } as const);
  });

  // Read with the deployment's own token (TROVE_TOKEN) in every mode, never a user's: in cloud mode
  // anyone may sign up, and these counters describe the whole service (traffic, models, AI spend).
  // It is also what a Prometheus scraper can hold; a Firebase ID token expires within the hour.
  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics of this process (bearer: the deployment token, TROVE_TOKEN).', produces: ['text/plain'] },
    config: { public: true },
  }, async (req, reply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${ctx.operatorToken ?? ''}`);
    if (!ctx.operatorToken || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new TroveError('UNAUTHORIZED', "Metrics need this deployment's token (TROVE_TOKEN) as the bearer token.");
    }
    reply.header('Content-Type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
