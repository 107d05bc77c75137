import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type pg from 'pg';
import type { DB } from '../db/schema.ts';
import type { JobName, JobOf } from './jobs.ts';

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

  async enqueue<N extends JobName>(trx: Kysely<DB>, queue: N, data: JobOf<N>, opts: EnqueueOptions = {}): Promise<string> {
    const id = await this.boss.send(queue, data, {
      startAfter: Math.max(0, Math.round(opts.startAfterSec ?? 0)),
      expireInSeconds: this.opts.visibilityTimeoutSec,
      db: executorFor(trx),
    } as PgBoss.SendOptions);
    if (!id) throw new Error(`pg-boss did not accept a job for queue ${queue}`);
    return id;
  }

  async work<N extends JobName>(queue: N, concurrency: number, handler: (job: QueueJob<JobOf<N>>) => Promise<void>): Promise<void> {
    // pg-boss 10 runs one job at a time per worker; several workers give the concurrency.
    for (let i = 0; i < concurrency; i++) {
      await this.boss.work<JobOf<N>>(queue, { pollingIntervalSeconds: this.opts.pollSec, batchSize: 1 }, async ([job]) => {
        if (job) await handler({ id: job.id, data: job.data });
      });
    }
  }

  depth(queue: JobName): Promise<number> {
    return this.boss.getQueueSize(queue, { before: 'active' });
  }

  async stop({ graceful, timeoutMs }: { graceful: boolean; timeoutMs: number }): Promise<void> {
    await this.boss.stop({ graceful, wait: true, timeout: Math.max(1000, timeoutMs) });
  }
}
