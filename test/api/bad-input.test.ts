/**
 * Bad input over real HTTP: each case gets a clear error with a stable code and leaves everything
 * else intact. Files refused at the door store nothing; damaged files are accepted, then fail in
 * processing with their code and are not retried. Names keep only their last part, cleaned, and a download never names a path.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobStatus, Upload } from '../../shared/api/schemas.ts';
import {
  accept, call, eventually, expectEnvelope, followLink, listTree, metadata, multipartBody, rawRequest, sleep, tmpFiles, totalUploads,
} from '../helpers/http.ts';
import { encryptedPdf, jpegWithExif, mp4, pdfWithText, pngBomb, randomBinary, truncated, zip } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const UNKNOWN = '3f1c9d2e-7a4b-4c8d-9e0f-112233445566';
const FILE_NAME_RE = /^(original\.[a-z0-9]+|thumbnail\.(jpg|png)|preview\.mp4)$/;

/** Damaged files: accepted at upload, failing in processing. */
const damaged: Record<'jpeg' | 'mp4' | 'pdf' | 'bomb' | 'encrypted', { uploadId: string; jobId: string }> = {} as never;

beforeAll(async () => {
  const [jpeg, video, pdf, encrypted] = await Promise.all([
    jpegWithExif({ make: 'Canon', model: 'EOS R5', width: 1600, height: 1200, color: '#55aa33' }),
    // No +faststart: the index (moov) is written last, as cameras do, so a cut-off copy has none.
    mp4(3, { faststart: false }),
    pdfWithText(['A report that will be cut in half before it arrives.']),
    encryptedPdf(),
  ]);
  s = await startTestServer();
  const send = async (key: keyof typeof damaged, bytes: Buffer, name: string) => {
    damaged[key] = await accept(s, bytes, name);
  };
  await send('jpeg', truncated(jpeg, 0.5), 'cut.jpg');
  await send('mp4', truncated(video, 0.5), 'cut.mp4');
  await send('pdf', truncated(pdf, 0.5), 'cut.pdf');
  await send('bomb', pngBomb(50_000, 50_000), 'bomb.png');
  await send('encrypted', encrypted, 'locked.pdf');
});

afterAll(async () => {
  await s?.close();
});

describe('files refused at the door', () => {
  const refused = async (bytes: Buffer, name: string, status: number, code: string) => {
    const before = await totalUploads(s);
    const res = await s.upload(bytes, name);
    expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(status);
    expectEnvelope(res.body, { code });
    expect(await totalUploads(s)).toBe(before);
    return res.body.error!;
  };

  it('an empty file: 400 EMPTY_FILE', async () => {
    await refused(Buffer.alloc(0), 'empty.txt', 400, 'EMPTY_FILE');
    await refused(Buffer.alloc(0), 'empty.jpg', 400, 'EMPTY_FILE');
  });

  it('a text file named .jpg: 415 TYPE_MISMATCH', async () => {
    const err = await refused(Buffer.from('This is plain text, not a picture at all.\n'), 'holiday.jpg', 415, 'TYPE_MISMATCH');
    expect(err.message).toContain('.jpg');
  });

  it('a ZIP archive and random bytes: 415 UNSUPPORTED_FILE_TYPE', async () => {
    // Named .zip it would be unpacked as an archive (test/api/zip.test.ts); named otherwise it is refused.
    const err = await refused(zip(), 'archive.bin', 415, 'UNSUPPORTED_FILE_TYPE');
    expect(err.details).toMatchObject({ detectedMime: 'application/zip' });
    await refused(zip('photo.jpg', 'pretending'), 'photo.jpg', 415, 'UNSUPPORTED_FILE_TYPE');
    await refused(randomBinary(8192), 'data.bin', 415, 'UNSUPPORTED_FILE_TYPE');
    await refused(randomBinary(8192), 'looks-like.png', 415, 'UNSUPPORTED_FILE_TYPE');
  });

  it('leaves no stored bytes and no temp files behind', async () => {
    const stored = await s.storedTree();
    // Only the damaged-but-accepted uploads from beforeAll are on disk.
    const uploadDirs = new Set(stored.filter((p) => p.split('/').length === 3 && p.endsWith('/')).map((p) => p.split('/')[1]));
    expect([...uploadDirs].sort()).toEqual(Object.values(damaged).map((d) => d.uploadId).sort());
    expect(await eventually(async () => (await tmpFiles(s.tmpDir)).length === 0)).toBe(true);
  });
});

describe('damaged files fail in processing with their code, without retries', () => {
  const expectFailed = async (key: keyof typeof damaged, code: string) => {
    const u = await s.waitForUpload(damaged[key].uploadId);
    expect(u, key).toMatchObject({ processing_status: 'failed', retry_count: 0, processing_error: { code }, summary: null });
    expect(u.processing_error!.message.length).toBeGreaterThan(20);
    const job = await call<JobStatus>(s, `/api/v1/upload/status/${damaged[key].jobId}`);
    expect(job.body.data, key).toMatchObject({ status: 'failed', attempts: 1, error: { code }, result: null });
    return u;
  };

  it('a truncated JPEG: CORRUPT_FILE', async () => {
    await expectFailed('jpeg', 'CORRUPT_FILE');
  });

  it('a truncated MP4: CORRUPT_FILE', async () => {
    await expectFailed('mp4', 'CORRUPT_FILE');
  });

  it('a truncated PDF: CORRUPT_FILE', async () => {
    await expectFailed('pdf', 'CORRUPT_FILE');
  });

  it('a PNG decompression bomb (header claims 50000×50000): IMAGE_TOO_LARGE', async () => {
    const u = await expectFailed('bomb', 'IMAGE_TOO_LARGE');
    expect(u.processing_error!.message).toContain('50000');
  });

  it('a password-protected PDF: PDF_ENCRYPTED', async () => {
    await expectFailed('encrypted', 'PDF_ENCRYPTED');
  });

  it('stays failed: no retry is scheduled after the retry delay has passed', async () => {
    await sleep(1500); // TROVE_RETRY_DELAYS is 1 s in tests
    const { body } = await call<{ uploads: Upload[]; total: number }>(s, '/api/v1/uploads?status=failed');
    expect(body.data.total).toBe(5);
    expect(body.data.uploads.every((u) => u.retry_count === 0)).toBe(true);
  });
});

describe('file names', () => {
  const names: { given: string; shown: string }[] = [
    { given: '../../etc/cron.d/evil.txt', shown: 'evil.txt' },
    { given: '../../../../etc/passwd.txt', shown: 'passwd.txt' },
    { given: '..\\..\\windows\\win.ini.txt', shown: 'win.ini.txt' },
    { given: 'nul\u0000byte\u0007bell\ttab.txt', shown: 'nulbytebelltab.txt' },
    { given: `${'x'.repeat(296)}.txt`, shown: `${'x'.repeat(251)}.txt` },
    { given: 'Grüße aus Köln – 東京の写真 – Ωmega.txt', shown: 'Grüße aus Köln – 東京の写真 – Ωmega.txt' },
    { given: '/absolute/path/file.txt', shown: 'file.txt' },
    { given: 'CON.txt', shown: '_CON.txt' },
    { given: '../..', shown: 'untitled' },
  ];
  const ids: string[] = [];

  it('keep only their last part (either separator), without control characters or device names; downloads name no path', async () => {
    for (const [i, n] of names.entries()) {
      const { uploadId } = await accept(s, Buffer.from(`Name test ${i}: ordinary text content for the name checks.\n`), n.given);
      ids.push(uploadId);
      expect((await metadata(s, uploadId)).filename, JSON.stringify(n.given)).toBe(n.shown);
    }
    await Promise.all(ids.map((id) => s.waitForUpload(id)));
    for (const [i, id] of ids.entries()) {
      const u = await metadata(s, id);
      expect(u.processing_status).toBe('completed');
      expect(u.filename).toBe(names[i]!.shown);
      const res = await followLink(s, await s.api(`/api/v1/file/${id}/download`));
      const disposition = res.headers.get('content-disposition') ?? '';
      const star = /filename\*=UTF-8''([^;]+)/.exec(disposition);
      expect(decodeURIComponent(star![1]!)).toBe(names[i]!.shown);
      const plain = /filename="([^"]*)"/.exec(disposition)![1]!;
      expect(plain, disposition).not.toMatch(/[/\\]|\.\./);
      expect(decodeURIComponent(star![1]!)).not.toMatch(/[/\\]/);
    }
  });

  it('control characters sent raw (not re-encoded by a client) are dropped too', async () => {
    const { boundary, body } = multipartBody('raw\u0000nul\u001besc\u007fdel.txt', Buffer.from('Raw multipart name test.\n'));
    const res = await rawRequest(s, {
      method: 'POST', path: '/api/v1/upload', body,
      headers: { authorization: `Bearer ${s.token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.status, res.text).toBe(202);
    const id = res.json<{ upload_id: string }>().data.upload_id;
    ids.push(id);
    names.push({ given: 'raw', shown: 'rawnulescdel.txt' });
    expect((await metadata(s, id)).filename).toBe('rawnulescdel.txt');
  });

  it('never become paths: everything stored is under <user id>/<upload id>/ with fixed names', async () => {
    const stored = await s.storedTree();
    expect(stored.length).toBeGreaterThan(ids.length * 2);
    for (const p of stored) {
      const parts = p.replace(/\/$/, '').split('/');
      expect(parts.length, p).toBeLessThanOrEqual(3);
      expect(parts[0], p).toMatch(/^[0-9a-f-]{36}$/);
      if (parts[1] !== undefined) expect(parts[1], p).toMatch(/^[0-9a-f-]{36}$/);
      if (parts[2] !== undefined) expect(parts[2], p).toMatch(FILE_NAME_RE);
    }
    for (const id of ids) expect(stored.some((p) => p.endsWith(`/${id}/original.txt`)), id).toBe(true);
    // Nothing was written next to the data folder's own files either (cloud mode keeps none of these).
    if (s.mode === 'local') expect((await listTree(s.dataDir)).filter((p) => !p.includes('/'))).toEqual(['server.json', 'server.lock', 'signing.key', 'token']);
  });
});

describe('ids', () => {
  const endpoints = (id: string): [string, string][] => [
    ['GET', `/api/v1/upload/status/${id}`],
    ['GET', `/api/v1/file/${id}/metadata`],
    ['GET', `/api/v1/file/${id}/thumbnail`],
    ['GET', `/api/v1/file/${id}/preview`],
    ['GET', `/api/v1/file/${id}/download`],
    ['DELETE', `/api/v1/upload/${id}`],
    ['POST', `/api/v1/upload/${id}/retry`],
  ];

  it('unknown ids: 404 NOT_FOUND on every endpoint that takes one', async () => {
    for (const [method, url] of endpoints(UNKNOWN)) {
      const { status } = await call(s, url, { method, code: 'NOT_FOUND' });
      expect(status, `${method} ${url}`).toBe(404);
    }
  });

  it('ids that are not UUIDs: 400 VALIDATION_ERROR on every endpoint that takes one', async () => {
    for (const bad of ['123', 'not-a-uuid', `${UNKNOWN}x`, '..%2F..%2Ftoken']) {
      for (const [method, url] of endpoints(bad)) {
        const { status } = await call(s, url, { method, code: 'VALIDATION_ERROR' });
        expect(status, `${method} ${url}`).toBe(400);
      }
    }
  });

  it('unknown routes: 404 NOT_FOUND in the envelope', async () => {
    expect((await call(s, '/api/v1/nothing-here', { code: 'NOT_FOUND' })).status).toBe(404);
    expect((await call(s, '/api/v1/uploads', { method: 'PUT', code: 'NOT_FOUND' })).status).toBe(404);
  });
});

describe('a request body cut off mid-upload', () => {
  it('creates no upload and leaves no temp file', async () => {
    const before = await totalUploads(s);
    const content = Buffer.from('Cut-off upload test line.\n'.repeat(40_000)); // ~1 MB of text
    const { boundary, body } = multipartBody('cut-off.txt', content);
    const { port } = new URL(s.url);
    const req = http.request({
      host: '127.0.0.1', port: Number(port), method: 'POST', path: '/api/v1/upload', agent: false,
      headers: { authorization: `Bearer ${s.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length) },
    });
    req.on('error', () => undefined);
    req.write(body.subarray(0, Math.floor(body.length / 2)));
    // While the body is arriving, it is being written to a temp file...
    expect(await eventually(async () => (await tmpFiles(s.tmpDir)).length > 0, 5000, 20), 'a temp file while receiving').toBe(true);
    req.destroy();
    // ...which goes away with the connection, and no row is created.
    expect(await eventually(async () => (await tmpFiles(s.tmpDir)).length === 0), 'temp file removed').toBe(true);
    await sleep(200);
    expect(await totalUploads(s)).toBe(before);
    // The server carries on as before.
    const { uploadId } = await accept(s, Buffer.from('After the cut-off, uploads still work.\n'), 'after.txt');
    expect((await s.waitForUpload(uploadId)).processing_status).toBe('completed');
  });
});
