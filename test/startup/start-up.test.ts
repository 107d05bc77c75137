import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api/client/api-error.ts';
import { ApiHttp } from '../../shared/api/client/http.ts';
import { retryDelay } from '../../shared/api/client/retry.ts';
import { freePort, repoRoot, startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

/**
 * The real `trove serve` (bin/trove.js → the built JavaScript in dist/server/): it listens before
 * its database is open and says so; the offline vision and OCR models load only when a file needs
 * them and are released after TROVE_MODEL_IDLE_S. Observed from outside only: HTTP answers and
 * the process's own /metrics.
 */
const TOKEN = 'start-up-test-token-0123456789abcdef';
const VERSION = (JSON.parse(await fs.readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-start-up-'));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

interface Seen {
  status: number;
  body: { status: string; data: { status?: string; database?: string } | null; error: { code: string } | null };
  retryAfter: string | null;
}

async function look(url: string, init?: RequestInit): Promise<Seen | undefined> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, body: (await res.json()) as Seen['body'], retryAfter: res.headers.get('retry-after') };
  } catch {
    return undefined; // not listening yet
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('trove serve start-up', () => {
  it('answers health `starting` and SERVICE_STARTING (Retry-After) until the database is open, then ok', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['bin/trove.js', 'serve'], {
      cwd: repoRoot,
      env: { ...process.env, TROVE_DATA_DIR: path.join(dataDir, 'a'), PORT: String(port), TROVE_TOKEN: TOKEN, LOG_LEVEL: 'warn', TROVE_EMBEDDER: 'hash' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    // The clients' shared HTTP core (CLI, desktop, page), as they meet the starting server.
    const client = new ApiHttp({ baseUrl: () => url, token: () => TOKEN });
    try {
      const healthSeen: string[] = [];
      let startingCall: unknown;
      let startingPage: { status: number; text: string } | undefined;
      let startingTusHead: Response | undefined;
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
        if (Date.now() > deadline) throw new Error(`never became healthy; health seen: ${healthSeen.join(', ')}; ${stderr}`);
        // Health, an API call and the page, at the same moment.
        const [health, call, page, tusHead] = await Promise.all([
          look(`${url}/api/v1/health`),
          client.call('GET', '/uploads').catch((err: unknown) => err),
          fetch(url, { headers: { accept: 'text/html' } }).then(async (r) => ({ status: r.status, text: await r.text() }), () => undefined),
          fetch(`${url}/api/v1/tus/0123456789abcdef`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', authorization: `Bearer ${TOKEN}` } }).catch(() => undefined),
        ]);
        if (health) {
          const said = `${health.status} ${health.body.data?.status}`;
          if (healthSeen.at(-1) !== said) healthSeen.push(said);
          if (health.body.data?.status === 'starting') {
            expect(health.status).toBe(503);
            expect(health.body.data).toMatchObject({ database: 'starting', version: VERSION });
            if (call instanceof ApiError && call.status === 503) startingCall ??= call;
            if (page && page.status === 503) startingPage ??= page;
            if (tusHead && tusHead.status !== 404) startingTusHead ??= tusHead;
          }
          if (health.status === 200) break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      // The port answered before the database was open, and only then said ok.
      expect(healthSeen[0]).toBe('503 starting');
      expect(healthSeen.at(-1)).toBe('200 ok');
      // Every client retries it, after the second the server asked for.
      expect(startingCall).toMatchObject({ code: 'SERVICE_STARTING', status: 503, retryable: true, retryAfterMs: 1000 });
      expect(retryDelay(startingCall, 0, [500, 2000])).toBe(1000);
      // A browser opening the page meanwhile gets a page that says so and reloads itself.
      expect(startingPage?.status).toBe(503);
      expect(startingPage?.text).toContain('Starting Trove…');
      expect(startingPage?.text).toContain('http-equiv="refresh"');
      // A tus client resuming meanwhile is told "locked, try again" (423), never "gone": a HEAD
      // answered otherwise makes tus-js-client start the whole file over as a new upload.
      expect(startingTusHead?.status).toBe(423);
      expect(startingTusHead?.headers.get('retry-after')).toBe('1');
      // Once ready, the same call is answered.
      expect((await look(`${url}/api/v1/uploads`, { headers: { authorization: `Bearer ${TOKEN}` } }))?.status).toBe(200);
    } finally {
      await stop(child);
    }
  }, 180_000);

  it('loads the vision and OCR models only when a file needs them, and releases them after the idle period', async () => {
    let server: ServeProcess | undefined;
    try {
      // One thread each (TROVE_MODEL_THREADS), so one picture starts exactly one of each.
      server = await startServeProcess({ TROVE_DATA_DIR: path.join(dataDir, 'b'), TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash', TROVE_MODEL_IDLE_S: '1', TROVE_MODEL_THREADS: '1' });
      const { url } = server;
      const metric = async (name: string, model: string): Promise<number> => {
        const text = await (await fetch(`${url}/api/v1/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
        const line = text.split('\n').find((l) => l.startsWith(`${name}{model="${model}"}`));
        if (!line) throw new Error(`no ${name}{model="${model}"} in /metrics`);
        return Number(line.split(' ').at(-1));
      };
      // Started and answering, nothing loaded.
      for (const model of ['vision', 'ocr']) {
        expect(await metric('trove_model_workers', model)).toBe(0);
        expect(await metric('trove_model_worker_starts_total', model)).toBe(0);
      }

      const form = new FormData();
      form.set('file', new Blob([await fs.readFile(path.join(repoRoot, 'test/fixtures/images/dog-husky.png'))]), 'dog.png');
      const res = await fetch(`${url}/api/v1/upload`, { method: 'POST', body: form, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(202);
      const { job_id: jobId } = ((await res.json()) as { data: { job_id: string } }).data;
      const until = Date.now() + 150_000;
      let status = '';
      while (status !== 'completed') {
        if (Date.now() > until) throw new Error(`upload still ${status}`);
        await new Promise((r) => setTimeout(r, 200));
        const job = await fetch(`${url}/api/v1/upload/status/${jobId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        status = ((await job.json()) as { data: { status: string } }).data.status;
        expect(status).not.toBe('failed');
      }
      // The picture needed both models, which started for it…
      expect(await metric('trove_model_worker_starts_total', 'vision')).toBe(1);
      expect(await metric('trove_model_worker_starts_total', 'ocr')).toBe(1);
      // …and, a second without work later, were released.
      const releasedBy = Date.now() + 30_000;
      while ((await metric('trove_model_workers', 'vision')) + (await metric('trove_model_workers', 'ocr')) > 0) {
        if (Date.now() > releasedBy) throw new Error('the model workers were not released');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await metric('trove_model_worker_starts_total', 'vision')).toBe(1);
    } finally {
      await server?.kill('SIGTERM');
    }
  }, 240_000);

  it('the CLI runs the built JavaScript and prints its version', async () => {
    const out = spawnSync(process.execPath, ['bin/trove.js', '--version'], { cwd: repoRoot, encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stdout.trim()).toBe(VERSION);
    // What it ran: the build in dist/server (rebuilt first had the sources changed), which lists its sources.
    const info = JSON.parse(await fs.readFile(path.join(repoRoot, 'dist/server/build-info.json'), 'utf8')) as { inputs: string[] };
    expect(info.inputs).toEqual(expect.arrayContaining(['server/main.ts', 'server/cli/main.ts', 'server/serve.ts']));
    expect((await fs.readFile(path.join(repoRoot, 'dist/server/main.js'), 'utf8'))).not.toMatch(/from ['"][^'"]+\.ts['"]/);
  });
});
