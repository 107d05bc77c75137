import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Envelope, ok } from '../../shared/api/envelope.ts';
import { TroveError } from '../../shared/api/errors.ts';
import { HealthSchema } from '../../shared/api/schemas.ts';
import type { Metrics } from '../metrics.ts';
import type { HealthService } from '../services/health-service.ts';

/** What /health and /metrics need: every process serves them, API and worker alike. */
export interface SystemContext {
  health: HealthService;
  metrics: Metrics;
  /** The deployment's own token (TROVE_TOKEN), the only bearer /metrics answers. */
  operatorToken: string | undefined;
}

export const systemRoutes = (ctx: SystemContext): FastifyPluginAsyncTypebox => async (app) => {
  app.get('/health', {
    schema: { summary: 'Liveness and database check (no token needed).', response: { 200: Envelope(HealthSchema), 503: Envelope(HealthSchema) } },
    config: { public: true },
  }, async (_req, reply) => {
    const health = await ctx.health.check();
    reply.status(health.database === 'ok' ? 200 : 503);
    return ok(health);
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
