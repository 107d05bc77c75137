/**
 * MAX_FILE_SIZE over real HTTP: a file over the limit is refused with 413 FILE_TOO_LARGE and leaves
 * nothing behind (no row, no stored bytes, no temp file), however it is sent; one at the limit is fine.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadList } from '../../shared/api/schemas.ts';
import { call, eventually, expectEnvelope, multipartBody, tmpFiles, totalUploads } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const MB = 1024 * 1024;
let s: TestServer;

/** Plain text of exactly `size` bytes, different for each `seed`. */
const text = (size: number, seed: string) => Buffer.from(`${seed} `.padEnd(size, 'abcdefghij klmnopqrst uvwxyz ').slice(0, size));

async function expectNothingStored(): Promise<void> {
  expect(await totalUploads(s)).toBe(0);
  expect(await s.storedTree()).toEqual([]);
  expect(await eventually(async () => (await tmpFiles(s.tmpDir)).length === 0), 'temp files left behind').toBe(true);
}

/** Keep-alive, as browsers and fetch use: the server decides whether the connection ends. */
const agent = new http.Agent({ keepAlive: true });

/** Sends a multipart upload with chunked transfer encoding (no Content-Length), as a streaming client would. */
function chunkedUpload(content: Buffer): Promise<{ status: number; body: unknown; socketClosed: Promise<void> }> {
  const { boundary, body } = multipartBody('streamed.txt', content);
  const { port } = new URL(s.url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: Number(port), method: 'POST', path: '/api/v1/upload', agent,
      headers: { authorization: `Bearer ${s.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), socketClosed }));
    });
    const socketClosed = new Promise<void>((done) => req.once('socket', (socket) => socket.once('close', () => done())));
    // The server may close the connection before the whole body is written.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    req.end();
  });
}

beforeAll(async () => {
  s = await startTestServer({ MAX_FILE_SIZE: '1MB' });
});

afterAll(async () => {
  agent.destroy();
  await s?.close();
});

describe('MAX_FILE_SIZE=1MB', () => {
  it('refuses a file far over the limit (Content-Length alone proves it) with 413', async () => {
    const res = await s.upload(text(3 * MB, 'far'), 'far.txt');
    expect(res.status).toBe(413);
    expectEnvelope(res.body, { code: 'FILE_TOO_LARGE' });
    expect(res.body.error!.message).toContain('1 MB');
    await expectNothingStored();
  });

  it('refuses a file just over the limit (caught while streaming) with 413, storing nothing', async () => {
    const res = await s.upload(text(MB + 1, 'just-over'), 'just-over.txt');
    expect(res.status).toBe(413);
    expectEnvelope(res.body, { code: 'FILE_TOO_LARGE' });
    await expectNothingStored();
  });

  it('refuses an over-limit file sent without Content-Length (chunked) with 413, storing nothing', async () => {
    const res = await chunkedUpload(text(2 * MB, 'chunked'));
    expect(res.status).toBe(413);
    expectEnvelope(res.body, { code: 'FILE_TOO_LARGE' });
    // The unread rest of the body must not hold the connection (and the server's shutdown) open.
    const closed = await Promise.race([res.socketClosed.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
    expect(closed, 'server closed the half-read connection').toBe(true);
    await expectNothingStored();
  });

  it('accepts a file of exactly the limit, and the server is unharmed', async () => {
    const bytes = text(MB, 'exact');
    const res = await s.upload(bytes, 'exact.txt');
    expect(res.status, JSON.stringify(res.body.error)).toBe(202);
    const done = await s.waitForUpload(res.body.data.upload_id);
    expect(done).toMatchObject({ processing_status: 'completed', file_size: MB });
    const { body } = await call<UploadList>(s, '/api/v1/uploads');
    expect(body.data.uploads.map((u) => u.filename)).toEqual(['exact.txt']);
  });
});
