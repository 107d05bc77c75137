/**
 * Against real PostgreSQL 15 servers: one without pgvector (whatever this machine has installed),
 * where the server refuses to start and says what to install; and one with pgvector, for the
 * filtered HNSW searches with iterative scan (similar files; hybrid search over two vector spaces),
 * the job queue's exactly-once delivery over several queue instances (as several worker processes
 * hold), and LISTEN/NOTIFY in PgEventBus. Each group of tests on the pgvector server has a database
 * of its own.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadEvent } from '../../shared/api/schemas.ts';
import { assertPgvectorAvailable } from '../../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest, vectorIndexName } from '../../server/db/migrate.ts';
import type { DB } from '../../server/db/schema.ts';
import { hybridSearch, similarUploads } from '../../server/db/search-repo.ts';
import { toVectorLiteral } from '../../server/db/uploads-repo.ts';
import { ensureUser } from '../../server/db/users-repo.ts';
import { PgEventBus } from '../../server/events/pg-event-bus.ts';
import { PgBossQueue } from '../../server/queue/job-queue.ts';
import { JobName } from '../../server/queue/jobs.ts';
import { startPostgres15, type TestPostgres } from '../helpers/postgres.ts';
import { prng } from '../helpers/prng.ts';
import { repoRoot } from '../helpers/serve-process.ts';

let server: TestPostgres;
let bare: TestPostgres;
const pools: pg.Pool[] = [];
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
const newPool = (url: string, max = 5) => {
  const p = new pg.Pool({ connectionString: url, max });
  pools.push(p);
  return p;
};

beforeAll(async () => {
  [server, bare] = await Promise.all([startPostgres15(), startPostgres15({ pgvector: false })]);
}, 120_000);

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
  await Promise.all([server?.stop(), bare?.stop()]);
});

describe('PostgreSQL 15 without pgvector', () => {
  it('the start-up check names DATABASE_URL and says to install pgvector; it passes where pgvector is installed', async () => {
    await expect(assertPgvectorAvailable(newPool(bare.url, 1))).rejects.toThrow(
      'Invalid configuration: DATABASE_URL points at a PostgreSQL server without pgvector');
    await expect(assertPgvectorAvailable(newPool(server.url, 1))).resolves.toBeUndefined();
  });

  it('`trove serve` stops with that message and exit code 2, before touching the database', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-nopgvector-'));
    try {
      const child = spawn(process.execPath, ['bin/trove.js', 'serve', '--role', 'api'], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: bare.url, TROVE_DATA_DIR: dataDir, TROVE_TOKEN: 'no-pgvector-test-token-0123456789', PORT: '0', LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(stderr).toContain('Invalid configuration: DATABASE_URL points at a PostgreSQL server without pgvector');
      expect(stderr).toContain('Install pgvector on that server');
      expect(stderr).not.toContain('INTERNAL');
      expect(code).toBe(2);
      // Nothing was migrated: the check runs before the first migration.
      const { rows } = await newPool(bare.url, 1).query<{ n: string }>("SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'");
      expect(rows[0]?.n).toBe('0');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('PostgreSQL 15 with pgvector: filtered HNSW search with iterative scan', () => {
  const A = { model: 'test-space-a', dims: 16 };
  const B = { model: 'test-space-b', dims: 8 };
  const random = prng(15);
  const vectorOf = (dims: number) => Array.from({ length: dims }, () => Number(random().toFixed(4)));
  let db: Kysely<DB>;
  /** Every statement the server's search functions sent, in order. */
  const captured: CompiledQuery[] = [];
  let mine: string;
  const myFiles = new Set<string>();

  beforeAll(async () => {
    const url = await server.createDatabase();
    // One connection that is never closed while idle, so the session setting below holds for the
    // searches' own transactions.
    const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
    pools.push(pool);
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: (e) => { if (e.level === 'query') captured.push(e.query); } });
    await migrateToLatest(db);
    mine = (await ensureUser(db, 'mine')).id;
    const others = (await ensureUser(db, 'others')).id;
    // In space A 150 of my files among 3 000 of someone else's, in space B 50 among 1 000: only
    // ~5 % of either index's nearest neighbours are mine. Components are non-negative, so every
    // cosine similarity is too and no hit falls under the default minScore.
    const rows = [
      ...Array.from({ length: 3150 }, (_, i) => ({ user: i < 150 ? mine : others, space: A })),
      ...Array.from({ length: 1050 }, (_, i) => ({ user: i < 50 ? mine : others, space: B })),
    ].map((r) => ({ id: randomUUID(), user: r.user, model: r.space.model, vector: toVectorLiteral(vectorOf(r.space.dims)) }));
    for (const r of rows) if (r.user === mine) myFiles.add(r.id);
    await sql`
      INSERT INTO uploads (id, user_id, storage_uri, original_filename, file_type, file_size, mime_type, file_hash,
                           processing_status, embedding, embedding_model)
      SELECT id, user_id, 'test://' || id, 'f.txt', 'document', 1, 'text/plain', md5(id::text) || md5(id::text),
             'completed', vec::vector, model
      FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.user)}::uuid[], ${rows.map((r) => r.vector)}::text[],
                  ${rows.map((r) => r.model)}::text[]) AS t(id, user_id, vec, model)`.execute(db);
    // Built after the load, as when a model is added to a full library.
    for (const space of [A, B]) await ensureVectorIndex(db, space.model, space.dims);
    await sql`ANALYZE uploads`.execute(db);
    // Left to itself the planner reads my few rows through the user_id index and sorts them (exact,
    // and right at this size); a sort made prohibitively expensive sends it to the HNSW indexes, the
    // plan of large libraries, which is what these tests are about.
    await sql`SET enable_sort = off`.execute(db);
  });

  afterAll(() => db?.destroy());

  /**
   * Runs the statement a search sent, after the settings it sent, with hnsw.iterative_scan as
   * given: its plan and how many rows it returns.
   */
  async function rerun(sent: CompiledQuery[], iterative: 'relaxed_order' | 'off', efSearch?: number) {
    const statement = sent.find((c) => c.sql.includes('<=>'))!;
    const settings = sent.filter((c) => /^\s*SET LOCAL/i.test(c.sql));
    expect(settings.map((c) => c.sql).join('\n')).toContain('hnsw.iterative_scan = relaxed_order');
    return db.transaction().execute(async (trx) => {
      for (const c of settings) await trx.executeQuery(c);
      await sql`SET LOCAL hnsw.iterative_scan = ${sql.raw(iterative)}`.execute(trx);
      if (efSearch !== undefined) await sql`SET LOCAL hnsw.ef_search = ${sql.lit(efSearch)}`.execute(trx);
      const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${statement.sql}`, [...statement.parameters]));
      const found = await trx.executeQuery(statement);
      return { plan: plan.rows.map((r) => r['QUERY PLAN']).join('\n'), count: found.rows.length };
    });
  }

  it('similar files: the full top 20 of my files, nearly all of the exact nearest', async () => {
    const query = vectorOf(A.dims);
    const excluded = [...myFiles][0]!; // the file whose similar files are asked for
    captured.length = 0;
    const hits = await similarUploads(db, {
      userId: mine, excludeId: excluded, vector: toVectorLiteral(query), model: A.model, dimensions: A.dims, phash: null, maxHashDistance: 0, limit: 20,
    });
    const sent = captured.splice(0);
    expect(hits).toHaveLength(20);
    expect(hits.every((h) => myFiles.has(h.id) && h.id !== excluded)).toBe(true);

    // The exact 20 nearest of mine (no index): the approximate search finds nearly all of them.
    const exact = await db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_indexscan = off`.execute(trx);
      await sql`SET LOCAL enable_sort = on`.execute(trx);
      return (await sql<{ id: string }>`SELECT id FROM uploads WHERE user_id = ${mine} AND id <> ${excluded} AND embedding_model = ${A.model}
        ORDER BY embedding::vector(16) <=> ${toVectorLiteral(query)}::vector(16) LIMIT 20`.execute(trx)).rows.map((r) => r.id);
    });
    const recall = exact.filter((id) => hits.some((h) => h.id === id)).length / exact.length;
    expect(recall).toBeGreaterThanOrEqual(0.9);

    // The same statement goes through the HNSW index; with iterative scan turned off that index
    // stops after its first candidates, of which only a few are mine.
    const relaxed = await rerun(sent, 'relaxed_order');
    expect(relaxed.plan).toContain(`Index Scan using ${vectorIndexName(A.model)}`);
    expect(relaxed.count).toBe(20);
    expect((await rerun(sent, 'off')).count).toBeLessThan(20);
  });

  it('hybrid search in two vector spaces: a full page of my files, each space through its own index', async () => {
    captured.length = 0;
    const hits = await hybridSearch(db, {
      userId: mine, text: 'nothing-matches-this-word', limit: 20, candidates: 100,
      spaces: [A, B].map((space) => ({ model: space.model, dimensions: space.dims, vector: vectorOf(space.dims) })),
    });
    const sent = captured.splice(0);
    expect(hits).toHaveLength(20);
    expect(hits.every((h) => myFiles.has(h.id))).toBe(true);

    const relaxed = await rerun(sent, 'relaxed_order');
    expect(relaxed.plan).toContain(`Index Scan using ${vectorIndexName(A.model)}`);
    expect(relaxed.plan).toContain(`Index Scan using ${vectorIndexName(B.model)}`);
    expect(relaxed.count).toBe(20);
    // Why the iterative scan: without it, a graph search of pgvector's default size (ef_search 40)
    // mostly finds other users' rows and the filter leaves less than a page. (The server's larger
    // ef_search, 4x the candidates, happens to cover this small table even without it.)
    expect((await rerun(sent, 'off', 40)).count).toBeLessThan(20);
  });
});

describe('PostgreSQL 15 with pgvector: queue and events', () => {
  it('hands each of 300 jobs to exactly one of three queue instances', async () => {
    const url = await server.createDatabase();
    const queues = [0, 1, 2].map(() => new PgBossQueue({
      pool: newPool(url), queues: [JobName.Process], pollSec: 0.5, maintenanceSec: 1, visibilityTimeoutSec: 30, onError: () => undefined,
    }));
    for (const q of queues) await q.start();
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: newPool(url) }) });
    // The upload-processing queue, whose jobs must each run once; no handler of the server's is attached.
    const job = (n: number) => ({ jobId: String(n), uploadId: randomUUID(), userId: randomUUID() });
    const runs = new Map<number, number>();
    const byQueue = [0, 0, 0];
    for (const [i, q] of queues.entries()) {
      await q.work(JobName.Process, 2, async ({ data }) => {
        const n = Number(data.jobId);
        runs.set(n, (runs.get(n) ?? 0) + 1);
        byQueue[i]!++;
        await new Promise((r) => setTimeout(r, 5));
      });
    }
    // Enqueued inside transactions, as uploads are; a rolled-back one must never run.
    await db.transaction().execute(async (trx) => {
      for (let n = 0; n < 300; n++) await queues[n % 3]!.enqueue(trx, JobName.Process, job(n));
    });
    await db.transaction().execute(async (trx) => {
      await queues[0]!.enqueue(trx, JobName.Process, job(-1));
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
    const url = await server.createDatabase();
    await newPool(url, 1).query(`CREATE TABLE IF NOT EXISTS event_log (
      id bigserial PRIMARY KEY, user_id uuid NOT NULL, origin text NOT NULL, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    const a = new PgEventBus({ pool: newPool(url), listenUrl: undefined, consume: false, log: silent });
    // A poll slower than the test: only a NOTIFY can deliver in time.
    const b = new PgEventBus({ pool: newPool(url), listenUrl: url, consume: true, log: silent, pollMs: 60_000 });
    await a.start();
    await b.start();
    const user = '00000000-0000-4000-8000-000000000001';
    const got: number[] = [];
    b.subscribe(user, (e) => got.push((e as UploadEvent).progress));
    const event = (n: number): UploadEvent => ({ upload_id: user, job_id: user, status: 'processing', progress: n, stage: 'x', error: null });
    await new Promise((r) => setTimeout(r, 300)); // LISTEN registered
    a.publish(user, event(1));
    await expect.poll(() => got, { timeout: 5000, interval: 50 }).toEqual([1]);

    await newPool(url, 1).query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'trove-events'`);
    a.publish(user, event(2)); // published while the listener is down: read after it reconnects
    await expect.poll(() => got, { timeout: 10_000, interval: 50 }).toEqual([1, 2]);
    a.publish(user, event(3));
    await expect.poll(() => got, { timeout: 5000, interval: 50 }).toEqual([1, 2, 3]);
    await a.stop();
    await b.stop();
  }, 30_000);
});
