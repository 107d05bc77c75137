/**
 * The server against a real PostgreSQL 15 + pgvector server over the wire (`pg` driver, DATABASE_URL).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent, UploadEvent } from '../../shared/api/schemas.ts';
import { PgEventBus } from '../../server/events/pg-event-bus.ts';
import { startPostgres15, type TestPostgres } from '../helpers/postgres.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let pgServer: TestPostgres;
let s: TestServer;
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

beforeAll(async () => {
  pgServer = await startPostgres15();
  s = await startTestServer({ DATABASE_URL: pgServer.url, TROVE_EMBEDDER: 'hash' });
}, 120_000);

afterAll(async () => {
  await s?.close();
  await pgServer?.stop();
});

describe('PostgreSQL 15 + pgvector over the wire', () => {
  it('migrates, processes an upload and finds it by words and by meaning', async () => {
    const up = await s.upload(Buffer.from('Notes about the quinceberry harvest in the orchard.\n'), 'harvest.txt');
    expect(up.status).toBe(202);
    const done = await s.waitForUpload(up.body.data.upload_id);
    expect(done.processing_status).toBe('completed');
    const res = await s.json<{ results: { upload_id: string }[] }>('/api/v1/search', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'quinceberry' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.data.results[0]?.upload_id).toBe(up.body.data.upload_id);
    const health = await s.json<{ database: string }>('/api/v1/health', { token: null });
    expect(health.body.data.database).toBe('ok');
  });

  it('echoes a valid X-Request-ID, replaces an invalid one, and stores it with the enqueued job', async () => {
    const form = new FormData();
    form.set('file', new Blob([Buffer.from('Correlated upload body text.\n')]), 'correlated.txt');
    const res = await s.api('/api/v1/upload', { method: 'POST', body: form, headers: { 'x-request-id': 'req-abc.123_X' } });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe('req-abc.123_X');
    const { data } = (await res.json()) as { data: { upload_id: string; job_id: string } };
    const pool = new pg.Pool({ connectionString: pgServer.url, max: 1 });
    try {
      const { rows } = await pool.query<{ data: { requestId?: string; jobId: string } }>(
        `SELECT data FROM pgboss.job WHERE data->>'jobId' = $1`, [data.job_id]);
      expect(rows[0]?.data.requestId).toBe('req-abc.123_X');
    } finally {
      await pool.end();
    }
    const bad = await s.api('/api/v1/health', { token: null, headers: { 'x-request-id': 'has spaces and ünicode' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const long = await s.api('/api/v1/health', { token: null, headers: { 'x-request-id': 'a'.repeat(129) } });
    expect(long.headers.get('x-request-id')).not.toBe('a'.repeat(129));
    await s.waitForUpload(data.upload_id);
  });

  it('PgEventBus carries events between processes through the polled event log alone (no LISTEN)', async () => {
    const pools = [new pg.Pool({ connectionString: pgServer.url, max: 2 }), new pg.Pool({ connectionString: pgServer.url, max: 2 })];
    // No LISTEN connection, as behind pgbouncer in transaction mode: only reading the log delivers.
    // (postgres15.test.ts covers the NOTIFY wake-ups.)
    const a = new PgEventBus({ pool: pools[0]!, listenUrl: undefined, consume: false, log: silent });
    const b = new PgEventBus({ pool: pools[1]!, listenUrl: undefined, consume: true, log: silent, pollMs: 100 });
    await a.start();
    await b.start();
    try {
      const user = '00000000-0000-4000-8000-000000000001';
      const other = '00000000-0000-4000-8000-000000000002';
      const got: LiveEvent[] = [];
      const off = b.subscribe(user, (e) => got.push(e));
      const event = (n: number): UploadEvent => ({ upload_id: user, job_id: user, status: 'processing', progress: n, stage: 'x', error: null });
      for (let i = 1; i <= 20; i++) a.publish(user, event(i));
      a.publish(other, event(99));
      await expect.poll(() => got.length, { timeout: 10_000 }).toBe(20);
      expect(got.map((e) => (e as UploadEvent).progress)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      off();
    } finally {
      await a.stop();
      await b.stop();
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
