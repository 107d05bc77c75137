import type { Kysely, Selectable } from 'kysely';
import type { DB, JobKind, ProcessingJobsTable } from './schema.ts';

export type JobRow = Selectable<ProcessingJobsTable>;

export async function insertJob(db: Kysely<DB>, job: { id: string; uploadId: string; userId: string; kind: JobKind; queueJobId: string }): Promise<void> {
  await db.insertInto('processing_jobs').values({
    id: job.id, upload_id: job.uploadId, user_id: job.userId, kind: job.kind, queue_job_id: job.queueJobId,
  }).execute();
}

export function getJob(db: Kysely<DB>, userId: string, id: string): Promise<JobRow | undefined> {
  return db.selectFrom('processing_jobs').selectAll()
    .where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/**
 * Takes the job for this attempt. Matching on the queue's job id means only the queue entry the
 * row currently points at may run it; an older entry (already rescheduled) finds nothing to do.
 */
export function claimJob(db: Kysely<DB>, id: string, queueJobId: string): Promise<JobRow | undefined> {
  return db.updateTable('processing_jobs')
    .set((eb) => ({
      state: 'processing', attempts: eb('attempts', '+', 1), started_at: new Date(), updated_at: new Date(),
      progress: 0, stage: 'starting',
    }))
    .where('id', '=', id).where('queue_job_id', '=', queueJobId).where('state', 'in', ['queued', 'processing'])
    .returningAll().executeTakeFirst();
}

export async function setProgress(db: Kysely<DB>, id: string, queueJobId: string, progress: number, stage: string): Promise<void> {
  await db.updateTable('processing_jobs').set({ progress, stage, updated_at: new Date() })
    .where('id', '=', id).where('queue_job_id', '=', queueJobId).where('state', '=', 'processing').execute();
}

export async function finishJob(
  db: Kysely<DB>, id: string, queueJobId: string,
  end: { state: 'completed' | 'failed' | 'cancelled'; errorCode?: string; errorMessage?: string },
): Promise<boolean> {
  const res = await db.updateTable('processing_jobs')
    .set({
      state: end.state, finished_at: new Date(), updated_at: new Date(),
      progress: end.state === 'completed' ? 100 : undefined,
      stage: end.state, error_code: end.errorCode ?? null, error_message: end.errorMessage ?? null,
    })
    .where('id', '=', id).where('queue_job_id', '=', queueJobId).where('state', '=', 'processing')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Points the job at a new queue entry (a retry later, or now after an interruption). */
export async function requeueJob(
  db: Kysely<DB>, id: string, fromQueueJobId: string, toQueueJobId: string, error?: { code: string; message: string },
  opts: { refundAttempt?: boolean } = {},
): Promise<boolean> {
  const res = await db.updateTable('processing_jobs')
    .set((eb) => ({
      // A run stopped by a shutdown did nothing wrong: it does not use up one of the retries.
      attempts: opts.refundAttempt ? eb('attempts', '-', 1) : eb.ref('attempts'),
      state: 'queued', queue_job_id: toQueueJobId, updated_at: new Date(), progress: 0, stage: 'waiting to retry',
      error_code: error?.code ?? null, error_message: error?.message ?? null,
    }))
    .where('id', '=', id).where('queue_job_id', '=', fromQueueJobId).where('state', 'in', ['queued', 'processing'])
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Processing jobs left `processing` by a process that is gone. Only safe to call where this process
 * owns the queue. (A re-analysis cut off the same way needs nothing: its file still waits, and the
 * budget sweep queues it again.)
 */
export function orphanedJobs(db: Kysely<DB>): Promise<JobRow[]> {
  return db.selectFrom('processing_jobs').selectAll().where('state', '=', 'processing').where('kind', '=', 'process').execute();
}

export async function cancelJobsOfUpload(db: Kysely<DB>, uploadId: string): Promise<void> {
  await db.updateTable('processing_jobs').set({ state: 'cancelled', finished_at: new Date(), updated_at: new Date(), stage: 'cancelled' })
    .where('upload_id', '=', uploadId).where('state', 'in', ['queued', 'processing']).execute();
}

export function countOpenJobs(db: Kysely<DB>): Promise<number> {
  return db.selectFrom('processing_jobs').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', 'in', ['queued', 'processing']).executeTakeFirstOrThrow().then((r) => Number(r.n));
}
