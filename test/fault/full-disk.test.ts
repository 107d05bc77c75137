/**
 * A full disk, for real: the data dir is a small tmpfs. When an upload no longer fits, the client
 * gets a clear 507 INSUFFICIENT_STORAGE (or 413), no half-written file stays in `tmp/`, the database
 * still answers, earlier uploads stay intact and searchable, and once space is freed uploads work
 * again. Needs root (mount); skipped with a message otherwise.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse, Upload } from '../../shared/api/schemas.ts';
import { accept, eventually, expectEnvelope, tmpFiles } from '../helpers/http.ts';
import { jpegWithExif, pdfWithText } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SIZE_MB = 96;

/** Mounts a tmpfs at a fresh folder; null when mounting is not permitted (not root, no CAP_SYS_ADMIN). */
function tryMount(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
  const dir = execFileSync('mktemp', ['-d', path.join(os.tmpdir(), 'trove-full-disk-XXXXXX')]).toString().trim();
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m`, 'tmpfs', dir], { stdio: 'pipe' });
    return dir;
  } catch {
    execFileSync('rmdir', [dir]);
    return null;
  }
}

const mountDir = tryMount();
let s: TestServer;
const earlier: { id: string; name: string }[] = [];
const filler = () => path.join(mountDir!, 'filler.bin');

async function freeBytes(dir: string): Promise<number> {
  const st = await fs.statfs(dir);
  return st.bavail * st.bsize;
}

/** Writes zeros to `file` until only `leave` bytes are free (tmpfs allocates every page written). */
async function fillLeaving(file: string, leave: number): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024);
  const handle = await fs.open(file, 'a');
  try {
    for (;;) {
      const free = await freeBytes(path.dirname(file));
      if (free <= leave) return;
      await handle.write(chunk.subarray(0, Math.min(chunk.length, free - leave)));
    }
  } finally {
    await handle.close();
  }
}

beforeAll(async () => {
  if (!mountDir) return;
  s = await startTestServer({ TROVE_DATA_DIR: path.join(mountDir, 'data') });
  const photo = await jpegWithExif({ make: 'Hasselblad', model: 'X2D', width: 400, height: 300 });
  const doc = await pdfWithText(['Quarterly lighthouse maintenance report for the northern coast.']);
  for (const [bytes, name] of [[photo, 'lighthouse-photo.jpg'], [doc, 'lighthouse-report.pdf']] as const) {
    const { uploadId } = await accept(s, bytes, name);
    earlier.push({ id: uploadId, name });
  }
  for (const e of earlier) expect((await s.waitForUpload(e.id)).processing_status).toBe('completed');
}, 120_000);

afterAll(async () => {
  if (!mountDir) return;
  await fs.rm(filler(), { force: true });
  await s?.close().catch(() => undefined);
  try {
    execFileSync('umount', [mountDir], { stdio: 'pipe' });
  } catch {
    execFileSync('umount', ['-l', mountDir], { stdio: 'pipe' });
  }
  await fs.rmdir(mountDir);
});

describe.skipIf(!mountDir)('full disk (tmpfs data dir)', () => {
  it('a 5 MB upload with ~2 MB free: 507 INSUFFICIENT_STORAGE (or 413), nothing left in tmp/', async () => {
    await fillLeaving(filler(), 2 * 1024 * 1024);
    expect(await freeBytes(mountDir!)).toBeLessThanOrEqual(2 * 1024 * 1024);
    const big = Buffer.from(randomBytes(5 * 1024 * 1024 / 2).toString('hex')); // 5 MB of text
    const res = await s.upload(big, 'too-big-for-the-disk.txt');
    expect([507, 413], JSON.stringify(res.body)).toContain(res.status);
    expectEnvelope(res.body, { code: res.status === 507 ? 'INSUFFICIENT_STORAGE' : 'FILE_TOO_LARGE' });
    expect(res.body.error!.message).toMatch(/disk|space|storage|large/i);
    expect(await eventually(async () => (await tmpFiles(s.tmpDir)).length === 0)).toBe(true);
  });

  it('the database still opens and answers: health, listing, earlier uploads intact and searchable', async () => {
    const health = await s.json<{ status: string }>('/api/v1/health');
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    const list = await s.json<{ uploads: Upload[]; total: number }>('/api/v1/uploads');
    expect(list.status).toBe(200);
    expect(list.body.data.total).toBe(earlier.length);
    for (const e of earlier) {
      const m = await s.json<Upload>(`/api/v1/file/${e.id}/metadata`);
      expect(m.body.data).toMatchObject({ filename: e.name, processing_status: 'completed' });
      const dl = await s.api(`/api/v1/file/${e.id}/download`);
      expect(dl.status).toBe(302);
    }
    const search = await s.json<SearchResponse>('/api/v1/search', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'lighthouse' }),
    });
    expect(search.status, JSON.stringify(search.body)).toBe(200);
    const ids = search.body.data.results.map((r) => r.upload_id);
    for (const e of earlier) expect(ids).toContain(e.id);
  });

  it('with not one byte free: reads still answer, writes (an upload, a search that records history) get 507, never 500', async () => {
    await fs.appendFile(filler(), Buffer.alloc(8 * 1024 * 1024)).catch((err: NodeJS.ErrnoException) => expect(err.code).toBe('ENOSPC'));
    expect(await freeBytes(mountDir!)).toBe(0);
    expect((await s.json('/api/v1/health')).status).toBe(200);
    expect((await s.json('/api/v1/uploads')).status).toBe(200);
    const up = await s.upload(Buffer.from('A small note that does not fit on a full disk.\n'), 'note.txt');
    expect(up.status, JSON.stringify(up.body)).toBe(507);
    expectEnvelope(up.body, { code: 'INSUFFICIENT_STORAGE' });
    const search = await s.json('/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'lighthouse' }) });
    expect([200, 507], JSON.stringify(search.body)).toContain(search.status);
    if (search.status === 507) expectEnvelope(search.body, { code: 'INSUFFICIENT_STORAGE' });
    expect(await eventually(async () => (await tmpFiles(s.tmpDir)).length === 0)).toBe(true);
  });

  it('after space is freed, uploads work again', async () => {
    await fs.rm(filler());
    const text = Buffer.from(`After the disk was freed: the keeper's logbook, entry ${Date.now()}.\n`.repeat(200));
    const { uploadId } = await accept(s, text, 'logbook-after-freeing.txt');
    expect((await s.waitForUpload(uploadId)).processing_status).toBe('completed');
    const search = await s.json<SearchResponse>('/api/v1/search', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'logbook' }),
    });
    expect(search.status).toBe(200);
    expect(search.body.data.results.map((r) => r.upload_id)).toContain(uploadId);
    expect(await tmpFiles(s.tmpDir)).toEqual([]);
  });
});

it.skipIf(mountDir !== null)('full disk: skipped — mounting a tmpfs needs root (mount not permitted here)', () => undefined);
