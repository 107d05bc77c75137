import type { FastifyInstance } from 'fastify';
import { buildApi } from './composition/api.ts';
import { Cleanups } from './cleanups.ts';
import { openInfrastructure, type ServeOverrides } from './composition/infrastructure.ts';
import { buildWorker } from './composition/worker.ts';
import type { Composition } from './composition/composition.ts';
import { buildWorkerHttp } from './composition/worker-http.ts';
import type { Config } from './config.ts';
import { startMetricsListener } from './http/metrics-listener.ts';
import type { StartListener } from './http/start-listener.ts';
import { startEarly } from './start-early.ts';
import type { ProcessingService } from './services/processing-service.ts';
import type { UploadService } from './services/upload-service.ts';

export type { ServeOverrides } from './composition/infrastructure.ts';

export interface RunningServer {
  /** The API (roles all, api) or the worker's health/metrics listener (role worker). */
  app: FastifyInstance;
  url: string;
  port: number;
  token: string;
  role: Config['role'];
  /** Absent in the api role, which runs no jobs. */
  processing: ProcessingService | undefined;
  uploads: UploadService;
  /** What this process chose for each outside resource. */
  composition: Composition;
  close(): Promise<void>;
}

const TUS_SWEEP_EVERY_MS = 60 * 60 * 1000;

/**
 * The composition root of one server process. `config.role` decides what it runs:
 *  - all (embedded default): API and workers in one process;
 *  - api: HTTP only — jobs are enqueued for workers elsewhere;
 *  - worker: jobs and sweeps, plus a listener for /health and /metrics only.
 * The adapters common to every role come from composition/infrastructure.ts, each role's wiring
 * from composition/api.ts and composition/worker.ts. Stops in reverse order of starting.
 *
 * It listens before anything heavy opens (start-early.ts; the serve command does that even before
 * loading this module and passes what it opened as `early`), then opens the database while the
 * query model loads, and resolves once the app answers.
 */
export async function startServer(config: Config, overrides: ServeOverrides = {}, early?: { listener: StartListener; cleanups: Cleanups }): Promise<RunningServer> {
  // The serve command has loaded this module (and so every server module) just before.
  const modulesLoadedAt = Math.round(performance.now());
  const cleanups = early?.cleanups ?? new Cleanups();
  const close = () => cleanups.run();
  try {
    // Listen first (the serve command has done so before loading this module): until the app below
    // is ready, health says `starting` and other calls answer 503 SERVICE_STARTING.
    const http = early?.listener ?? await startEarly(config, cleanups);

    const infra = await openInfrastructure(config, overrides, cleanups);
    const infrastructureAt = Math.round(performance.now());
    const runsApi = config.role !== 'worker';
    const runsJobs = config.role !== 'api';

    const api = runsApi ? await buildApi(infra, overrides) : undefined;
    const worker = runsJobs ? await buildWorker(infra, overrides, cleanups) : undefined;
    await infra.queue.start();
    // Without workers the queue is only used to enqueue; its stop is registered here instead.
    if (!worker) cleanups.add(() => infra.queue.stop({ graceful: true, timeoutMs: 5000 }));
    await worker?.start(api ? () => api.tus.cleanUp() : undefined);
    if (api && !worker) {
      const sweep = () => api.tus.cleanUp().catch((err: unknown) => infra.log.warn({ err }, 'tus clean-up failed'));
      void sweep();
      const timer = setInterval(() => void sweep(), TUS_SWEEP_EVERY_MS);
      timer.unref();
      cleanups.add(() => Promise.resolve(clearInterval(timer)));
    }

    const app = api?.app ?? await buildWorkerHttp(infra, infra.log);
    // Fastify closes only a server it listened on itself. Ours drains here: after the preClose hooks
    // (which end event streams), before the other onClose hooks (run newest first), as Fastify's would.
    app.addHook('onClose', () => http.close(config.shutdownGraceMs));
    await app.ready();
    api?.setPort(http.port);
    // From here the app answers every request on the listener (its own Fastify server never listens).
    http.serve((req, res) => app.routing(req, res));
    // HTTP stops first (in-flight requests finish within the grace period), then the rest.
    cleanups.add(() => app.close());

    // TROVE_METRICS_PORT: the same metrics on loopback, for a collector beside this process (Cloud Run's Prometheus sidecar).
    if (config.cloud.metricsPort !== undefined) {
      const local = await startMetricsListener(infra.metrics, config.cloud.metricsPort);
      cleanups.add(() => local.close());
    }

    // Milliseconds since the process began (bench/cold-start.ts measures the same marks from outside).
    const startMs = {
      listening: http.listenedAtMs, modulesLoaded: modulesLoadedAt, databaseReady: infra.databaseReadyAtMs, infrastructure: infrastructureAt, ready: Math.round(performance.now()),
    };
    infra.log.info({ url: http.url, composition: infra.composition, startMs }, 'trove started');
    return { app, url: http.url, port: http.port, token: infra.token, role: config.role, processing: worker?.processing, uploads: infra.uploads, composition: infra.composition, close };
  } catch (err) {
    await close();
    throw err;
  }
}
