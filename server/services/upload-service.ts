import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { FileType } from '../../shared/file-types.ts';
import { HashingStream, sha256File } from '../../shared/node/hash.ts';
import { sniffFile } from '../../shared/node/media/index.ts';
import { folderFromMetadata } from './upload-metadata.ts';
import { currentLogContext } from '../correlation.ts';
import { isDiskFull } from '../disk-full.ts';
import * as deleted from '../db/deleted-repo.ts';
import * as jobs from '../db/jobs-repo.ts';
import type { DB } from '../db/schema.ts';
import { ENDED_LISTED_MS, pruneEndedShares } from '../db/shares-repo.ts';
import * as uploads from '../db/uploads-repo.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { JobName, type ProcessJobData } from '../queue/jobs.ts';
import { blobKey, uploadPrefix, type BlobStore } from '../storage/blob-store.ts';

export interface IngestResult {
  upload: uploads.UploadRecord;
  jobId: string | null;
  duplicate: boolean;
  estimatedSeconds: number;
}

export interface UploadServiceDeps {
  db: Kysely<DB>;
  queue: JobQueue;
  store: BlobStore;
  events: EventBus;
  log: Logger;
  tmpDir: string;
  concurrency: number;
  retentionDays: number;
}

/** Where a file goes beside its bytes: the folder it had inside an archive. */
export interface Placement {
  folder?: string | null;
}

/** Rough seconds per file on the embedded default, for `estimated_time`; refined by queue depth. */
const TYPICAL_SECONDS: Record<FileType, number> = { image: 2, document: 3, audio: 4, video: 12 };

/**
 * Takes a file in: streams it to disk while hashing (never held in memory), decides its type from
 * its bytes, files it in storage, and commits the upload row together with its processing job.
 */
export class UploadService {
  constructor(private readonly deps: UploadServiceDeps) {}

  /** A live upload of this user; NOT_FOUND otherwise (never telling whether another user has it). */
  async get(userId: string, uploadId: string): Promise<uploads.UploadRecord> {
    const upload = await uploads.getUpload(this.deps.db, userId, uploadId);
    if (!upload) throw notFound('upload');
    return upload;
  }

  /** The upload with its extracted text (the detail view). */
  async details(userId: string, uploadId: string): Promise<{ upload: uploads.UploadRecord; extractedText: string | null }> {
    const upload = await this.get(userId, uploadId);
    return { upload, extractedText: await uploads.getExtractedText(this.deps.db, userId, uploadId) };
  }

  /** The user's live upload with these bytes (SHA-256, hex); NOT_FOUND when there is none. */
  async findByHash(userId: string, sha256: string): Promise<uploads.UploadRecord> {
    const found = await uploads.findLiveByHash(this.deps.db, userId, sha256.toLowerCase());
    if (!found) throw notFound('upload');
    return found;
  }

  list(userId: string, filter: uploads.ListFilter): Promise<{ rows: uploads.UploadRecord[]; total: number }> {
    return uploads.listUploads(this.deps.db, userId, filter);
  }

  /** One processing job and, once it completed, its upload. */
  async jobStatus(userId: string, jobId: string): Promise<{ job: jobs.JobRow; upload: uploads.UploadRecord | undefined }> {
    const job = await jobs.getJob(this.deps.db, userId, jobId);
    if (!job) throw notFound('job');
    const upload = job.state === 'completed' ? await uploads.getUpload(this.deps.db, userId, job.upload_id) : undefined;
    return { job, upload };
  }

  /** A file arriving as a stream (multipart upload): written to a temp file while hashed, then committed. */
  async ingest(userId: string, body: Readable, filename: string, userMetadata: Record<string, unknown>, place: Placement = {}): Promise<IngestResult> {
    await fs.mkdir(this.deps.tmpDir, { recursive: true });
    const tmp = path.join(this.deps.tmpDir, `${randomUUID()}.part`);
    try {
      const hasher = new HashingStream();
      try {
        await pipeline(body, hasher, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
      } catch (err) {
        throw streamError(err);
      }
      return await this.commit(userId, tmp, { hash: hasher.digest(), bytes: hasher.bytes }, filename, userMetadata, place);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  /**
   * A file already written in full on this machine (a finished resumable upload): hashed from disk,
   * then committed like a streamed one. The file is consumed — moved into storage, or deleted when
   * it is refused or a duplicate.
   */
  async ingestFile(userId: string, localPath: string, filename: string, userMetadata: Record<string, unknown>, place: Placement = {}): Promise<IngestResult> {
    try {
      const stat = await fs.stat(localPath);
      const hash = stat.size > 0 ? await sha256File(localPath) : '';
      return await this.commit(userId, localPath, { hash, bytes: stat.size }, filename, userMetadata, place);
    } finally {
      await fs.rm(localPath, { force: true });
    }
  }

  /**
   * The shared second half of both ingest paths: `file` holds the whole upload (hash and size known).
   * Sniffs the type, answers duplicates, moves the bytes into storage and commits the row with its
   * job. The caller removes `file` afterwards if it is still there (refused, duplicate, failure).
   */
  private async commit(userId: string, file: string, content: { hash: string; bytes: number }, filename: string, userMetadata: Record<string, unknown>, place: Placement): Promise<IngestResult> {
    const { db, store } = this.deps;
    if (content.bytes === 0) throw new TroveError('EMPTY_FILE', 'The file is empty (0 bytes). Choose a file with content.');
    const { hash } = content;
    const sniffed = await sniffFile(file, filename);

    const existing = await uploads.findLiveByHash(db, userId, hash);
    if (existing) return { upload: existing, jobId: existing.current_job_id, duplicate: true, estimatedSeconds: 0 };

    const uploadId = randomUUID();
    const jobId = randomUUID();
    const key = blobKey(userId, uploadId, `original.${sniffed.ext}`);
    await store.putFile(key, file, sniffed.mime);
    try {
      const upload = await db.transaction().execute(async (trx) => {
        const inserted = await uploads.insertUpload(trx, {
          id: uploadId, userId, storageUri: key, filename, fileType: sniffed.fileType, size: content.bytes, mimeType: sniffed.mime,
          hash, userMetadata, jobId, folder: place.folder ?? folderFromMetadata(userMetadata),
        });
        if (!inserted) return undefined; // the same bytes won a race a moment ago
        // The request's correlation id travels with the job, so the worker's log lines carry it too.
        const { requestId } = currentLogContext();
        const data: ProcessJobData = { jobId, uploadId, userId, ...(requestId ? { requestId } : {}) };
        const queueJobId = await this.deps.queue.enqueue(trx, JobName.Process, data);
        await jobs.insertJob(trx, { id: jobId, uploadId, userId, kind: 'process', queueJobId });
        return uploads.getUpload(trx, userId, uploadId);
      });
      if (!upload) {
        await store.deletePrefix(uploadPrefix(userId, uploadId));
        const winner = await uploads.findLiveByHash(db, userId, hash);
        if (!winner) throw new TroveError('INTERNAL_ERROR', 'The upload collided with a duplicate that then vanished; try again.');
        return { upload: winner, jobId: winner.current_job_id, duplicate: true, estimatedSeconds: 0 };
      }
      this.deps.events.publish(userId, { upload_id: uploadId, job_id: jobId, status: 'pending', progress: 0, stage: 'queued', error: null });
      return { upload, jobId, duplicate: false, estimatedSeconds: await this.estimate(sniffed.fileType) };
    } catch (err) {
      await store.deletePrefix(uploadPrefix(userId, uploadId)).catch(() => undefined);
      throw err;
    }
  }

  private async estimate(type: FileType): Promise<number> {
    const open = await jobs.countOpenJobs(this.deps.db);
    return Math.ceil(TYPICAL_SECONDS[type] * (1 + open / Math.max(1, this.deps.concurrency)));
  }

  /** Gone from search and listings at once; bytes stay until the retention period ends (or now, with purge). */
  async remove(userId: string, uploadId: string, purgeNow: boolean): Promise<{ purgeAfter: Date | null }> {
    const purgeAfter = new Date(Date.now() + (purgeNow ? 0 : this.deps.retentionDays * 86_400_000));
    const row = await this.deps.db.transaction().execute(async (trx) => {
      const deleted = await uploads.softDelete(trx, userId, uploadId, purgeAfter);
      if (deleted) await jobs.cancelJobsOfUpload(trx, uploadId);
      return deleted;
    });
    if (!row) throw notFound('upload');
    this.deps.events.publish(userId, { upload_id: uploadId, job_id: row.current_job_id, status: row.processing_status, progress: 0, stage: 'deleted', error: null, deleted: true });
    if (purgeNow) await this.purge(uploadId, userId);
    return { purgeAfter: purgeNow ? null : purgeAfter };
  }

  /** Bytes and row go for good; a tombstone lets the owner's restore say so (RESTORE_EXPIRED). */
  async purge(uploadId: string, userId: string): Promise<void> {
    await this.deps.store.deletePrefix(uploadPrefix(userId, uploadId));
    await deleted.hardDeleteLeavingTombstone(this.deps.db, uploadId, userId);
  }

  /** Deletes the bytes and rows of uploads whose retention has run out (and tombstones long past). */
  async purgeDue(now = new Date()): Promise<number> {
    const due = await uploads.duePurges(this.deps.db, now, 100);
    for (const u of due) await this.purge(u.id, u.user_id);
    await deleted.pruneTombstones(this.deps.db, new Date(now.getTime() - deleted.TOMBSTONE_DAYS * 86_400_000));
    // Share links that ended a while ago (they have left their owner's list; a visitor now hears "no such link").
    await pruneEndedShares(this.deps.db, new Date(now.getTime() - ENDED_LISTED_MS));
    return due.length;
  }

  /**
   * Removes stored folders that no upload row points at: left by a crash between storing the bytes
   * and committing the row. Only folders older than `minAgeMs` are touched, so an upload in flight
   * (bytes stored, transaction not yet committed) is never swept.
   */
  async sweepOrphans(minAgeMs = 60 * 60 * 1000): Promise<number> {
    let removed = 0;
    const cutoff = Date.now() - minAgeMs;
    for await (const { prefix, modifiedAt } of this.deps.store.listUploadPrefixes()) {
      if (modifiedAt.getTime() > cutoff) continue;
      const uploadId = prefix.split('/')[1] ?? '';
      if (!/^[0-9a-f-]{36}$/.test(uploadId) || (await uploads.uploadExists(this.deps.db, uploadId))) continue;
      await this.deps.store.deletePrefix(prefix);
      removed++;
    }
    return removed;
  }

  /**
   * Metadata that arrived after the file in a multipart body. Processing asks for "keep on this
   * device" right before anything leaves the machine, so clients should still send it first.
   */
  async setUserMetadata(uploadId: string, metadata: Record<string, unknown>): Promise<void> {
    await uploads.setUserMetadata(this.deps.db, uploadId, metadata, metadata.keep_local === true);
  }

  /** A failed upload gets a fresh processing job (the UI's Retry). */
  async retry(userId: string, uploadId: string): Promise<{ jobId: string }> {
    const jobId = randomUUID();
    const ok = await this.deps.db.transaction().execute(async (trx) => {
      const upload = await uploads.getUpload(trx, userId, uploadId);
      if (!upload) throw notFound('upload');
      if (upload.processing_status !== 'failed') {
        throw new TroveError('VALIDATION_ERROR', `Only failed uploads can be retried; this one is ${upload.processing_status}.`);
      }
      const queueJobId = await this.deps.queue.enqueue(trx, JobName.Process, { jobId, uploadId, userId });
      await jobs.insertJob(trx, { id: jobId, uploadId, userId, kind: 'process', queueJobId });
      return uploads.resetForRetry(trx, uploadId, jobId);
    });
    if (!ok) throw new TroveError('VALIDATION_ERROR', 'This upload changed while retrying; reload and try again.');
    this.deps.events.publish(userId, { upload_id: uploadId, job_id: jobId, status: 'pending', progress: 0, stage: 'queued', error: null });
    return { jobId };
  }
}

export function notFound(what: string): TroveError {
  return new TroveError('NOT_FOUND', `No ${what} with that id exists (or it belongs to someone else).`);
}

function streamError(err: unknown): TroveError {
  if (err instanceof TroveError) return err;
  const code = (err as { code?: string } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return new TroveError('FILE_TOO_LARGE', (err as Error).message);
  if (isDiskFull(err)) return new TroveError('INSUFFICIENT_STORAGE', 'The disk is full. Free some space, then upload again.');
  return new TroveError('UPLOAD_INCOMPLETE', 'The upload was cut off before the whole file arrived; nothing was stored. Try again.', undefined, { cause: err });
}
