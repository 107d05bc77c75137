/**
 * A small composition of the real server pieces (a PostgreSQL 15 + pgvector server of its own,
 * pg-boss, local storage, hash embedder, offline analyzer) with a chosen authenticator, limits,
 * search cache and event bus — for the cloud-mode tests of those pieces until server/serve.ts
 * wires them from configuration.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { HashEmbedder, OfflineAnalyzer } from '../../server/analysis/index.ts';
import { openDatabase } from '../../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest } from '../../server/db/migrate.ts';
import type { DB } from '../../server/db/schema.ts';
import { LocalEventBus, type EventBus } from '../../server/events/event-bus.ts';
import { buildApp } from '../../server/http/app.ts';
import type { Authenticator } from '../../server/http/auth.ts';
import { loopbackHosts } from '../../server/http/guards.ts';
import type { ApiLimits } from '../../server/http/rate-limit-hooks.ts';
import { Metrics } from '../../server/metrics.ts';
import { PgBossQueue } from '../../server/queue/job-queue.ts';
import { loadZipConfig } from '../../server/config-zip.ts';
import { ArchiveIntake } from '../../server/services/zip/archive-intake.ts';
import { ZipDownloads } from '../../server/services/zip/zip-download.ts';
import { TusUploads } from '../../server/services/tus-uploads.ts';
import { FileLinks } from '../../server/services/file-links.ts';
import { HealthService } from '../../server/services/health-service.ts';
import { JobName } from '../../server/queue/jobs.ts';
import { ProcessingService } from '../../server/services/processing-service.ts';
import { RecentlyDeleted } from '../../server/services/recently-deleted.ts';
import { CacheInvalidatingEventBus, type SearchCache } from '../../server/services/search-cache.ts';
import { SearchService } from '../../server/services/search-service.ts';
import { Understanding } from '../../server/services/understanding.ts';
import { UploadBatch } from '../../server/services/upload-batch.ts';
import { UploadService } from '../../server/services/upload-service.ts';
import { UsageService } from '../../server/services/usage-service.ts';
import { DEFAULT_PRICES, Pricing } from '../../server/analysis/pricing.ts';
import { LocalBlobStore } from '../../server/storage/local-store.ts';
import { HmacUrlSigner } from '../../server/storage/url-signer.ts';
import { startPostgres15 } from '../helpers/postgres.ts';

export interface CloudAppOptions {
  auth: (db: Kysely<DB>) => Authenticator;
  limits?: ApiLimits;
  cache?: SearchCache;
  events?: EventBus;
  /** Run the processing worker (needed when uploads must complete). */
  worker?: boolean;
}

export interface CloudApp {
  app: FastifyInstance;
  url: string;
  db: Kysely<DB>;
  /** fetch with `Authorization: Bearer <token>` (none when token is null). */
  call(pathname: string, token: string | null, init?: RequestInit): Promise<Response>;
  json<T = unknown>(pathname: string, token: string | null, init?: RequestInit): Promise<{ status: number; headers: Headers; body: { data: T; error: { code: string; message: string } | null } }>;
  upload(token: string, content: string | Buffer, filename: string): Promise<{ status: number; headers: Headers; body: { data: { upload_id: string; duplicate: boolean }; error: { code: string; message: string } | null } }>;
  waitForStatus(token: string, uploadId: string, status: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCloudApp(opts: CloudAppOptions): Promise<CloudApp> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-cloud-'));
  const cleanups: (() => Promise<unknown>)[] = [() => fs.rm(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const server = await startPostgres15();
    cleanups.push(() => server.stop());
    const database = await openDatabase({ databaseUrl: server.url, dataDir });
    cleanups.push(() => database.close());
    await migrateToLatest(database.db);
    const embedder = new HashEmbedder();
    await ensureVectorIndex(database.db, embedder.model, embedder.dimensions);
    const log = pino({ level: 'silent' });
    const metrics = new Metrics();
    const inner = opts.events ?? new LocalEventBus();
    const events = opts.cache ? new CacheInvalidatingEventBus(inner, opts.cache) : inner;
    const store = new LocalBlobStore(path.join(dataDir, 'files'));
    const links = new FileLinks(new HmacUrlSigner(Buffer.alloc(32, 7)));
    const queue = new PgBossQueue({
      pool: database.pool, queues: [JobName.Process], pollSec: 0.5, maintenanceSec: 1, visibilityTimeoutSec: 120, onError: () => undefined,
    });
    const tmpDir = path.join(dataDir, 'tmp');
    const uploads = new UploadService({ db: database.db, queue, store, events, log, tmpDir, concurrency: 2, retentionDays: 7 });
    const usage = new UsageService({ db: database.db, pricing: new Pricing(DEFAULT_PRICES), metrics, defaults: { dailyUsd: undefined, monthlyUsd: undefined }, paidModels: [] });
    const understanding = new Understanding({ offline: new OfflineAnalyzer(), cloud: undefined, embedder, localEmbedder: embedder, usage, metrics, log });
    const processing = new ProcessingService({
      db: database.db, queue, store, understanding, usage, events, metrics, log,
      options: { timeoutMs: 60_000, retryDelaysSec: [1], maxImagePixels: 100_000_000, scratchDir: tmpDir },
    });
    const search = new SearchService({ db: database.db, embedders: [embedder], links, metrics, cache: opts.cache });
    const tus = new TusUploads({ directory: path.join(tmpDir, 'tus'), maxFileSize: 10 * 1024 * 1024, uploads, log });
    await tus.init();
    const zipLimits = loadZipConfig({});
    const archives = new ArchiveIntake({ db: database.db, uploads, events, log, tmpDir, limits: zipLimits, maxFileSize: 10 * 1024 * 1024 });
    const downloads = new ZipDownloads({ db: database.db, store, log, maxIds: zipLimits.downloadMaxIds });
    let port = 0;
    const deleted = new RecentlyDeleted({ db: database.db, queue, events, retentionDays: 30 });
    const app = await buildApp(
      { health: new HealthService({ db: database.db, version: 'test', mode: 'cloud' }), operatorToken: undefined, uploads, deleted, batch: new UploadBatch({ uploads, deleted }), search, usage, links, store, signer: undefined, events, metrics, auth: opts.auth(database.db), maxFileSize: 10 * 1024 * 1024, tus, mode: 'cloud', version: 'test', archives, downloads },
      { logger: log, allowedHosts: () => loopbackHosts(port), limits: opts.limits },
    );
    await queue.start();
    cleanups.push(() => Promise.all([queue.stop({ graceful: false, timeoutMs: 2000 }), processing.drain(1000)]));
    if (opts.worker) await queue.work(JobName.Process, 2, (job) => processing.handle(job));
    await app.listen({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => app.close());
    port = (app.server.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}`;

    const call: CloudApp['call'] = (pathname, token, init = {}) => {
      const headers = new Headers(init.headers);
      if (token !== null) headers.set('authorization', `Bearer ${token}`);
      return fetch(`${url}${pathname}`, { ...init, headers });
    };
    const json: CloudApp['json'] = async (pathname, token, init) => {
      const res = await call(pathname, token, init);
      return { status: res.status, headers: res.headers, body: (await res.json()) as never };
    };
    return {
      app, url, db: database.db, call, json, close,
      upload(token, content, filename) {
        const form = new FormData();
        form.set('file', new Blob([content]), filename);
        return json('/api/v1/upload', token, { method: 'POST', body: form });
      },
      async waitForStatus(token, uploadId, status, timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { body } = await json<{ processing_status: string }>(`/api/v1/file/${uploadId}/metadata`, token);
          if (body.data?.processing_status === status) return;
          if (Date.now() > deadline) throw new Error(`upload ${uploadId} is ${body.data?.processing_status}, not ${status}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
