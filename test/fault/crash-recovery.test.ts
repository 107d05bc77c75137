import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { freePort, repoRoot } from '../helpers/serve-process.ts';
import { makeTestVideo } from '../unit/media/fixtures.ts';

/**
 * The real `trove serve` process, SIGKILLed while it processes files, then started again on the
 * same data dir: every upload must end `completed`, exactly once.
 */
const TOKEN = 'crash-test-token-0123456789abcdef';
let dataDir: string;
let mediaDir: string;

function startServe(port: number, extraEnv: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['bin/trove.js', 'serve'], {
    cwd: repoRoot,
    env: {
      ...process.env, TROVE_DATA_DIR: dataDir, PORT: String(port), TROVE_TOKEN: TOKEN, LOG_LEVEL: 'warn',
      TROVE_CONCURRENCY: '2', TROVE_QUEUE_MAINTENANCE_S: '1', TROVE_RETRY_DELAYS: '1,1,1', ...extraEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    const ok = await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server did not become healthy: ${stderr}`);
}

const api = (url: string, p: string, init: RequestInit = {}) =>
  fetch(`${url}${p}`, { ...init, headers: { ...init.headers, authorization: `Bearer ${TOKEN}` } });

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-crash-'));
  mediaDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-crash-media-'));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
  await fs.rm(mediaDir, { recursive: true, force: true });
});

describe('crash recovery', () => {
  it('SIGKILL during processing loses nothing and completes every upload exactly once', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let child = startServe(port);
    try {
      await waitForHealth(url, child);
      // Videos take long enough to process (frames, preview) that the kill lands mid-job.
      const files: string[] = [];
      for (let i = 0; i < 6; i++) files.push(await makeTestVideo(path.join(mediaDir, `clip-${i}.mp4`), 8 + i));
      const uploadIds: string[] = [];
      for (const file of files) {
        const form = new FormData();
        form.set('file', new Blob([await fs.readFile(file)]), path.basename(file));
        const res = await api(url, '/api/v1/upload', { method: 'POST', body: form });
        expect(res.status).toBe(202);
        uploadIds.push(((await res.json()) as { data: { upload_id: string } }).data.upload_id);
      }
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await api(url, '/api/v1/uploads?status=processing&limit=1');
        const body = (await res.json()) as { data: { total: number } };
        if (body.data.total > 0) break;
        if (Date.now() > deadline) throw new Error('nothing started processing');
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));

      child = startServe(port);
      await waitForHealth(url, child);
      const settleBy = Date.now() + 120_000;
      let statuses: string[] = [];
      while (Date.now() < settleBy) {
        const res = await api(url, '/api/v1/uploads?limit=100');
        const body = (await res.json()) as { data: { uploads: { id: string; processing_status: string }[]; total: number } };
        expect(body.data.total).toBe(uploadIds.length);
        statuses = body.data.uploads.map((u) => u.processing_status);
        if (statuses.every((s) => s === 'completed' || s === 'failed')) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(statuses).toEqual(uploadIds.map(() => 'completed'));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }

    // With the server stopped, read the database directly: one completed job per upload, none open.
    const db = await PGlite.create(path.join(dataDir, 'db'), { extensions: { vector } });
    try {
      const jobs = await db.query<{ upload_id: string; completed: number; open: number }>(`
        SELECT upload_id,
          count(*) FILTER (WHERE state = 'completed')::int AS completed,
          count(*) FILTER (WHERE state IN ('queued', 'processing'))::int AS open
        FROM processing_jobs GROUP BY upload_id`);
      expect(jobs.rows).toHaveLength(6);
      for (const row of jobs.rows) expect({ completed: row.completed, open: row.open }).toEqual({ completed: 1, open: 0 });
      const stuck = await db.query(`SELECT id FROM uploads WHERE processing_status <> 'completed'`);
      expect(stuck.rows).toHaveLength(0);
      // The kill really cut off work: at least one job needed a second attempt.
      const retried = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM processing_jobs WHERE attempts >= 2`);
      expect(retried.rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  }, 240_000);
});

describe('graceful shutdown', () => {
  it('SIGTERM puts unfinished work back in the queue instead of failing it, and a restart completes it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-term-'));
    const previous = dataDir;
    dataDir = dir;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // No grace period: whatever is running when the signal arrives must be re-queued.
    let child = startServe(port, { TROVE_SHUTDOWN_GRACE_MS: '0' });
    try {
      await waitForHealth(url, child);
      const video = await makeTestVideo(path.join(mediaDir, 'term.mp4'), 20);
      const form = new FormData();
      form.set('file', new Blob([await fs.readFile(video)]), 'term.mp4');
      const res = await api(url, '/api/v1/upload', { method: 'POST', body: form });
      const { upload_id: uploadId, job_id: jobId } = ((await res.json()) as { data: { upload_id: string; job_id: string } }).data;
      await expect.poll(async () => ((await (await api(url, `/api/v1/upload/status/${jobId}`)).json()) as { data: { status: string } }).data.status,
        { timeout: 30_000, interval: 50 }).toBe('processing');
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      expect(code).toBe(0);

      child = startServe(port);
      await waitForHealth(url, child);
      await expect.poll(async () => ((await (await api(url, `/api/v1/file/${uploadId}/metadata`)).json()) as { data: { processing_status: string } }).data.processing_status,
        { timeout: 60_000, interval: 250 }).toBe('completed');
      const status = ((await (await api(url, `/api/v1/upload/status/${jobId}`)).json()) as { data: { status: string; error: unknown } }).data;
      expect(status).toMatchObject({ status: 'completed', error: null });
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      dataDir = previous;
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
