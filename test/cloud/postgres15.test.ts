/**
 * Everything but vectors against a real PostgreSQL server (Debian's 15, which has no pgvector):
 * the start-up check for pgvector, the job queue's exactly-once delivery over several queue
 * instances (as several worker processes would hold), and LISTEN/NOTIFY in PgEventBus.
 */
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadEvent } from '../../shared/api/schemas.ts';
import { assertPgvectorAvailable } from '../../server/db/database.ts';
import type { DB } from '../../server/db/schema.ts';
import { PgEventBus } from '../../server/events/pg-event-bus.ts';
import { PgBossQueue } from '../../server/queue/job-queue.ts';
import { postgres15Available, startPostgres15, type TestPostgres } from '../helpers/postgres.ts';

const available = await postgres15Available();
let server: TestPostgres;
const pools: pg.Pool[] = [];
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const newPool = (max = 5) => {
  const p = new pg.Pool({ connectionString: server.url, max });
  pools.push(p);
  return p;
};

beforeAll(async () => {
  if (available) server = await startPostgres15();
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await server?.stop();
});

describe.skipIf(!available)('PostgreSQL 15 (no pgvector)', () => {
  it('says plainly that pgvector is missing', async () => {
    await expect(assertPgvectorAvailable(newPool(1))).rejects.toThrow('pgvector is not installed on this Postgres: CREATE EXTENSION vector failed');
  });

  it('hands each of 300 jobs to exactly one of three queue instances', async () => {
    const queues = [0, 1, 2].map(() => new PgBossQueue({
      pool: newPool(), queues: ['exactly-once'], pollSec: 0.5, maintenanceSec: 1, visibilityTimeoutSec: 30, onError: () => undefined,
    }));
    for (const q of queues) await q.start();
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: newPool() }) });
    const runs = new Map<number, number>();
    const byQueue = [0, 0, 0];
    for (const [i, q] of queues.entries()) {
      await q.work<{ n: number }>('exactly-once', 2, async (job) => {
        runs.set(job.data.n, (runs.get(job.data.n) ?? 0) + 1);
        byQueue[i]!++;
        await new Promise((r) => setTimeout(r, 5));
      });
    }
    // Enqueued inside transactions, as uploads are; a rolled-back one must never run.
    await db.transaction().execute(async (trx) => {
      for (let n = 0; n < 300; n++) await queues[n % 3]!.enqueue(trx, 'exactly-once', { n });
    });
    await db.transaction().execute(async (trx) => {
      await queues[0]!.enqueue(trx, 'exactly-once', { n: -1 });
      throw new Error('rollback');
    }).catch(() => undefined);
    await expect.poll(() => runs.size, { timeout: 90_000, interval: 250 }).toBe(300);
    await new Promise((r) => setTimeout(r, 1500)); // a late duplicate would show up here
    expect([...runs.values()].every((c) => c === 1)).toBe(true);
    expect(runs.has(-1)).toBe(false);
    expect(byQueue.filter((c) => c > 0).length).toBeGreaterThanOrEqual(2);
    await Promise.all(queues.map((q) => q.stop({ graceful: true, timeoutMs: 5000 })));
    await db.destroy();
  }, 120_000);

  it('PgEventBus delivers through LISTEN/NOTIFY and reconnects after losing its connection', async () => {
    await newPool(1).query(`CREATE TABLE IF NOT EXISTS event_log (
      id bigserial PRIMARY KEY, user_id uuid NOT NULL, origin text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    const a = new PgEventBus({ pool: newPool(), listenUrl: undefined, consume: false, log: silent });
    // A poll slower than the test: only a NOTIFY can deliver in time.
    const b = new PgEventBus({ pool: newPool(), listenUrl: server.url, consume: true, log: silent, pollMs: 60_000 });
    await a.start();
    await b.start();
    const user = '00000000-0000-4000-8000-000000000001';
    const got: number[] = [];
    b.subscribe(user, (e) => got.push(e.progress));
    const event = (n: number): UploadEvent => ({ upload_id: user, job_id: user, status: 'processing', progress: n, stage: 'x', error: null });
    await new Promise((r) => setTimeout(r, 300)); // LISTEN registered
    a.publish(user, event(1));
    await expect.poll(() => got, { timeout: 5000, interval: 50 }).toEqual([1]);

    await newPool(1).query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'trove-events'`);
    a.publish(user, event(2)); // published while the listener is down: read after it reconnects
    await expect.poll(() => got, { timeout: 10_000, interval: 50 }).toEqual([1, 2]);
    a.publish(user, event(3));
    await expect.poll(() => got, { timeout: 5000, interval: 50 }).toEqual([1, 2, 3]);
    await a.stop();
    await b.stop();
  }, 30_000);
});
