import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { TroveError } from '../../shared/api/errors.ts';
import { replaceChunks } from '../db/chunks-repo.ts';
import * as jobs from '../db/jobs-repo.ts';
import * as uploads from '../db/uploads-repo.ts';
import type { QueueJob } from '../queue/job-queue.ts';
import { JobName, type ReanalyzeJobData } from '../queue/jobs.ts';
import { analyseFile, completedAnalysis, toTroveError } from './analyse-file.ts';
import type { ProcessingDeps } from './processing-service.ts';

/** Files queued per user per sweep: a new day's budget is spent file by file, not all at once. */
const PER_USER = 20;

/** The processing service's adapters (re-analysis runs the same steps), with its own options. */
export interface ReanalysisDeps extends Omit<ProcessingDeps, 'metrics' | 'options'> {
  /** `staleAfterMs`: a re-analysis job that has not moved for this long belonged to a process that is gone. */
  options: { timeoutMs: number; maxImagePixels: number; scratchDir: string; staleAfterMs: number };
}

/**
 * Brings files described offline for want of budget back to the cloud model once their owner has
 * budget again (a new day or month, or a raised budget). Each file gets a job of its own; it stays
 * searchable throughout, and only a run that still finds it waiting (and still owned by that job)
 * writes the new description. Any failure leaves it waiting for the next sweep: nothing the user
 * sees fails.
 */
export class ReanalysisService {
  private readonly inFlight = new Set<AbortController>();

  constructor(private readonly deps: ReanalysisDeps) {}

  async sweep(): Promise<number> {
    const { db, queue, usage, log } = this.deps;
    let queued = 0;
    for (const userId of await uploads.usersWaitingForBudget(db)) {
      if (!(await usage.allowance(userId)).ok) continue;
      const staleBefore = new Date(Date.now() - this.deps.options.staleAfterMs);
      for (const { id: uploadId } of await uploads.waitingForBudget(db, userId, PER_USER, staleBefore)) {
        const jobId = randomUUID();
        await db.transaction().execute(async (trx) => {
          const queueJobId = await queue.enqueue(trx, JobName.Reanalyze, { jobId, uploadId, userId });
          await jobs.insertJob(trx, { id: jobId, uploadId, userId, kind: 'reanalyze', queueJobId });
          // Pointing the file at its newest job makes any older run's result stale.
          await uploads.pointAtJob(trx, uploadId, jobId);
        });
        queued++;
      }
    }
    if (queued > 0) log.info({ queued }, 'files waiting for AI budget queued for analysis');
    return queued;
  }

  async handle(job: QueueJob<ReanalyzeJobData>): Promise<void> {
    const { db } = this.deps;
    const claimed = await db.transaction().execute(async (trx) => {
      const row = await jobs.claimJob(trx, job.data.jobId, job.id);
      if (!row) return undefined;
      const upload = await uploads.claimForReanalysis(trx, row.upload_id, row.id);
      if (!upload) await jobs.finishJob(trx, row.id, job.id, { state: 'cancelled' });
      return upload && { row, upload };
    });
    if (!claimed) return;
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(new TroveError('PROCESSING_TIMEOUT', 'Re-analysis took too long.')), this.deps.options.timeoutMs);
    try {
      await this.run(job, claimed.row.id, claimed.upload, controller.signal);
    } catch (err) {
      const e = toTroveError(controller.signal.aborted ? controller.signal.reason : err);
      this.deps.log.warn({ uploadId: claimed.upload.id, code: e.code, err: e.message }, 're-analysis failed; the file keeps waiting for the next sweep');
      await jobs.finishJob(db, claimed.row.id, job.id, { state: 'failed', errorCode: e.code, errorMessage: e.message });
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  private async run(job: QueueJob<ReanalyzeJobData>, jobId: string, upload: uploads.ClaimedUpload, signal: AbortSignal): Promise<void> {
    const { db, log } = this.deps;
    const workDir = await fs.mkdtemp(path.join(this.deps.options.scratchDir, 'job-'));
    const source = await this.deps.store.localCopy(upload.storage_uri);
    try {
      const { media, understood } = await analyseFile(this.deps, upload, { sourcePath: source.path, workDir, signal, lastAttempt: false, progress: () => undefined });
      if (understood.cloudStatus === 'awaiting_budget' && understood.usage.length === 0) {
        await jobs.finishJob(db, jobId, job.id, { state: 'cancelled' });
        return; // the budget was spent again meanwhile; the next sweep tries again
      }
      const changed = await db.transaction().execute(async (trx) => {
        const ok = await uploads.completeReanalysis(trx, upload.id, jobId, completedAnalysis(media, understood));
        if (ok) await replaceChunks(trx, upload.id, understood.chunks, understood.embeddingModel);
        await jobs.finishJob(trx, jobId, job.id, ok ? { state: 'completed' } : { state: 'cancelled' });
        await this.deps.usage.record(trx, understood.usage);
        return ok;
      });
      if (changed) {
        log.info({ uploadId: upload.id, cloudStatus: understood.cloudStatus }, 'file analysed again now that budget is available');
        this.deps.events.publish(upload.user_id, { upload_id: upload.id, job_id: jobId, status: 'completed', progress: 100, stage: 'completed', error: null });
      }
    } finally {
      await source.release();
      await fs.rm(workDir, { recursive: true, force: true });
    }
  }

  /** On shutdown: stop runs at once; their files keep waiting and the next sweep queues them again. */
  stop(): void {
    for (const c of this.inFlight) c.abort(new TroveError('PROCESSING_INTERRUPTED', 'The server is shutting down.'));
  }
}
