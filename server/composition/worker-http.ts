import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { API_PREFIX } from '../../shared/api/schemas.ts';
import { VERSION } from '../version.ts';
import type { Infrastructure } from './infrastructure.ts';

/**
 * A worker's own small listener: the health check a platform needs to keep it alive (Cloud Run
 * requires a container to listen on $PORT) and this process's Prometheus metrics, which only this
 * process can report. Same paths as the API; nothing else is served.
 */
export function buildWorkerHttp(infra: Infrastructure, logger: FastifyBaseLogger): FastifyInstance {
  const { database, metrics, token } = infra;
  const app = Fastify({ loggerInstance: logger, disableRequestLogging: true });
  app.get(`${API_PREFIX}/health`, async (_req, reply) => {
    const dbOk = await sql`SELECT 1`.execute(database.db).then(() => true, () => false);
    reply.status(dbOk ? 200 : 503);
    return {
      status: dbOk ? 'success' : 'error',
      data: { status: dbOk ? 'ok' : 'degraded', database: dbOk ? 'ok' : 'unavailable', version: VERSION, uptime_s: Math.round(process.uptime()), mode: 'worker' },
      error: null, meta: {}, timestamp: new Date().toISOString(),
    };
  });
  // Metrics need the deployment's token (TROVE_TOKEN), like the API's in local mode.
  app.get(`${API_PREFIX}/metrics`, async (req, reply) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.status(401).send({ error: 'unauthorized' });
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  return app;
}
