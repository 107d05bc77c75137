import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { ProcessingStatus } from '../../shared/file-types.ts';
import * as deleted from '../db/deleted-repo.ts';
import * as jobs from '../db/jobs-repo.ts';
import type { DB } from '../db/schema.ts';
import * as uploads from '../db/uploads-repo.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { JobName } from '../queue/jobs.ts';
import { notFound } from './upload-service.ts';

export interface RecentlyDeletedDeps {
  db: Kysely<DB>;
  queue: JobQueue;
  events: EventBus;
  retentionDays: number;
  now?: () => Date;
}

export interface RestoreOutcome {
  restored: boolean;
  status: ProcessingStatus;
  jobId: string | null;
}

/** PostgreSQL's unique_violation: the same bytes became live again between our check and the update. */
const UNIQUE_VIOLATION = '23505';

/**
 * Deleted files stay, bytes and all, until their retention ends (`purge_after`); until then they are
 * listed here and can be brought back. Deleting several at once lives here too, so batch delete and
 * restore are the two halves of one lifecycle.
 */
export class RecentlyDeleted {
  constructor(private readonly deps: RecentlyDeletedDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  list(userId: string, page: { limit: number; offset: number }) {
    return deleted.listDeleted(this.deps.db, userId, { ...page, now: this.now() });
  }

  /**
   * Soft-deletes the user's live uploads among `ids` in one transaction (all of them or none, if
   * the process dies mid-way); returns the ids it deleted — the others were not the user's, or were
   * deleted already.
   */
  async removeMany(userId: string, ids: string[]): Promise<Set<string>> {
    const purgeAfter = new Date(this.now().getTime() + this.deps.retentionDays * 86_400_000);
    const rows = await this.deps.db.transaction().execute(async (trx) => {
      const gone = await deleted.softDeleteMany(trx, userId, ids, purgeAfter);
      for (const row of gone) await jobs.cancelJobsOfUpload(trx, row.id);
      return gone;
    });
    for (const row of rows) {
      this.deps.events.publish(userId, { upload_id: row.id, job_id: row.current_job_id, status: row.processing_status, progress: 0, stage: 'deleted', error: null, deleted: true });
    }
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Brings a deleted upload back, within its retention: in listings and search at once (its
   * description and vectors were kept). One deleted before it finished processing is queued again.
   * A live upload is left as it is (`restored: false`), so a second Undo is harmless.
   */
  async restore(userId: string, uploadId: string): Promise<RestoreOutcome> {
    const { db } = this.deps;
    const now = this.now();
    const row = await deleted.findAny(db, userId, uploadId);
    if (!row) {
      if (await deleted.wasPurged(db, userId, uploadId)) throw expired();
      throw notFound('upload');
    }
    if (!row.deleted_at) return { restored: false, status: row.processing_status, jobId: row.current_job_id };
    if (!row.purge_after || row.purge_after <= now) throw expired();

    const unfinished = row.processing_status === 'pending' || row.processing_status === 'processing';
    const jobId = unfinished ? randomUUID() : null;
    try {
      await db.transaction().execute(async (trx) => {
        const twin = await uploads.findLiveByHash(trx, userId, row.file_hash);
        if (twin) throw conflict(twin.original_filename);
        if (!(await deleted.undelete(trx, userId, uploadId, now))) throw expired();
        if (jobId) {
          const queueJobId = await this.deps.queue.enqueue(trx, JobName.Process, { jobId, uploadId, userId });
          await jobs.insertJob(trx, { id: jobId, uploadId, userId, kind: 'process', queueJobId });
          await deleted.awaitNewJob(trx, uploadId, jobId);
        }
      });
    } catch (err) {
      if ((err as { code?: unknown } | null)?.code === UNIQUE_VIOLATION) throw conflict(null);
      throw err;
    }
    const status: ProcessingStatus = jobId ? 'pending' : row.processing_status;
    this.deps.events.publish(userId, {
      upload_id: uploadId, job_id: jobId ?? row.current_job_id, status, progress: 0, stage: jobId ? 'queued' : 'restored', error: null, restored: true,
    });
    return { restored: true, status, jobId: jobId ?? row.current_job_id };
  }
}

const expired = () => new TroveError('RESTORE_EXPIRED',
  'This file was removed for good (its time in Recently deleted ran out, or it was deleted permanently) and cannot be restored.');

const conflict = (name: string | null) => new TroveError('RESTORE_CONFLICT',
  `The same file is in your library again${name ? ` as “${name}”` : ''} (added after this one was deleted); delete that one first to restore this.`);
