import type { User } from '../db/users-repo.ts';
import type { AnnotationService } from '../services/annotation-service.ts';
import type { CollectionService } from '../services/collection-service.ts';
import type { ShareRoutesDeps } from '../routes/shares.ts';
import type { FolderService } from '../services/folder-service.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Metrics } from '../metrics.ts';
import type { FileLinks } from '../services/file-links.ts';
import type { HealthService } from '../services/health-service.ts';
import type { TusUploads } from '../services/tus-uploads.ts';
import type { SearchService } from '../services/search-service.ts';
import type { RecentlyDeleted } from '../services/recently-deleted.ts';
import type { UploadBatch } from '../services/upload-batch.ts';
import type { UploadService } from '../services/upload-service.ts';
import type { ArchiveIntake } from '../services/zip/archive-intake.ts';
import type { ZipDownloads } from '../services/zip/zip-download.ts';
import type { UsageService } from '../services/usage-service.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { AsyncUrlSigner, HmacUrlSigner } from '../storage/url-signer.ts';
import type { Authenticator } from './auth.ts';

/**
 * What the HTTP layer needs from the rest of the process; built by the composition root. Routes
 * reach data only through services: there is no database handle here.
 */
export interface AppContext {
  health: HealthService;
  uploads: UploadService;
  /** Recently deleted uploads: listing and restore. */
  deleted: RecentlyDeleted;
  /** POST /uploads/batch. */
  batch: UploadBatch;
  /** A .zip taken in as an archive, and GET /batches/{id}. */
  archives: ArchiveIntake;
  /** GET /download?ids=…: several files as one ZIP. */
  downloads: ZipDownloads;
  search: SearchService;
  /** Collections, the folder tree, the user's own tags and notes (issue 14); absent in contexts that do not serve them. */
  organize?: { collections: CollectionService; folders: FolderService; annotations: AnnotationService } | undefined;
  /** Share links: the owner's /shares and the public /shared/{token} and /s/{token}; absent where not served. */
  shares?: ShareRoutesDeps | undefined;
  usage: UsageService;
  links: FileLinks;
  store: BlobStore;
  /** Present when this server's own signed links are in use (local mode; a bucket without a key file). */
  signer: HmacUrlSigner | undefined;
  /** A bucket without a key file: /blob redirects to a bucket link signed through IAM instead of serving bytes. */
  bucketLinks?: AsyncUrlSigner | undefined;
  events: EventBus;
  metrics: Metrics;
  /** The deployment's own token (TROVE_TOKEN, or the data dir's): the only bearer /metrics accepts. */
  operatorToken: string | undefined;
  auth: Authenticator;
  maxFileSize: number;
  /** Resumable uploads at /api/v1/tus; absent where the process takes no uploads of that kind. */
  tus?: TusUploads;
  mode: string;
  version: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: User;
  }
}
