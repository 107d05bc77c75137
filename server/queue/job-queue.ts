import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { DB } from '../db/schema.ts';
import type { JobName, JobOf } from './jobs.ts';
import { JOB_CHANNEL, type JobWakeups } from './job-wakeups.ts';

export interface QueueJob<T> {
  id: string;
  data: T;
}

export interface EnqueueOptions {
  startAfterSec?: number;
}

/**
 * The durable job queue (pg-boss, in the same database as the uploads). Jobs are enqueued inside
 * the caller's transaction, so an upload row and its job commit or vanish together.
 */
export interface JobQueue {
  start(): Promise<void>;
  enqueue<N extends JobName>(trx: Kysely<DB>, queue: N, data: JobOf<N>, opts?: EnqueueOptions): Promise<string>;
  work<N extends JobName>(queue: N, concurrency: number, handler: (job: QueueJob<JobOf<N>>) => Promise<void>): Promise<void>;
  /** Jobs waiting in a queue (created or waiting to retry), for the queue-depth gauge. */
  depth(queue: JobName): Promise<number>;
  stop(opts: { graceful: boolean; timeoutMs: number }): Promise<void>;
}

export interface PgBossQueueOptions {
  pool: pg.Pool;
  queues: readonly JobName[];
  pollSec: number;
  maintenanceSec: number;
  /** A job whose worker vanished (crash, kill) becomes visible again after this long. */
  visibilityTimeoutSec: number;
  onError: (err: Error) => void;
  /**
   * Wakes this process's workers when a job is enqueued (by any process on the database), so a
   * job starts at once instead of at the next poll. Without it the queue only polls.
   */
  wakeups?: JobWakeups;
}

function executorFor(db: Kysely<DB>) {
  return {
    executeSql: async (text: string, values: unknown[] = []) => {
      const result = await db.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows, rowCount: Number(result.numAffectedRows ?? result.rows.length) };
    },
  };
}

export class PgBossQueue implements JobQueue {
  private readonly boss: PgBoss;
  /** pg-boss worker ids by queue, to wake them. */
  private readonly workers = new Map<string, string[]>();
  private listening: Promise<void> | undefined;
  constructor(private readonly opts: PgBossQueueOptions) {
    this.boss = new PgBoss({
      db: { executeSql: (text: string, values?: unknown[]) => opts.pool.query(text, values) },
      schema: 'pgboss',
      maintenanceIntervalSeconds: opts.maintenanceSec,
      monitorStateIntervalSeconds: Math.max(opts.maintenanceSec, 10),
    });
    this.boss.on('error', opts.onError);
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const name of this.opts.queues) {
      // Retries of failed attempts are scheduled by the processing service (the spec's 10/60/300 s);
      // pg-boss's own retry only brings back jobs whose worker died, after the visibility timeout.
      await this.boss.createQueue(name, {
        name,
        retryLimit: 3,
        retryDelay: 1,
        expireInSeconds: this.opts.visibilityTimeoutSec,
      });
    }
  }

  /** Every worker of the queue fetches now (one gets the job; the others find nothing and sleep again). */
  private wake(queue: string): void {
    for (const id of this.workers.get(queue) ?? []) this.boss.notifyWorker(id);
  }

  async enqueue<N extends JobName>(trx: Kysely<DB>, queue: N, data: JobOf<N>, opts: EnqueueOptions = {}): Promise<string> {
    const id = await this.boss.send(queue, data, {
      startAfter: Math.max(0, Math.round(opts.startAfterSec ?? 0)),
      expireInSeconds: this.opts.visibilityTimeoutSec,
      db: executorFor(trx),
    } as PgBoss.SendOptions);
    if (!id) throw new Error(`pg-boss did not accept a job for queue ${queue}`);
    // Delivered when the caller's transaction commits (never for a job rolled back); a job that
    // waits (a retry's startAfter) is left to the poll.
    if (this.opts.wakeups && !(opts.startAfterSec && opts.startAfterSec > 0)) {
      await trx.executeQuery(CompiledQuery.raw('SELECT pg_notify($1, $2)', [JOB_CHANNEL, queue]));
    }
    return id;
  }

  async work<N extends JobName>(queue: N, concurrency: number, handler: (job: QueueJob<JobOf<N>>) => Promise<void>): Promise<void> {
    // Only a process that works jobs listens (an API process only notifies).
    this.listening ??= this.opts.wakeups?.start((name) => this.wake(name));
    await this.listening;
    // pg-boss 10 runs one job at a time per worker; several workers give the concurrency.
    const ids = this.workers.get(queue) ?? [];
    this.workers.set(queue, ids);
    for (let i = 0; i < concurrency; i++) {
      const worker: { id?: string } = {};
      worker.id = await this.boss.work<JobOf<N>>(queue, { pollingIntervalSeconds: this.opts.pollSec, batchSize: 1 }, async ([job]) => {
        try {
          if (job) await handler({ id: job.id, data: job.data });
        } finally {
          // pg-boss sleeps (poll interval − job time) after every job, even with more queued; a
          // worker that just finished one looks for the next at once instead.
          if (worker.id) this.boss.notifyWorker(worker.id);
        }
      });
      ids.push(worker.id);
    }
  }

  depth(queue: JobName): Promise<number> {
    return this.boss.getQueueSize(queue, { before: 'active' });
  }

  async stop({ graceful, timeoutMs }: { graceful: boolean; timeoutMs: number }): Promise<void> {
    await this.opts.wakeups?.stop();
    await this.boss.stop({ graceful, wait: true, timeout: Math.max(1000, timeoutMs) });
  }
}
