/**
 * Resumable uploads over the tus 1.0.0 protocol (creation, termination, expiration), for clients
 * that must survive a cut connection or a restarted server (the desktop app's upload queue). Bytes
 * land in `<data>/tmp/tus/files/` and survive a server restart; when the last byte arrives the file
 * is handed to `UploadService.ingestFile` — the same hash/sniff/store/enqueue path as a multipart
 * upload — and the outcome goes back in `Trove-*` response headers and stays readable as a result
 * file. routes/tus.ts serves it at `/api/v1/tus`; each upload belongs to the user who created it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { FileStore } from '@tus/file-store';
import { Server as TusServer, type Upload as TusUpload } from '@tus/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../../shared/api/envelope.ts';
import { TroveError } from '../../shared/api/errors.ts';
import { TUS_PATH, TUS_RESULT_HEADERS, type UploadAccepted } from '../../shared/api/schemas.ts';
import type { User } from '../db/users-repo.ts';
import type { Logger } from '../logger.ts';
import { cleanFileName } from '../../shared/file-names.ts';
import { isArchiveName, type BatchAccepted } from '../../shared/api/archives.ts';
import { parseUserMetadata } from './upload-metadata.ts';
import type { ArchiveIntake } from './zip/archive-intake.ts';
import type { IngestResult, UploadService } from './upload-service.ts';

const TUS_METADATA_PATH = 'headers/upload-metadata/metadata';

/** What a finished upload left behind: who owns it and what ingesting it gave (a file, or an archive's batch). */
export type TusResult = (UploadAccepted | BatchAccepted) & {
  user_id: string;
  size: number;
  finished_at: string;
};

export interface TusUploadsOptions {
  /** `<data>/tmp/tus`; kept across restarts (the server's start-up only clears the rest of tmp/). */
  directory: string;
  maxFileSize: number;
  uploads: UploadService;
  /** Takes a finished `.zip` as an archive; without it a ZIP is refused like any unsupported file. */
  archives?: ArchiveIntake;
  log: Logger;
  /** Unfinished uploads (and finished uploads' results) older than this are removed by `cleanUp`. */
  expirationMs?: number;
}

const DEFAULT_EXPIRATION_MS = 7 * 24 * 3600 * 1000;
const USER_KEY = 'trove_user';

/** The tus server and its folders; built once by the composition root, served by `tusRoutes`. */
export class TusUploads {
  readonly server: TusServer;
  readonly store: FileStore;
  private readonly resultsDir: string;
  private readonly expirationMs: number;
  /** The authenticated user of each raw request, set by the route before tus sees the request. */
  private readonly users = new WeakMap<object, User>();

  constructor(private readonly opts: TusUploadsOptions) {
    this.expirationMs = opts.expirationMs ?? DEFAULT_EXPIRATION_MS;
    this.resultsDir = path.join(opts.directory, 'results');
    this.store = new FileStore({ directory: path.join(opts.directory, 'files'), expirationPeriodInMilliseconds: this.expirationMs });
    this.server = new TusServer({
      path: TUS_PATH,
      datastore: this.store,
      maxSize: opts.maxFileSize,
      relativeLocation: true,
      // CORS stays closed, as everywhere in this API: no Access-Control-Allow-Origin is sent.
      allowedOrigins: [],
      onUploadCreate: (req, upload) => this.onCreate(req, upload),
      onUploadFinish: (req, upload) => this.onFinish(req, upload),
      onResponseError: (_req, err) => {
        if (!('status_code' in err)) opts.log.error({ err }, 'tus upload failed');
        return undefined;
      },
    });
  }

  async init(): Promise<void> {
    await fs.mkdir(path.join(this.opts.directory, 'files'), { recursive: true, mode: 0o700 });
    await fs.mkdir(this.resultsDir, { recursive: true, mode: 0o700 });
  }

  /** Hands one raw request to tus on behalf of `user`. */
  async handle(user: User, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    this.users.set(req.raw, user);
    reply.hijack();
    await this.server.handle(req.raw, reply.raw);
  }

  /** Owner of an upload id: from its result when finished, else from its tus info; undefined when unknown. */
  async ownerOf(id: string): Promise<{ userId: string; result: TusResult | undefined } | undefined> {
    const result = await this.result(id);
    if (result) return { userId: result.user_id, result };
    const info = await this.store.configstore.get(id).catch(() => undefined);
    const userId = info?.metadata?.[USER_KEY];
    return typeof userId === 'string' ? { userId, result: undefined } : undefined;
  }

  async result(id: string): Promise<TusResult | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.resultPath(id), 'utf8')) as TusResult;
    } catch {
      return undefined;
    }
  }

  async forgetResult(id: string): Promise<void> {
    await fs.rm(this.resultPath(id), { force: true });
  }

  /** Removes expired unfinished uploads and old results; run with the server's periodic purge. */
  async cleanUp(now = Date.now()): Promise<number> {
    let removed = await this.server.cleanUpExpiredUploads().catch((err: unknown) => {
      this.opts.log.warn({ err }, 'tus cleanup failed');
      return 0;
    });
    for (const name of await fs.readdir(this.resultsDir).catch(() => [] as string[])) {
      const file = path.join(this.resultsDir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && now - stat.mtimeMs > this.expirationMs) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private resultPath(id: string): string {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new TroveError('NOT_FOUND', 'No resumable upload with that id exists.');
    return path.join(this.resultsDir, `${id}.json`);
  }

  private async onCreate(req: Parameters<NonNullable<TusServer['options']['onUploadCreate']>>[0], upload: TusUpload) {
    const raw = req.runtime?.node?.req;
    const user = raw ? this.users.get(raw) : undefined;
    if (!user) throw tusError(new TroveError('UNAUTHORIZED', 'Missing access token.'));
    const metadata = { ...(upload.metadata ?? {}) };
    metadata.filename = cleanFileName(metadata.filename);
    try {
      if (metadata.metadata) parseUserMetadata(metadata.metadata, TUS_METADATA_PATH);
    } catch (err) {
      throw tusError(err as TroveError);
    }
    metadata[USER_KEY] = user.id;
    return { metadata };
  }

  private async onFinish(_req: unknown, upload: TusUpload) {
    const userId = upload.metadata?.[USER_KEY];
    if (!userId) throw tusError(new TroveError('INTERNAL_ERROR', 'This upload has no owner.'));
    const file = upload.storage?.path ?? path.join(this.store.directory, upload.id);
    const filename = upload.metadata?.filename ?? 'untitled';
    try {
      const userMetadata = upload.metadata?.metadata ? parseUserMetadata(upload.metadata.metadata, TUS_METADATA_PATH) : {};
      if (this.opts.archives && isArchiveName(filename)) {
        const intake = await this.opts.archives.receiveFile(userId, file, filename, userMetadata);
        if (intake.kind === 'batch') {
          const result: TusResult = { ...intake.batch, user_id: userId, size: upload.size ?? 0, finished_at: new Date().toISOString() };
          await fs.writeFile(this.resultPath(upload.id), JSON.stringify(result), { mode: 0o600 });
          return { headers: { [TUS_RESULT_HEADERS.batchId]: intake.batch.batch_id } };
        }
        return await this.finished(upload, userId, intake.result);
      }
      return await this.finished(upload, userId, await this.opts.uploads.ingestFile(userId, file, filename, userMetadata));
    } catch (err) {
      throw tusError(err instanceof TroveError ? err : new TroveError('INTERNAL_ERROR', 'The finished upload could not be stored; upload it again.', undefined, { cause: err }));
    } finally {
      // The bytes now live in storage (or were refused): the tus entry has nothing left to resume.
      await fs.rm(file, { force: true });
      await this.store.configstore.delete(upload.id).catch(() => undefined);
    }
  }

  /** A single file's outcome, kept as the result and told in the last response's headers. */
  private async finished(upload: TusUpload, userId: string, res: IngestResult) {
    const accepted: UploadAccepted = {
      job_id: res.jobId,
      upload_id: res.upload.id,
      status: res.duplicate ? res.upload.processing_status : 'queued',
      duplicate: res.duplicate,
      estimated_time: res.estimatedSeconds,
    };
    const result: TusResult = { ...accepted, user_id: userId, size: upload.size ?? 0, finished_at: new Date().toISOString() };
    await fs.writeFile(this.resultPath(upload.id), JSON.stringify(result), { mode: 0o600 });
    return { headers: resultHeaders(accepted) };
  }
}

export function resultHeaders(a: UploadAccepted): Record<string, string> {
  return {
    [TUS_RESULT_HEADERS.uploadId]: a.upload_id,
    [TUS_RESULT_HEADERS.jobId]: a.job_id ?? '',
    [TUS_RESULT_HEADERS.duplicate]: String(a.duplicate),
    [TUS_RESULT_HEADERS.status]: a.status,
  };
}

/** tus hooks abort a request by throwing an object with `status_code` and `body`; the body is our usual error envelope. */
class TusHookError extends Error {
  readonly status_code: number;
  readonly body: string;
  constructor(err: TroveError) {
    super(err.message);
    this.status_code = err.status;
    this.body = JSON.stringify(fail(err.code, err.message));
  }
}
const tusError = (err: TroveError) => new TusHookError(err);
