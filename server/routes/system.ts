import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Envelope } from '../../shared/api/envelope.ts';
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

  app.get('/metrics', { schema: { summary: 'Prometheus metrics of this process.', produces: ['text/plain'] } }, async (_req, reply) => {
    reply.header('Content-Type', ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
};
