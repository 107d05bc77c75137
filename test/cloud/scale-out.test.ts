/**
 * Scale-out: 2 API and 2 worker processes (`trove serve --role api|worker`, the real entry point)
 * against ONE database (a real PostgreSQL 15 + pgvector server) and one shared data dir. 200
 * uploads spread over both APIs are each processed exactly once, by both workers; live events
 * reach an SSE client on API #1 whichever worker did the work; a worker SIGKILLed mid-job has its
 * job finished by the other after the visibility timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startPostgres15, type TestPostgres } from '../helpers/postgres.ts';
import { makeTestVideo } from '../unit/media/fixtures.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'scale-out-test-token-0123456789';
const UPLOADS = 200;
const VISIBILITY_S = 25;

interface Proc { name: string; child: ChildProcess; url: string; logs: Record<string, unknown>[] }

let db: TestPostgres;
let pool: pg.Pool;
let dataDir: string;
const procs: Proc[] = [];

async function spawnServe(name: string, role: 'api' | 'worker'): Promise<Proc> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/trove.js', 'serve', '--role', role], {
    cwd: repoRoot,
    env: {
      ...process.env, DATABASE_URL: db.url, TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, PORT: String(port),
      TROVE_EMBEDDER: 'hash', TROVE_QUEUE_POLL_MS: '500', TROVE_QUEUE_MAINTENANCE_S: '1', TROVE_CONCURRENCY: '4',
      TROVE_RETRY_DELAYS: '1,1,1', PROCESSING_TIMEOUT: String(VISIBILITY_S - 5), TROVE_VISIBILITY_TIMEOUT_S: String(VISIBILITY_S),
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const proc: Proc = { name, child, url: `http://127.0.0.1:${port}`, logs: [] };
  let partial = '';
  // pino writes one JSON object per line on stdout.
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        proc.logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch { /* not a log line */ }
    }
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  procs.push(proc);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited ${child.exitCode}: ${stderr}`);
    if (await fetch(`${proc.url}/api/v1/health`).then((r) => r.ok, () => false)) return proc;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become healthy: ${stderr}`);
}

function openSse(url: string) {
  const completed = new Set<string>();
  const controller = new AbortController();
  void (async () => {
    const res = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
    let buffer = '';
    for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        const event = JSON.parse(data) as { upload_id: string; status: string };
        if (event.status === 'completed') completed.add(event.upload_id);
      }
    }
  })().catch(() => undefined);
  return { completed, close: () => controller.abort() };
}

async function upload(url: string, body: Buffer, name: string): Promise<{ upload_id: string; job_id: string }> {
  const form = new FormData();
  form.set('file', new Blob([body]), name);
  const res = await fetch(`${url}/api/v1/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
  const json = (await res.json()) as { data: { upload_id: string; job_id: string }; error: unknown };
  if (res.status !== 202) throw new Error(`upload ${name}: ${res.status} ${JSON.stringify(json.error)}`);
  return json.data;
}

const handledBy = (proc: Proc, msg: string) => proc.logs.filter((l) => l.msg === msg).map((l) => String(l.uploadId));

beforeAll(async () => {
  db = await startPostgres15();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-scale-'));
  // The first process migrates; the rest start together, as a deployment's instances would.
  await spawnServe('api1', 'api');
  await Promise.all([spawnServe('api2', 'api'), spawnServe('worker1', 'worker'), spawnServe('worker2', 'worker')]);
}, 180_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGTERM');
    setTimeout(() => p.child.kill('SIGKILL'), 15_000).unref();
  })));
  await pool?.end();
  await db?.stop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
}, 60_000);

describe('2 API + 2 worker processes on one database', () => {
  it(`process ${UPLOADS} uploads exactly once, spread over both workers, with events on API #1`, async () => {
    const [api1, api2, w1, w2] = procs as [Proc, Proc, Proc, Proc];
    const sse = openSse(api1.url);
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    const ids: string[] = [];
    // 8 uploads in flight at a time, alternating between the two API processes.
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < UPLOADS) {
        const i = next++;
        const api = i % 2 === 0 ? api1 : api2;
        const up = await upload(api.url, Buffer.from(`Scale-out note ${i}: ${'lorem ipsum '.repeat(i % 7 + 1)}\n`), `note-${i}.txt`);
        ids.push(up.upload_id);
      }
    }));
    const uploadedMs = Date.now() - started;
    await expect.poll(async () => Number((await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM uploads WHERE processing_status IN ('completed', 'failed')`)).rows[0]!.n), { timeout: 150_000, interval: 1000 }).toBe(UPLOADS);
    const doneMs = Date.now() - started;
    console.log(`scale-out: ${UPLOADS} uploads accepted in ${uploadedMs} ms, all processed in ${doneMs} ms`);

    const jobs = await pool.query<{ upload_id: string; state: string; attempts: number }>(
      `SELECT upload_id::text, state, attempts FROM processing_jobs`);
    expect(jobs.rows).toHaveLength(UPLOADS);
    expect(jobs.rows.filter((r) => r.state !== 'completed' || r.attempts !== 1)).toEqual([]);
    // pg-boss: one queue entry per job, completed once.
    const boss = await pool.query<{ job: string; n: string; completed: string }>(
      `SELECT data->>'jobId' AS job, count(*) AS n, count(*) FILTER (WHERE state = 'completed') AS completed
         FROM pgboss.job WHERE name = 'process-upload' GROUP BY 1`);
    expect(boss.rows).toHaveLength(UPLOADS);
    expect(boss.rows.filter((r) => r.n !== '1' || r.completed !== '1')).toEqual([]);

    // Each upload was run by exactly one worker, and both workers took part. pg-boss delivers at
    // least once: a queue entry delivered again after its job was done is recognised and skipped
    // (ProcessingService's claim), so runs that did the work are the handled ones less the skipped.
    const runs = [...handledBy(w1, 'job handled'), ...handledBy(w2, 'job handled')];
    const skipped = [...handledBy(w1, 'stale queue entry skipped'), ...handledBy(w2, 'stale queue entry skipped')];
    expect(runs.length - skipped.length).toBe(UPLOADS);
    expect(new Set(runs).size).toBe(UPLOADS);
    expect(handledBy(w1, 'job handled').length).toBeGreaterThan(0);
    expect(handledBy(w2, 'job handled').length).toBeGreaterThan(0);
    console.log(`scale-out: worker1 ran ${handledBy(w1, 'job handled').length}, worker2 ${handledBy(w2, 'job handled').length}`);
    // API processes run no jobs.
    expect([...handledBy(api1, 'job started'), ...handledBy(api2, 'job started')]).toEqual([]);

    // The worker's log lines carry the request id of the upload that caused them.
    const line = w1.logs.find((l) => l.msg === 'job handled') ?? w2.logs.find((l) => l.msg === 'job handled');
    expect(line).toMatchObject({ requestId: expect.any(String), uploadId: expect.any(String), jobId: expect.any(String), role: 'worker' });

    // Live events from the workers reached the SSE client on API #1.
    await expect.poll(() => sse.completed.size, { timeout: 10_000 }).toBe(UPLOADS);
    sse.close();

    // Prometheus metrics per process: the workers' counts add up to the uploads.
    const count = async (p: Proc) => {
      const text = await (await fetch(`${p.url}/api/v1/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      return Number(/uploads_total\{file_type="document",status="completed"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    expect((await count(w1)) + (await count(w2))).toBe(UPLOADS);
  }, 200_000);

  it('a worker SIGKILLed mid-job has its job finished by the other after the visibility timeout', async () => {
    const [api1, , w1, w2] = procs as [Proc, Proc, Proc, Proc];
    const video = await makeTestVideo(path.join(dataDir, 'long.mp4'), 8);
    const up = await upload(api1.url, await fs.readFile(video), 'long.mp4');
    let victim: Proc | undefined;
    // Mid-job: its worker logged the start and its claim is committed (so the kill costs an attempt).
    await expect.poll(async () => {
      victim = [w1, w2].find((w) => handledBy(w, 'job started').includes(up.upload_id));
      const claimed = await pool.query("SELECT 1 FROM processing_jobs WHERE upload_id = $1 AND state = 'processing'", [up.upload_id]);
      return victim !== undefined && claimed.rows.length === 1;
    }, { timeout: 30_000, interval: 50 }).toBe(true);
    victim!.child.kill('SIGKILL');
    const survivor = victim === w1 ? w2 : w1;
    const killedAt = Date.now();
    await expect.poll(async () => (await pool.query<{ s: string }>('SELECT processing_status AS s FROM uploads WHERE id = $1', [up.upload_id])).rows[0]!.s,
      { timeout: (VISIBILITY_S + 60) * 1000, interval: 500 }).toBe('completed');
    console.log(`scale-out: killed job finished by the other worker ${Date.now() - killedAt} ms after the kill`);
    // The survivor logs 'job handled' just after the completion commits: wait for the line, not only the row.
    await expect.poll(() => handledBy(survivor, 'job handled'), { timeout: 10_000 }).toContain(up.upload_id);
    const job = await pool.query<{ attempts: number; state: string }>('SELECT attempts, state FROM processing_jobs WHERE upload_id = $1', [up.upload_id]);
    expect(job.rows).toEqual([{ attempts: 2, state: 'completed' }]);
  }, 120_000);
});
