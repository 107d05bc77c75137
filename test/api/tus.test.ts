/**
 * Resumable uploads (tus 1.0.0 at /api/v1/tus) and the duplicate check by hash
 * (HEAD /api/v1/uploads/by-hash/{sha256}), over raw HTTP: auth, per-user isolation, size limit,
 * the ingest result in headers and at /tus/{id}/result, termination, refusal of unsupported bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (v: string) => Buffer.from(v).toString('base64');

beforeAll(async () => {
  s = await startTestServer({ TROVE_EMBEDDER: 'hash', MAX_FILE_SIZE: '1MB' });
});
afterAll(async () => {
  await s?.close();
});

function tus(pathname: string, init: RequestInit & { token?: string | null } = {}) {
  const headers = new Headers(init.headers);
  headers.set('Tus-Resumable', '1.0.0');
  return s.api(pathname, { ...init, headers });
}

async function create(size: number, metadata: Record<string, string>, token?: string) {
  const res = await tus('/api/v1/tus', {
    method: 'POST', token,
    headers: { 'Upload-Length': String(size), 'Upload-Metadata': Object.entries(metadata).map(([k, v]) => `${k} ${b64(v)}`).join(',') },
  });
  return res;
}

const patch = (location: string, offset: number, body: Buffer, token?: string) => tus(location, {
  method: 'PATCH', token, body, headers: { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' },
});

describe('HEAD /uploads/by-hash/{sha256}', () => {
  it('answers 200 with the upload id when you have the bytes, 404 otherwise (and for other users)', async () => {
    const bytes = await png(101);
    const hash = sha256(bytes);
    expect((await s.api(`/api/v1/uploads/by-hash/${hash}`, { method: 'HEAD' })).status).toBe(404);
    const { body } = await s.upload(bytes, 'known.png');
    const res = await s.api(`/api/v1/uploads/by-hash/${hash.toUpperCase()}`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('trove-upload-id')).toBe(body.data.upload_id);
    expect((await s.api(`/api/v1/uploads/by-hash/${hash}`, { method: 'HEAD', token: s.otherToken })).status).toBe(404);
    expect((await s.api(`/api/v1/uploads/by-hash/${hash}`, { method: 'HEAD', token: null })).status).toBe(401);
    expect((await s.api('/api/v1/uploads/by-hash/not-a-hash', { method: 'HEAD' })).status).toBe(400);
  });
});

describe('tus resumable uploads', () => {
  it('uploads in chunks, ingests on the last byte and reports the result in headers and at /result', async () => {
    const bytes = await png(202, 300);
    const created = await create(bytes.length, { filename: 'Résumé photo.png', metadata: JSON.stringify({ album: 'tus' }) });
    expect(created.status).toBe(201);
    expect(created.headers.get('access-control-allow-origin')).toBeNull();
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/tus\/[0-9a-f]{32}$/);
    const half = Math.floor(bytes.length / 2);
    const first = await patch(location, 0, bytes.subarray(0, half));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(half));
    // Another user cannot see, continue or cancel it.
    expect((await tus(location, { method: 'HEAD', token: s.otherToken })).status).toBe(404);
    expect((await patch(location, half, bytes.subarray(half), s.otherToken)).status).toBe(404);
    const head = await tus(location, { method: 'HEAD' });
    expect([head.status, head.headers.get('upload-offset'), head.headers.get('upload-length')]).toEqual([200, String(half), String(bytes.length)]);
    // A wrong offset is refused without writing.
    expect((await patch(location, 0, bytes.subarray(0, 10))).status).toBe(409);

    const last = await patch(location, half, bytes.subarray(half));
    expect(last.status).toBe(204);
    const uploadId = last.headers.get('trove-upload-id')!;
    expect(uploadId).toMatch(/^[0-9a-f-]{36}$/);
    expect(last.headers.get('trove-duplicate')).toBe('false');
    expect(last.headers.get('trove-job-id')).toMatch(/^[0-9a-f-]{36}$/);

    const id = location.split('/').pop()!;
    const { status, body } = await s.json<{ upload_id: string; job_id: string; duplicate: boolean; status: string }>(`/api/v1/tus/${id}/result`);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ upload_id: uploadId, duplicate: false, status: 'queued' });
    expect((await s.json(`/api/v1/tus/${id}/result`, { token: s.otherToken })).status).toBe(404);
    // After the bytes moved to storage, HEAD still says "complete" (a client whose last response was lost).
    const after = await tus(location, { method: 'HEAD' });
    expect([after.status, after.headers.get('upload-offset'), after.headers.get('trove-upload-id')]).toEqual([200, String(bytes.length), uploadId]);

    const upload = await s.waitForUpload(uploadId);
    expect(upload).toMatchObject({ filename: 'Résumé photo.png', file_hash: sha256(bytes), file_size: bytes.length, user_metadata: { album: 'tus' } });
    expect(await fs.readdir(path.join(s.dataDir, 'tmp', 'tus', 'files'))).toEqual([]);

    // The same bytes again: a duplicate, reported as such.
    const again = await create(bytes.length, { filename: 'again.png' });
    const dup = await patch(again.headers.get('location')!, 0, bytes);
    expect([dup.headers.get('trove-duplicate'), dup.headers.get('trove-upload-id')]).toEqual(['true', uploadId]);
  });

  it('needs a token, enforces MAX_FILE_SIZE and valid metadata, and can be terminated', async () => {
    expect((await create(10, { filename: 'a.png' }, null as never)).status).toBe(401);
    const tooBig = await create(2 * 1024 * 1024, { filename: 'big.png' });
    expect(tooBig.status).toBe(413);
    expect((await create(10, { filename: 'a.png', metadata: '[1,2]' })).status).toBe(400);

    const created = await create(1000, { filename: 'cancel-me.png' });
    const location = created.headers.get('location')!;
    await patch(location, 0, Buffer.alloc(100, 1));
    expect((await tus(location, { method: 'DELETE' })).status).toBe(204);
    expect((await tus(location, { method: 'HEAD' })).status).toBe(404);
  });

  it('refuses bytes it cannot index when the upload completes, with the usual error envelope', async () => {
    const junk = Buffer.concat([Buffer.from([0, 1, 2, 3, 0xff, 0xfe]), Buffer.alloc(3000)]);
    const created = await create(junk.length, { filename: 'junk.bin' });
    const res = await patch(created.headers.get('location')!, 0, junk);
    expect(res.status).toBe(415);
    const body = JSON.parse(await res.text()) as { status: string; error: { code: string } };
    expect(body).toMatchObject({ status: 'error', error: { code: expect.stringMatching(/UNSUPPORTED_FILE_TYPE|TYPE_MISMATCH/) as unknown } });
    expect((await fs.readdir(path.join(s.dataDir, 'tmp', 'tus', 'files'))).filter((n) => !n.endsWith('.json'))).toEqual([]);
  });
});
