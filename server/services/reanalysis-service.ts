import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as jobs from '../db/jobs-repo.ts';
import type { DB } from '../db/schema.ts';
import * as uploads from '../db/uploads-repo.ts';
import type { Logger } from '../logger.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { JobName } from '../queue/jobs.ts';
import type { UsageService } from './usage-service.ts';

/** Files queued per user per sweep: a new day's budget is spent file by file, not all at once. */
const PER_USER = 20;

/**
 * Brings files described offline for want of budget back to the cloud model once their owner has
 * budget again (a new day or month, or a raised budget). Each file gets a re-analysis job of its
 * own in the same queue as new files; the file stays searchable meanwhile.
 */
export class ReanalysisService {
  constructor(private readonly deps: { db: Kysely<DB>; queue: JobQueue; usage: UsageService; log: Logger }) {}

  async sweep(): Promise<number> {
    const { db, queue, usage, log } = this.deps;
    let queued = 0;
    for (const userId of await uploads.usersWaitingForBudget(db)) {
      if (!(await usage.allowance(userId)).ok) continue;
      const waiting = await uploads.waitingForBudget(db, userId, PER_USER);
      for (const { id: uploadId } of waiting) {
        const jobId = randomUUID();
        await db.transaction().execute(async (trx) => {
          const queueJobId = await queue.enqueue(trx, JobName.Process, { jobId, uploadId, userId, reanalyze: true });
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
}
