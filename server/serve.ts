import fs from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { OfflineEmbedder } from './analysis/index.ts';
import { buildApi } from './composition/api.ts';
import { Cleanups, openInfrastructure, type ServeOverrides } from './composition/infrastructure.ts';
import { buildWorker } from './composition/worker.ts';
import type { Composition } from './composition/composition.ts';
import { buildWorkerHttp } from './composition/worker-http.ts';
import type { Config } from './config.ts';
import { startMetricsListener } from './http/metrics-listener.ts';
import { serverInfoPath } from './local-secrets.ts';
import type { ProcessingService } from './services/processing-service.ts';
import type { UploadService } from './services/upload-service.ts';
import { VERSION } from './version.ts';

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
 */
export async function startServer(config: Config, overrides: ServeOverrides = {}): Promise<RunningServer> {
  const cleanups = new Cleanups();
  const close = () => cleanups.run();
  try {
    const infra = await openInfrastructure(config, overrides, cleanups);
    const runsApi = config.role !== 'worker';
    const runsJobs = config.role !== 'api';

    const api = runsApi ? await buildApi(infra, overrides) : undefined;
    const worker = runsJobs ? buildWorker(infra, overrides, cleanups) : undefined;
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
    await app.listen({ host: config.host, port: config.port });
    cleanups.add(async () => {
      // Connections still open after the grace period (a stalled upload, a socket a client opened but
      // never sent a request on) would otherwise hold the shutdown until they time out on their own.
      const force = setTimeout(() => app.server.closeAllConnections(), config.shutdownGraceMs);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
    });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    api?.setPort(port);
    const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${hostForUrl}:${port}`;
    // server.json tells the CLI and desktop app where the one local server is; processes sharing a
    // database and data dir would overwrite each other's.
    if (config.role === 'all') {
      await fs.writeFile(serverInfoPath(config.dataDir), JSON.stringify({ url, pid: process.pid, version: VERSION }), { mode: 0o600 });
      cleanups.add(() => fs.rm(serverInfoPath(config.dataDir), { force: true }));
    }

    // TROVE_METRICS_PORT: the same metrics on loopback, for a collector beside this process (Cloud Run's Prometheus sidecar).
    if (config.cloud.metricsPort !== undefined) {
      const local = await startMetricsListener(infra.metrics, config.cloud.metricsPort);
      cleanups.add(() => local.close());
    }

    // Warm the model in the background so the first search or job does not pay for loading it.
    if (infra.embedder instanceof OfflineEmbedder) infra.embedder.warmUp().catch((err: unknown) => infra.log.warn({ err }, 'embedding model failed to load'));
    infra.log.info({ url, composition: infra.composition }, 'trove started');
    return { app, url, port, token: infra.token, role: config.role, processing: worker?.processing, uploads: infra.uploads, composition: infra.composition, close };
  } catch (err) {
    await close();
    throw err;
  }
}
