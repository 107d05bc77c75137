import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { HashEmbedder, OfflineAnalyzer, OfflineEmbedder, type Analyzer, type Embedder } from './analysis/index.ts';
import type { Config } from './config.ts';
import { lockDataDir } from './db/data-dir-lock.ts';
import { openDatabase } from './db/database.ts';
import { ensureVectorIndex, migrateToLatest } from './db/migrate.ts';
import { LocalEventBus } from './events/event-bus.ts';
import { buildApp } from './http/app.ts';
import { LocalTokenAuthenticator } from './http/auth.ts';
import { loopbackHosts } from './http/guards.ts';
import { localToken, serverInfoPath, signingKey } from './local-secrets.ts';
import { Metrics } from './metrics.ts';
import { PgBossQueue } from './queue/job-queue.ts';
import { TusUploads } from './routes/tus.ts';
import { FileLinks } from './services/file-links.ts';
import { PROCESS_QUEUE, ProcessingService, type ProcessJobData } from './services/processing-service.ts';
import { REEMBED_QUEUE, ReembedService, type ReembedJobData } from './services/reembed-service.ts';
import { SearchService } from './services/search-service.ts';
import { UploadService } from './services/upload-service.ts';
import { LocalBlobStore } from './storage/local-store.ts';
import { HmacUrlSigner } from './storage/url-signer.ts';
import { VERSION } from './version.ts';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  port: number;
  token: string;
  processing: ProcessingService;
  uploads: UploadService;
  close(): Promise<void>;
}

export interface ServeOverrides {
  /** Extra local users (token → name), for shared machines and isolation tests. */
  extraTokens?: Record<string, string>;
  embedder?: Embedder;
  analyzer?: Analyzer;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

/**
 * The composition root of the server process: builds every adapter once, hands each service the
 * adapters it uses, starts HTTP and the workers, and knows how to stop them in order.
 */
export async function startServer(config: Config, overrides: ServeOverrides = {}): Promise<RunningServer> {
  await fs.mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const unlock = config.databaseUrl ? async () => undefined : await lockDataDir(config.dataDir);
  const cleanups: (() => Promise<unknown>)[] = [unlock];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const tmpDir = path.join(config.dataDir, 'tmp');
    const tusDir = path.join(tmpDir, 'tus');
    // Half-received uploads from a previous run: no row points at them, so they are safe to drop —
    // except resumable (tus) uploads, which a client comes back to finish.
    await fs.mkdir(tmpDir, { recursive: true, mode: 0o700 });
    for (const entry of await fs.readdir(tmpDir)) {
      if (path.join(tmpDir, entry) !== tusDir) await fs.rm(path.join(tmpDir, entry), { recursive: true, force: true });
    }

    const token = await localToken(config.dataDir, config.token);
    const signer = new HmacUrlSigner(await signingKey(config.dataDir));
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    cleanups.push(() => database.close());
    await migrateToLatest(database.db);

    const embedder = overrides.embedder ?? (config.embedder === 'hash' ? new HashEmbedder() : new OfflineEmbedder());
    cleanups.push(() => embedder.close());
    await ensureVectorIndex(database.db, embedder.model, embedder.dimensions);
    const analyzer = overrides.analyzer ?? new OfflineAnalyzer();

    const metrics = new Metrics();
    const events = new LocalEventBus();
    const store = new LocalBlobStore(path.join(config.dataDir, 'files'));
    const links = new FileLinks(signer);
    const log = pino({ level: config.logLevel });
    const queue = new PgBossQueue({
      pool: database.pool, queues: [PROCESS_QUEUE, REEMBED_QUEUE], pollSec: config.queuePollSec,
      maintenanceSec: config.queueMaintenanceSec,
      visibilityTimeoutSec: Math.ceil(config.processingTimeoutMs / 1000) + 60,
      onError: (err) => log.error({ err }, 'job queue error'),
    });
    const uploads = new UploadService({
      db: database.db, queue, store, events, log: log, tmpDir, concurrency: config.concurrency, retentionDays: config.retentionDays,
    });
    const processing = new ProcessingService({
      db: database.db, queue, store, analyzer, embedder, events, metrics, log: log,
      options: { timeoutMs: config.processingTimeoutMs, retryDelaysSec: config.retryDelaysSec, maxImagePixels: config.maxImagePixels, scratchDir: tmpDir },
    });
    const reembed = new ReembedService({ db: database.db, queue, embedder, log: log });
    const search = new SearchService({ db: database.db, embedder, links, metrics });
    const tus = new TusUploads({ directory: tusDir, maxFileSize: config.maxFileSize, uploads, log });
    await tus.init();
    const auth = new LocalTokenAuthenticator(database.db, { [token]: 'owner', ...overrides.extraTokens });

    let port = config.port;
    const app = await buildApp(
      { db: database.db, uploads, search, links, store, signer, events, metrics, auth, maxFileSize: config.maxFileSize, tus, mode: 'local', version: VERSION },
      { logger: log, allowedHosts: () => loopbackHosts(port) },
    );
    await queue.start();
    // Stopping the queue stops fetching at once; runs still going after the grace period are put
    // back by drain(), so the queue's own wait ends without failing them.
    cleanups.push(() => Promise.all([
      queue.stop({ graceful: true, timeoutMs: config.shutdownGraceMs + 5000 }),
      processing.drain(config.shutdownGraceMs),
    ]));
    const recovered = await processing.recoverOrphans();
    if (recovered > 0) app.log.warn({ recovered }, 'requeued jobs interrupted by a previous crash');
    await queue.work<ProcessJobData>(PROCESS_QUEUE, config.concurrency, (job) => processing.handle(job));
    await queue.work<ReembedJobData>(REEMBED_QUEUE, 1, (job) => reembed.handle(job));
    await reembed.enqueueStale();

    await app.listen({ host: config.host, port: config.port });
    cleanups.push(async () => {
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
    port = typeof address === 'object' && address ? address.port : config.port;
    const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${hostForUrl}:${port}`;
    await fs.writeFile(serverInfoPath(config.dataDir), JSON.stringify({ url, pid: process.pid, version: VERSION }), { mode: 0o600 });
    cleanups.push(() => fs.rm(serverInfoPath(config.dataDir), { force: true }));

    // Warm the model in the background so the first search does not pay for loading it.
    if (embedder instanceof OfflineEmbedder) embedder.warmUp().catch((err: unknown) => app.log.warn({ err }, 'embedding model failed to load'));
    const purge = () => Promise.all([uploads.purgeDue(), uploads.sweepOrphans(), tus.cleanUp()])
      .catch((err: unknown) => app.log.warn({ err }, 'purge failed'));
    void purge();
    const purgeTimer = setInterval(() => void purge(), PURGE_EVERY_MS);
    purgeTimer.unref();
    cleanups.push(() => Promise.resolve(clearInterval(purgeTimer)));

    return { app, url, port, token, processing, uploads, close };
  } catch (err) {
    await close();
    throw err;
  }
}
