import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino, type Logger as PinoLogger } from 'pino';
import type { Cleanups } from '../cleanups.ts';
import { createCloudEmbedder } from './cloud-models.ts';
import type { Composition } from './composition.ts';
import { openSharedServices, type SharedServices } from './shared-services.ts';
import { EmbedWorkerPool, HashEmbedder, OfflineEmbedder, type Analyzer, type Embedder } from '../analysis/index.ts';
import type { Config } from '../config.ts';
import { logContextMixin } from '../correlation.ts';
import { assertPgvectorAvailable, openDatabase, type Database } from '../db/database.ts';
import { ensureVectorIndex, migrateToLatest } from '../db/migrate.ts';
import { LocalEventBus, type EventBus } from '../events/event-bus.ts';
import { PgEventBus } from '../events/pg-event-bus.ts';
import { localToken, signingKey } from '../local-secrets.ts';
import { Metrics } from '../metrics.ts';
import { PgBossQueue } from '../queue/job-queue.ts';
import { ListenClientWakeups, PoolWakeups } from '../queue/job-wakeups.ts';
import { ALL_JOBS } from '../queue/jobs.ts';
import { UploadService } from '../services/upload-service.ts';
import { UsageService } from '../services/usage-service.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { LocalBlobStore } from '../storage/local-store.ts';
import { HmacUrlSigner, type AsyncUrlSigner, type UrlSigner } from '../storage/url-signer.ts';
import { openBucket } from './bucket.ts';

/** Test and embedding hooks: replace an adapter the configuration would choose. */
export interface ServeOverrides {
  /** Extra local users (token → name), for shared machines and isolation tests. */
  extraTokens?: Record<string, string>;
  embedder?: Embedder;
  analyzer?: Analyzer;
  /** The clock share links are checked against (tests move it past an expiry). */
  clock?: () => Date;
}

export { Cleanups } from '../cleanups.ts';

/** The adapters every role shares, built once per process. */
export interface Infrastructure {
  config: Config;
  log: PinoLogger;
  metrics: Metrics;
  database: Database;
  token: string;
  /** Verifies the links this server serves itself (/blob); absent when a bucket serves them. */
  blobSigner: HmacUrlSigner | undefined;
  /** Signs the short-lived thumbnail, preview and download links: this server's, or the bucket's V4 links. */
  linkSigner: UrlSigner;
  /** Bucket links signed through IAM (no key file), which /blob redirects to; absent otherwise. */
  bucketLinks: AsyncUrlSigner | undefined;
  store: BlobStore;
  /** Rate limits, the search cache and Redis: shared across processes when REDIS_URL is set. */
  shared: SharedServices;
  events: EventBus;
  queue: PgBossQueue;
  embedder: Embedder;
  /** The offline embedder for files no paid model may see; the same object as `embedder` when that is offline. */
  localEmbedder: Embedder;
  /** Prices paid calls and keeps each user within budget. */
  usage: UsageService;
  uploads: UploadService;
  /** Scratch space of this process: half-received uploads and job work dirs. */
  tmpDir: string;
  /** Resumable (tus) uploads; shared by every process on the data dir, as a client may resume on any. */
  tusDir: string;
  /** True when this process is the only one using its database (embedded): no other process's work to respect. */
  alone: boolean;
  /** What was chosen, by name (the roles add theirs). */
  composition: Composition;
  /** When the database was open and migrated, in ms since the process began (for the start-up log line). */
  databaseReadyAtMs: number;
}

/** Scratch dirs of processes that died without cleaning up are dropped after this long. */
const STALE_SCRATCH_MS = 24 * 60 * 60 * 1000;

/** Expects the data dir to exist and, when the process is alone on it, to be locked (startServer does both). */
export async function openInfrastructure(config: Config, overrides: ServeOverrides, cleanups: Cleanups): Promise<Infrastructure> {
  const alone = !config.databaseUrl;
  const log = pino({
    level: config.logLevel,
    // Correlation fields (requestId, uploadId, jobId) of the work in progress go on every line.
    mixin: logContextMixin,
    base: { pid: process.pid, hostname: os.hostname(), role: config.role },
  });
  const tusDir = path.join(config.dataDir, 'tmp', 'tus');
  const tmpDir = await scratchDir(config.dataDir, alone, cleanups);

  const metrics = new Metrics();
  // OPENAI_API_KEY → OpenAI(-compatible) embeddings; otherwise the offline model (or the test hash).
  const offlineEmbedder = (): Embedder => {
    if (config.embedder === 'hash') return new HashEmbedder();
    if (config.embedThreads === 0) return new OfflineEmbedder(); // on the HTTP thread: for comparison only
    // The model runs in worker threads; the embedder batches concurrent calls, one batch in flight per thread.
    metrics.modelWorkers.set({ model: 'text' }, 0);
    let running = 0;
    const pool = new EmbedWorkerPool({
      threads: config.embedThreads, idleMs: config.modelIdleMs,
      onThreadsChanged: (n) => {
        if (n > running) metrics.modelWorkerStarts.inc({ model: 'text' }, n - running);
        running = n;
        metrics.modelWorkers.set({ model: 'text' }, n);
      },
    });
    return new OfflineEmbedder({ parallel: config.embedThreads, load: () => Promise.resolve(pool), logger: log });
  };
  const cloudEmbedder = overrides.embedder ? undefined : await createCloudEmbedder(config.cloud, log);
  const embedder = overrides.embedder ?? cloudEmbedder ?? offlineEmbedder();
  // Files no paid model may see (kept on this device, or waiting for budget) are embedded offline,
  // in that model's own vector space; it loads on first use, so a deployment that never needs it pays nothing.
  const localEmbedder = cloudEmbedder ? offlineEmbedder() : embedder;
  cleanups.add(() => embedder.close());
  if (localEmbedder !== embedder) cleanups.add(() => localEmbedder.close());
  // The query model loads while the database opens and migrates (each takes a few hundred ms), so
  // the first search does not wait for both one after the other.
  if (embedder instanceof OfflineEmbedder) embedder.warmUp().catch((err: unknown) => log.warn({ err }, 'embedding model failed to load'));

  const token = await localToken(config.dataDir, config.token);
  const signer = new HmacUrlSigner(await signingKey(config.dataDir));
  const opening = performance.now();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl, dataDir: config.dataDir,
    onIdleError: (err) => log.warn({ err }, 'idle database connection lost'),
  });
  cleanups.add(() => database.close());
  if (database.driver === 'postgres') await assertPgvectorAvailable(database.pool);
  // Every process migrates on start; Kysely's migration lock lets only one apply each step.
  await migrateToLatest(database.db);
  const databaseReadyAtMs = Math.round(performance.now());
  log.debug({ ms: Math.round(databaseReadyAtMs - opening) }, 'database open and migrated');

  for (const e of new Set([embedder, localEmbedder])) await ensureVectorIndex(database.db, e.model, e.dimensions);

  const usage = new UsageService({
    db: database.db, pricing: config.ai.pricing, metrics,
    defaults: { dailyUsd: config.ai.dailyBudgetUsd, monthlyUsd: config.ai.monthlyBudgetUsd },
    paidModels: [config.cloud.gemini?.model, config.cloud.openai?.analysisModel, cloudEmbedder ? config.cloud.openai?.embeddingModel : undefined]
      .filter((m): m is string => m !== undefined),
  });
  const shared = await openSharedServices(config, log);
  cleanups.add(() => shared.close());
  // Completed uploads and deletes also invalidate that user's cached searches, whichever process did them.
  const redisBus = shared.redisEventBus();
  const events = shared.withCacheInvalidation(redisBus ?? await createEventBus(config, database, log, cleanups));
  // GCS_BUCKET → Cloud Storage, links signed by its key file or through IAM (bucket.ts); local files with this server's HMAC links otherwise.
  const bucket = config.cloud.gcs ? await openBucket(config.cloud.gcs, { tmpDir, serverSigner: signer }) : undefined;
  const store = bucket?.store ?? new LocalBlobStore(path.join(config.dataDir, 'files'));
  const blobSigner = bucket ? bucket.blobSigner : signer;
  const queue = new PgBossQueue({
    pool: database.pool, queues: ALL_JOBS, pollSec: config.queuePollSec,
    maintenanceSec: config.queueMaintenanceSec,
    visibilityTimeoutSec: config.visibilityTimeoutSec,
    onError: (err) => log.error({ err }, 'job queue error'),
    // A job enqueued wakes the workers (NOTIFY at commit) instead of waiting for their poll.
    wakeups: config.databaseUrl ? new ListenClientWakeups(config.databaseUrl, log) : new PoolWakeups(database.pool),
  });
  const uploads = new UploadService({
    db: database.db, queue, store, events, log, tmpDir, concurrency: config.concurrency, retentionDays: config.retentionDays,
  });
  return {
    config, log, metrics, database, token, blobSigner, linkSigner: bucket?.linkSigner ?? signer, bucketLinks: bucket?.bucketLinks, store, shared, events, queue, embedder, localEmbedder, usage, uploads, tmpDir, tusDir, alone, databaseReadyAtMs,
    composition: {
      role: config.role, database: database.driver, store: bucket ? 'gcs' : 'local',
      links: !bucket ? 'hmac' : bucket.bucketLinks ? 'gcs-iam' : 'gcs-v4',
      embedder: embedder.model, localEmbedder: localEmbedder.model,
      events: redisBus ? 'redis' : config.databaseUrl ? 'postgres' : 'in-process',
      searchCache: shared.searchCache ? (shared.redis ? 'redis' : 'memory') : 'none',
      limits: shared.limits ? (shared.redis ? 'redis' : 'memory') : 'none',
    },
  };
}

/**
 * Embedded: the whole temp dir is this process's, and what a previous run left there (no row points
 * at it) is dropped — except resumable uploads, which a client comes back to finish. Shared data
 * dir: other processes are writing into it now, so each gets its own subfolder.
 */
async function scratchDir(dataDir: string, alone: boolean, cleanups: Cleanups): Promise<string> {
  const tmpRoot = path.join(dataDir, 'tmp');
  const tusDir = path.join(tmpRoot, 'tus');
  await fs.mkdir(tmpRoot, { recursive: true, mode: 0o700 });
  if (alone) {
    for (const entry of await fs.readdir(tmpRoot)) {
      if (path.join(tmpRoot, entry) !== tusDir) await fs.rm(path.join(tmpRoot, entry), { recursive: true, force: true });
    }
    return tmpRoot;
  }
  for (const entry of await fs.readdir(tmpRoot)) {
    if (!entry.startsWith('proc-')) continue;
    const stat = await fs.stat(path.join(tmpRoot, entry)).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > STALE_SCRATCH_MS) await fs.rm(path.join(tmpRoot, entry), { recursive: true, force: true });
  }
  const mine = path.join(tmpRoot, `proc-${randomUUID()}`);
  await fs.mkdir(mine, { mode: 0o700 });
  cleanups.add(() => fs.rm(mine, { recursive: true, force: true }));
  return mine;
}

/**
 * Without Redis: through Postgres (PgEventBus) when several processes share a database; in-process
 * when the process is alone.
 */
async function createEventBus(config: Config, database: Database, log: PinoLogger, cleanups: Cleanups): Promise<EventBus> {
  if (!config.databaseUrl) return new LocalEventBus();
  const bus = new PgEventBus({
    pool: database.pool, listenUrl: config.databaseUrl, consume: config.role !== 'worker', log,
  });
  await bus.start();
  cleanups.add(() => bus.stop());
  return bus;
}
