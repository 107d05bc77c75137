/**
 * The job queue wakes its workers when a job is enqueued (pg_notify at commit, LISTEN in the
 * worker), on embedded PGlite and on a real PostgreSQL 15, and a worker that finishes a job looks
 * for the next one at once. The queues here poll only every 30 s, so a job picked up within a few
 * seconds was not found by a poll. Also: a job rolled back with its transaction wakes nobody and is
 * never run; an enqueuing queue without workers wakes another instance's workers (as an API process
 * wakes a worker process); and a worker whose listening connection is killed gets it back.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import type { DB } from '../../../server/db/schema.ts';
import { PgBossQueue } from '../../../server/queue/job-queue.ts';
import { ListenClientWakeups, PoolWakeups, type JobWakeups } from '../../../server/queue/job-wakeups.ts';
import { ALL_JOBS, JobName, type ProcessJobData } from '../../../server/queue/jobs.ts';
import { startPostgres15, type TestPostgres } from '../../helpers/postgres.ts';

const POLL_SEC = 30;
/** Far below the poll interval: a job seen this soon was delivered by a wake-up. */
const WOKEN_WITHIN_MS = 8_000;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

const job = (n: number): ProcessJobData => ({ jobId: `j${n}`, uploadId: `u${n}`, userId: 'user' });

function makeQueue(pool: pg.Pool, wakeups: JobWakeups | undefined): PgBossQueue {
  return new PgBossQueue({
    pool, queues: ALL_JOBS, pollSec: POLL_SEC, maintenanceSec: 300, visibilityTimeoutSec: 120,
    onError: () => undefined, ...(wakeups ? { wakeups } : {}),
  });
}

/** Records when each job's handler ran; `waitFor(n)` resolves once n jobs ran. */
function recorder(ms = 0) {
  const seen: { jobId: string; at: number }[] = [];
  let waiters: (() => void)[] = [];
  return {
    seen,
    handler: async ({ data }: { data: ProcessJobData }) => {
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      seen.push({ jobId: data.jobId, at: performance.now() });
      for (const w of waiters) w();
    },
    async waitFor(n: number, withinMs: number): Promise<void> {
      const deadline = performance.now() + withinMs;
      while (seen.length < n) {
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`${seen.length} of ${n} jobs ran within ${withinMs} ms`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => { clearTimeout(t); resolve(); });
        });
        waiters = [];
      }
    },
  };
}

/** The same checks for each engine. */
function wakeupCases(engine: () => { db: Kysely<DB>; pool: pg.Pool; wakeups: () => JobWakeups }) {
  it('a job enqueued in a committed transaction starts at once, not at the next poll', async () => {
    const { db, pool, wakeups } = engine();
    const queue = makeQueue(pool, wakeups());
    await queue.start();
    const rec = recorder();
    try {
      await queue.work(JobName.Process, 1, rec.handler);
      // Let the worker's first fetch find the queue empty and go to sleep for the poll interval.
      await new Promise((r) => setTimeout(r, 1000));
      const sent = performance.now();
      await db.transaction().execute((trx) => queue.enqueue(trx, JobName.Process, job(1)));
      await rec.waitFor(1, WOKEN_WITHIN_MS);
      expect(rec.seen[0]!.jobId).toBe('j1');
      expect(rec.seen[0]!.at - sent).toBeLessThan(WOKEN_WITHIN_MS);
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 1000 });
    }
  });

  it('a worker that finishes a job takes the next queued one at once; a rolled-back job never runs', async () => {
    const { db, pool, wakeups } = engine();
    const queue = makeQueue(pool, wakeups());
    await queue.start();
    const rec = recorder(50);
    try {
      await queue.work(JobName.Process, 1, rec.handler);
      await new Promise((r) => setTimeout(r, 1000));
      await db.transaction().execute(async (trx) => {
        for (let i = 10; i < 14; i++) await queue.enqueue(trx, JobName.Process, job(i));
      });
      await expect(db.transaction().execute(async (trx) => {
        await queue.enqueue(trx, JobName.Process, job(99));
        throw new Error('rolled back');
      })).rejects.toThrow('rolled back');
      // One worker, four jobs: without looking again after each job it would sleep ~30 s between them.
      await rec.waitFor(4, 2 * WOKEN_WITHIN_MS);
      expect(rec.seen.map((s) => s.jobId).sort()).toEqual(['j10', 'j11', 'j12', 'j13']);
      await new Promise((r) => setTimeout(r, 500));
      expect(rec.seen.map((s) => s.jobId)).not.toContain('j99');
      expect(await queue.depth(JobName.Process)).toBe(0);
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 1000 });
    }
  });

  it('a job enqueued to run later is left to the poll (no early wake-up runs it)', async () => {
    const { db, pool, wakeups } = engine();
    const queue = makeQueue(pool, wakeups());
    await queue.start();
    const rec = recorder();
    try {
      await queue.work(JobName.Process, 1, rec.handler);
      await new Promise((r) => setTimeout(r, 1000));
      await db.transaction().execute((trx) => queue.enqueue(trx, JobName.Process, job(20), { startAfterSec: 60 }));
      await db.transaction().execute((trx) => queue.enqueue(trx, JobName.Process, job(21)));
      await rec.waitFor(1, WOKEN_WITHIN_MS);
      await new Promise((r) => setTimeout(r, 500));
      expect(rec.seen.map((s) => s.jobId)).toEqual(['j21']);
      expect(await queue.depth(JobName.Process)).toBe(1);
    } finally {
      await queue.stop({ graceful: false, timeoutMs: 1000 });
      await pool.query("DELETE FROM pgboss.job WHERE data->>'jobId' = 'j20'");
    }
  });
}

describe('job wake-ups on embedded PGlite', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-wakeups-'));
    database = await openDatabase({ dataDir: dir });
  });
  afterAll(async () => {
    await database?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  wakeupCases(() => ({ db: database.db, pool: database.pool, wakeups: () => new PoolWakeups(database.pool) }));
});

describe('job wake-ups on PostgreSQL 15', () => {
  let server: TestPostgres;
  const pools: pg.Pool[] = [];
  const dbs: Kysely<DB>[] = [];
  let url: string;
  let pool: pg.Pool;
  let db: Kysely<DB>;
  const newPool = () => {
    const p = new pg.Pool({ connectionString: url, max: 5 });
    pools.push(p);
    return p;
  };
  beforeAll(async () => {
    server = await startPostgres15({ pgvector: false });
    url = await server.createDatabase();
    pool = newPool();
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    dbs.push(db);
  });
  afterAll(async () => {
    for (const d of dbs) await d.destroy().catch(() => undefined);
    for (const p of pools) await p.end().catch(() => undefined);
    await server?.stop();
  });
  wakeupCases(() => ({ db, pool, wakeups: () => new ListenClientWakeups(url, silent) }));

  it('an enqueuing instance without workers wakes another instance\'s workers; a killed listener comes back', async () => {
    const api = makeQueue(newPool(), new ListenClientWakeups(url, silent));
    const worker = makeQueue(newPool(), new ListenClientWakeups(url, silent));
    await api.start();
    await worker.start();
    const rec = recorder();
    try {
      await worker.work(JobName.Process, 2, rec.handler);
      await new Promise((r) => setTimeout(r, 1000));
      await db.transaction().execute((trx) => api.enqueue(trx, JobName.Process, job(30)));
      await rec.waitFor(1, WOKEN_WITHIN_MS);
      // Only the worker instance listens: the API side only notifies.
      const listeners = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'trove-job-wakeups'");
      expect(Number(listeners.rows[0]!.n)).toBe(1);

      await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'trove-job-wakeups'");
      // Reconnects after 0.5 s; wait until it listens again, then a new job still wakes the worker.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'trove-job-wakeups' AND query ILIKE 'LISTEN%'");
        if (Number(rows[0]!.n) === 1) break;
        if (Date.now() > deadline) throw new Error('the wake-up listener did not come back');
        await new Promise((r) => setTimeout(r, 100));
      }
      await db.transaction().execute((trx) => api.enqueue(trx, JobName.Process, job(31)));
      await rec.waitFor(2, WOKEN_WITHIN_MS);
      expect(rec.seen.map((s) => s.jobId)).toEqual(['j30', 'j31']);
    } finally {
      await api.stop({ graceful: false, timeoutMs: 1000 });
      await worker.stop({ graceful: false, timeoutMs: 1000 });
    }
  });
});
