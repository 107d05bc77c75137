import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../shared/api/schemas.ts';
import { registerErrorHandling } from '../http/errors.ts';
import { systemRoutes } from '../routes/system.ts';
import { HealthService } from '../services/health-service.ts';
import { VERSION } from '../version.ts';
import type { Infrastructure } from './infrastructure.ts';

/**
 * A worker's own small listener: the health check a platform needs to keep it alive (Cloud Run
 * requires a container to listen on $PORT) and this process's Prometheus metrics, which only this
 * process can report. The API's own system routes at the same paths; nothing else is served.
 */
export async function buildWorkerHttp(infra: Infrastructure, logger: FastifyBaseLogger): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: logger, disableRequestLogging: true });
  registerErrorHandling(app);
  const health = new HealthService({ db: infra.database.db, version: VERSION, mode: 'worker' });
  await app.register(systemRoutes({ health, metrics: infra.metrics, operatorToken: infra.token }), { prefix: API_PREFIX });
  return app;
}
