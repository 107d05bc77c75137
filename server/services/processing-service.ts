import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { UploadEvent } from '../../shared/api/schemas.ts';
import { replaceChunks } from '../db/chunks-repo.ts';
import * as jobs from '../db/jobs-repo.ts';
import type { DB } from '../db/schema.ts';
import * as uploads from '../db/uploads-repo.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { PipelineOutput } from '../pipelines/index.ts';
import type { JobQueue, QueueJob } from '../queue/job-queue.ts';
import { JobName, type ProcessJobData } from '../queue/jobs.ts';
import { blobKey, type BlobStore } from '../storage/blob-store.ts';
import { analyseFile, completedAnalysis, toTroveError } from './analyse-file.ts';
import type { Understanding, Understood } from './understanding.ts';
import type { UsageService } from './usage-service.ts';


export interface ProcessingOptions {
  timeoutMs: number;
  /** Delay before each retry; its length is the number of retries after the first attempt. */
  retryDelaysSec: number[];
  maxImagePixels: number;
  scratchDir: string;
}

export interface ProcessingDeps {
  db: Kysely<DB>;
  queue: JobQueue;
  store: BlobStore;
  understanding: Understanding;
  usage: UsageService;
  events: EventBus;
  metrics: Metrics;
  log: Logger;
  options: ProcessingOptions;
}

/** Raised inside a run when the process is shutting down: the job goes back to the queue unharmed. */
class Shutdown extends Error {}

/**
 * Turns a queued upload into a searchable one: media steps → analysis → embedding → one
 * transaction that stores the result. Every state change is guarded by the job's current queue
 * entry, so a crashed, timed-out or duplicated attempt can never complete an upload twice.
 */
export class ProcessingService {
  private readonly inFlight = new Map<string, AbortController>();

  constructor(private readonly deps: ProcessingDeps) {}

  async handle(job: QueueJob<ProcessJobData>): Promise<void> {
    const { db, log } = this.deps;
    const claimed = await db.transaction().execute(async (trx) => {
      const row = await jobs.claimJob(trx, job.data.jobId, job.id);
      if (!row) return undefined;
      const upload = await uploads.claimForProcessing(trx, row.upload_id, row.id, row.attempts - 1);
      if (!upload) {
        await jobs.finishJob(trx, row.id, job.id, { state: 'cancelled' });
        return undefined;
      }
      return { row, upload };
    });
    if (!claimed) {
      // Info, not debug: pg-boss delivers at least once, and a redelivery is worth seeing in the log.
      log.info({ queueJobId: job.id }, 'stale queue entry skipped');
      return;
    }
    const { row, upload } = claimed;
    if (row.attempts > this.deps.options.retryDelaysSec.length + 1) {
      // Earlier attempts died without reporting (the process was killed): give up rather than loop.
      await this.fail(job, row.id, upload, new TroveError('PROCESSING_INTERRUPTED',
        'Processing was interrupted too many times (the server stopped while working on this file). Retry it from the library.'));
      return;
    }
    this.deps.metrics.activeJobs.inc();
    const controller = new AbortController();
    this.inFlight.set(row.id, controller);
    const timer = setTimeout(() => controller.abort(new TroveError('PROCESSING_TIMEOUT',
      `Processing took longer than ${Math.round(this.deps.options.timeoutMs / 1000)} s and was stopped.`)), this.deps.options.timeoutMs);
    const started = performance.now();
    const workDir = await fs.mkdtemp(path.join(this.deps.options.scratchDir, 'job-'));
    try {
      const lastAttempt = row.attempts > this.deps.options.retryDelaysSec.length;
      const { result, usage, chunks } = await this.process(job, row.id, upload, workDir, controller.signal, lastAttempt);
      const done = await db.transaction().execute(async (trx) => {
        const ok = await uploads.completeUpload(trx, upload.id, row.id, result);
        if (ok) await replaceChunks(trx, upload.id, chunks, result.embeddingModel);
        await jobs.finishJob(trx, row.id, job.id, ok ? { state: 'completed' } : { state: 'cancelled' });
        // Tokens spent count even when a newer attempt won the upload: the provider billed them.
        await this.deps.usage.record(trx, usage);
        return ok;
      });
      if (done) {
        this.deps.metrics.uploads.inc({ file_type: upload.file_type, status: 'completed' });
        this.deps.metrics.processingDuration.observe({ file_type: upload.file_type }, (performance.now() - started) / 1000);
        this.publish(upload.user_id, { upload_id: upload.id, job_id: row.id, status: 'completed', progress: 100, stage: 'completed', error: null });
      }
    } catch (err) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
      if (reason instanceof Shutdown) await this.requeue(job, row.id, upload, 0, undefined, { refundAttempt: true });
      else await this.onError(job, row.id, row.attempts, upload, toTroveError(reason));
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(row.id);
      this.deps.metrics.activeJobs.dec();
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  private async process(
    job: QueueJob<ProcessJobData>, jobId: string,
    upload: ClaimedUpload, workDir: string, signal: AbortSignal, lastAttempt: boolean,
  ): Promise<{ result: uploads.CompletedAnalysis; usage: Understood['usage']; chunks: Understood['chunks'] }> {
    const { store } = this.deps;
    const progress = this.progressReporter(job, jobId, upload);
    const source = await store.localCopy(upload.storage_uri);
    try {
      const { media, understood } = await analyseFile(this.deps, upload, { sourcePath: source.path, workDir, signal, lastAttempt, progress });
      progress('saving previews', 95);
      const derived = async (d: PipelineOutput['thumbnail']) => {
        if (!d) return null;
        const key = blobKey(upload.user_id, upload.id, d.name);
        await store.putFile(key, d.localPath, d.contentType);
        return key;
      };
      const thumbnailUri = await derived(media.thumbnail);
      const previewUri = await derived(media.preview);
      signal.throwIfAborted();
      return { result: { ...completedAnalysis(media, understood), thumbnailUri, previewUri }, usage: understood.usage, chunks: understood.chunks };
    } finally {
      await source.release();
    }
  }

  /** Progress goes to the job row (throttled) and to live listeners. */
  private progressReporter(job: QueueJob<ProcessJobData>, jobId: string, upload: { id: string; user_id: string }) {
    let lastPct = -1;
    let lastStage = '';
    return (stage: string, pct: number) => {
      const p = Math.min(99, Math.max(0, Math.round(pct)));
      if (stage === lastStage && p - lastPct < 5) return;
      lastPct = p;
      lastStage = stage;
      this.publish(upload.user_id, { upload_id: upload.id, job_id: jobId, status: 'processing', progress: p, stage, error: null });
      jobs.setProgress(this.deps.db, jobId, job.id, p, stage).catch((err: unknown) => this.deps.log.warn({ err }, 'progress not saved'));
    };
  }

  private async onError(job: QueueJob<ProcessJobData>, jobId: string, attempts: number, upload: { id: string; user_id: string; file_type: string }, err: TroveError): Promise<void> {
    const delays = this.deps.options.retryDelaysSec;
    if (err.retryable && attempts <= delays.length) {
      this.deps.log.warn({ uploadId: upload.id, code: err.code, attempt: attempts, err: err.message }, 'processing failed; will retry');
      await this.requeue(job, jobId, upload, delays[attempts - 1] ?? 0, err);
    } else {
      this.deps.log.warn({ uploadId: upload.id, code: err.code, err: err.message }, 'processing failed');
      await this.fail(job, jobId, upload, err);
    }
  }

  private async requeue(
    job: QueueJob<ProcessJobData>, jobId: string, upload: { id: string; user_id: string }, delaySec: number, err?: TroveError,
    opts: { refundAttempt?: boolean } = {},
  ): Promise<void> {
    const moved = await this.deps.db.transaction().execute(async (trx) => {
      const next = await this.deps.queue.enqueue(trx, JobName.Process, job.data, { startAfterSec: delaySec });
      if (!(await jobs.requeueJob(trx, jobId, job.id, next, err && { code: err.code, message: err.message }, opts))) return false;
      await uploads.markPending(trx, upload.id, jobId, err && { code: err.code, message: err.message });
      return true;
    });
    if (moved) {
      this.publish(upload.user_id, {
        upload_id: upload.id, job_id: jobId, status: 'pending', progress: 0,
        stage: delaySec > 0 ? `retrying in ${delaySec} s` : 'queued', error: err ? { code: err.code, message: err.message } : null,
      });
    }
  }

  private async fail(job: QueueJob<ProcessJobData>, jobId: string, upload: { id: string; user_id: string; file_type: string }, err: TroveError): Promise<void> {
    const changed = await this.deps.db.transaction().execute(async (trx) => {
      if (!(await jobs.finishJob(trx, jobId, job.id, { state: 'failed', errorCode: err.code, errorMessage: err.message }))) return false;
      await uploads.markFailed(trx, upload.id, jobId, { code: err.code, message: err.message });
      return true;
    });
    if (changed) {
      this.deps.metrics.uploads.inc({ file_type: upload.file_type, status: 'failed' });
      this.publish(upload.user_id, { upload_id: upload.id, job_id: jobId, status: 'failed', progress: 100, stage: 'failed', error: { code: err.code, message: err.message } });
    }
  }

  /**
   * Where this process owns the queue alone (embedded mode), jobs still marked `processing` at
   * start-up were cut off by a crash: put them back now instead of waiting out the visibility timeout.
   */
  async recoverOrphans(): Promise<number> {
    const orphans = await jobs.orphanedJobs(this.deps.db);
    for (const row of orphans) {
      if (!row.queue_job_id) continue;
      await this.requeue({ id: row.queue_job_id, data: { jobId: row.id, uploadId: row.upload_id, userId: row.user_id } }, row.id,
        { id: row.upload_id, user_id: row.user_id }, 0,
        new TroveError('PROCESSING_INTERRUPTED', 'The server stopped while processing this file; it was queued again.'));
    }
    return orphans.length;
  }

  /** Stops taking work; runs still going after the grace period are put back in the queue. */
  async drain(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const c of this.inFlight.values()) c.abort(new Shutdown('server shutting down'));
    while (this.inFlight.size > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private publish(userId: string, event: UploadEvent): void {
    this.deps.events.publish(userId, event);
  }
}

type ClaimedUpload = uploads.ClaimedUpload;
