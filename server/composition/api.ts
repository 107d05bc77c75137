import os from 'node:os';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.ts';
import { LocalTokenAuthenticator, type Authenticator } from '../http/auth.ts';
import { loopbackHosts } from '../http/guards.ts';
import { TusUploads } from '../services/tus-uploads.ts';
import { ArchiveIntake } from '../services/zip/archive-intake.ts';
import { ZipDownloads } from '../services/zip/zip-download.ts';
import { FileLinks } from '../services/file-links.ts';
import { HealthService } from '../services/health-service.ts';
import { RecentlyDeleted } from '../services/recently-deleted.ts';
import { UploadBatch } from '../services/upload-batch.ts';
import { SearchService } from '../services/search-service.ts';
import { AnnotationService } from '../services/annotation-service.ts';
import { CollectionService } from '../services/collection-service.ts';
import { FolderService } from '../services/folder-service.ts';
import { ShareService } from '../services/share-service.ts';
import { sharingPolicy } from '../services/share-policy.ts';
import { VERSION } from '../version.ts';
import type { Infrastructure, ServeOverrides } from './infrastructure.ts';

export interface ApiParts {
  app: FastifyInstance;
  tus: TusUploads;
  /** The port once listening (the configured one may be 0); the Host guard reads it per request. */
  setPort(port: number): void;
}

/**
 * The API role: HTTP routes over the shared adapters. It enqueues jobs but never runs them.
 * FIREBASE_PROJECT_ID switches it to cloud mode: Firebase sign-in, per-user limits, any Host name.
 */
export async function buildApi(infra: Infrastructure, overrides: ServeOverrides): Promise<ApiParts> {
  const { config, database, embedder, metrics, events, store, uploads, log } = infra;
  const links = new FileLinks(infra.linkSigner);
  const embedders = embedder === infra.localEmbedder ? [embedder] : [embedder, infra.localEmbedder];
  const search = new SearchService({ db: database.db, embedders, links, metrics, usage: infra.usage, cache: infra.shared.searchCache, events });
  const archives = new ArchiveIntake({ db: database.db, uploads, events, log, tmpDir: infra.tmpDir, limits: config.zip, maxFileSize: config.maxFileSize });
  const downloads = new ZipDownloads({ db: database.db, store, log, maxIds: config.zip.downloadMaxIds });
  const deleted = new RecentlyDeleted({ db: database.db, queue: infra.queue, events, retentionDays: config.retentionDays });
  const organize = {
    collections: new CollectionService({ db: database.db, links, cache: infra.shared.searchCache }),
    folders: new FolderService({ db: database.db }),
    annotations: new AnnotationService({ db: database.db, cache: infra.shared.searchCache }),
  };
  const batch = new UploadBatch({ uploads, deleted, organize });
  const tus = new TusUploads({ directory: infra.tusDir, maxFileSize: config.maxFileSize, uploads, archives, log });
  await tus.init();
  const firebase = config.cloud.firebase;
  // jose (Firebase ID tokens) loads only in cloud mode.
  const auth: Authenticator = firebase
    ? new (await import('../http/firebase-auth.ts')).FirebaseAuthenticator(database.db, firebase)
    : new LocalTokenAuthenticator(database.db, { [infra.token]: 'owner', ...overrides.extraTokens });
  let port = config.port;
  const app = await buildApp(
    {
      shares: {
        service: new ShareService({
          db: database.db, links, now: overrides.clock,
          policy: sharingPolicy({ mode: config.mode, host: config.host, port: () => port, publicUrl: config.share.publicUrl, addresses: networkAddresses }),
        }),
        limiter: infra.shared.limiter, requestsPerMinute: config.share.requestsPerMinute,
      },
      organize,
      health: new HealthService({ db: database.db, version: VERSION, mode: config.mode }), uploads, deleted, batch, search, usage: infra.usage, links, store, signer: infra.blobSigner, bucketLinks: infra.bucketLinks, events, metrics, operatorToken: infra.token, auth,
      maxFileSize: config.maxFileSize, tus, mode: config.mode, version: VERSION, archives, downloads,
    },
    {
      logger: log, limits: infra.shared.limits, firebase,
      // Signed links into a bucket are on the storage host, not this origin.
      mediaOrigins: config.cloud.gcs ? [new URL(config.cloud.gcs.apiEndpoint ?? 'https://storage.googleapis.com').origin] : [],
      // Local mode answers only to its loopback names (DNS rebinding). Cloud mode holds no ambient
      // credentials (every call carries a bearer ID token), so it answers to whatever name the load
      // balancer gives it, unless TROVE_PUBLIC_HOSTS pins the list.
      allowedHosts: () => firebase ? config.publicHosts : loopbackHosts(port),
    },
  );
  infra.composition.auth = firebase ? 'firebase' : 'local-token';
  // Archives whose reading stopped with a previous process settle as interrupted instead of waiting for ever.
  const interrupt = (since?: number) => archives.interruptStale(since).catch((err: unknown) => log.warn({ err }, 'marking interrupted archives failed'));
  // Alone on the data folder, any batch still reading from before this start was this server's.
  void interrupt(infra.alone ? Date.now() : undefined);
  const interruptTimer = setInterval(() => void interrupt(), 5 * 60 * 1000);
  interruptTimer.unref();
  app.addHook('onClose', async () => {
    clearInterval(interruptTimer);
    await archives.stop();
  });
  return { app, tus, setPort: (p) => (port = p) };
}

/** This machine's addresses others on the network may reach, IPv4 first: where a local share link points. */
function networkAddresses(): string[] {
  const all = Object.values(os.networkInterfaces()).flat().filter((a): a is os.NetworkInterfaceInfo => a !== undefined && !a.internal);
  return [...all.filter((a) => a.family === 'IPv4'), ...all.filter((a) => a.family === 'IPv6' && !a.address.startsWith('fe80'))].map((a) => a.address);
}
