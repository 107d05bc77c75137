import { generateKeyPairSync, randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TroveError } from '../../../shared/api/errors.ts';
import { blobKey } from '../../../server/storage/blob-store.ts';
import { contentDisposition, GcsUrlSigner } from '../../../server/storage/gcs-signer.ts';
import { createStorageClient, readServiceAccount } from '../../../server/storage/gcs-storage.ts';
import { GcsBlobStore } from '../../../server/storage/gcs-store.ts';
import { crc32c, crc32cBase64, FakeGcsServer, md5Base64 } from '../../fakes/gcs-server.ts';

const BUCKET = 'trove-test';
const EMAIL = 'trove@trove-test.iam.gserviceaccount.com';
const U = '11111111-2222-4333-8444-555555555555';
const F = '66666666-7777-4888-8999-aaaaaaaaaaaa';
const G = '66666666-7777-4888-8999-bbbbbbbbbbbb';
const MIB = 1024 * 1024;

const { publicKey, privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

let fake: FakeGcsServer;
let dir: string;
let store: GcsBlobStore;
let signer: GcsUrlSigner;
let storage: Storage;

/** Short delays: the policy is the SDK's, only the waiting is shortened for the test. */
const retry = { maxRetries: 2, maxRetryDelaySec: 1 };

async function tempFile(name: string, data: Buffer | string): Promise<string> {
  const p = path.join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
  await fs.writeFile(p, data);
  return p;
}

async function errorOf(p: Promise<unknown>): Promise<TroveError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TroveError);
    return err as TroveError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  fake = await FakeGcsServer.start();
  fake.trustServiceAccount(EMAIL, publicKey);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-gcs-test-'));
  const credentialsFile = path.join(dir, 'sa.json');
  await fs.writeFile(credentialsFile, JSON.stringify({
    type: 'service_account', project_id: 'trove-test', private_key_id: 'k1', private_key: privateKey, client_email: EMAIL,
    client_id: '1', token_uri: 'http://127.0.0.1:1/token',
  }));
  const gcs = { bucket: BUCKET, apiEndpoint: fake.url, credentialsFile, iamEndpoint: undefined, linkSigningKey: undefined };
  storage = createStorageClient(gcs, await readServiceAccount(credentialsFile), { retry });
  store = new GcsBlobStore(storage.bucket(gcs.bucket), { tmpDir: dir });
  signer = new GcsUrlSigner({ bucket: BUCKET, clientEmail: EMAIL, privateKey, endpoint: fake.url });
});

afterAll(async () => {
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.buckets.clear();
  fake.log.length = 0;
  fake.clearFaults();
});

describe('fake GCS checksums', () => {
  it('computes CRC32C like the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32cBase64(Buffer.alloc(0))).toBe('AAAAAA==');
  });
});

describe('GcsBlobStore against the fake, with the real SDK', () => {
  it('puts, reads whole and by range, stats, copies locally and deletes an upload folder', async () => {
    const key = blobKey(U, F, 'original.txt');
    const tmp = await tempFile('small', 'hello trove');
    await store.putFile(key, tmp, 'text/plain');
    await expect(fs.stat(tmp)).rejects.toThrow();
    const obj = fake.object(BUCKET, key)!;
    // Text is stored with its charset, so the bucket serves it as UTF-8 rather than leaving browsers to guess.
    expect(obj.contentType).toBe('text/plain; charset=utf-8');
    expect(obj.crc32c).toBe(crc32cBase64(Buffer.from('hello trove')));
    expect(fake.log.some((l) => l.method === 'POST' && l.status === 200)).toBe(true);

    expect(await store.stat(key)).toEqual({ size: 11 });
    expect((await buffer(await store.read(key))).toString()).toBe('hello trove');
    expect((await buffer(await store.read(key, { start: 6, end: 10 }))).toString()).toBe('trove');

    const copy = await store.localCopy(key);
    expect(path.basename(copy.path)).toBe('original.txt');
    expect(await fs.readFile(copy.path, 'utf8')).toBe('hello trove');
    await copy.release();
    await expect(fs.stat(copy.path)).rejects.toThrow();

    fake.putObject(BUCKET, blobKey(U, G, 'original'), Buffer.from('other upload'));
    await store.deletePrefix(`${U}/${F}/`);
    expect(await store.stat(key)).toBeNull();
    expect(fake.object(BUCKET, blobKey(U, G, 'original'))).toBeDefined();
    await store.deletePrefix(`${U}/${F}/`); // already gone: fine
  });

  it('reports a missing object as NOT_FOUND (stat: null) and refuses unsafe keys', async () => {
    const key = blobKey(U, F, 'thumbnail.jpg');
    expect(await store.stat(key)).toBeNull();
    expect((await errorOf(store.read(key))).code).toBe('NOT_FOUND');
    expect((await errorOf(store.localCopy(key))).code).toBe('NOT_FOUND');
    await expect(store.read('../etc/passwd')).rejects.toThrow(/Unsafe storage key/);
    await expect(store.deletePrefix(`${U}/`)).rejects.toThrow(/Unsafe storage prefix/);
    await expect(store.deletePrefix('')).rejects.toThrow(/Unsafe storage prefix/);
  });

  it('rejects a download whose bytes do not match x-goog-hash, as a retryable error', async () => {
    const key = blobKey(U, F, 'original.pdf');
    fake.putObject(BUCKET, key, Buffer.from('%PDF-1.7 not really'), 'application/pdf');
    fake.corruptNextDownloads(1);
    const err = await errorOf(store.localCopy(key));
    expect(err.code).toBe('SERVICE_UNAVAILABLE');
    expect(await fs.readdir(dir)).not.toContainEqual(expect.stringMatching(/^trove-gcs-/)); // temp copy cleaned up
    const copy = await store.localCopy(key);
    expect(await fs.readFile(copy.path, 'utf8')).toBe('%PDF-1.7 not really');
    await copy.release();
  });

  it('lists upload folders page by page, dated by their newest object', async () => {
    const old = new Date('2024-01-01T00:00:00Z');
    const newer = new Date('2024-02-01T00:00:00Z');
    fake.putObject(BUCKET, blobKey(U, F, 'original'), Buffer.from('a'), 'image/jpeg', old);
    fake.putObject(BUCKET, blobKey(U, F, 'thumbnail.jpg'), Buffer.from('b'), 'image/jpeg', newer);
    // More than one page (1000 objects) in a single folder.
    for (let i = 0; i < 1100; i++) fake.putObject(BUCKET, blobKey(U, G, `part-${String(i).padStart(4, '0')}`), Buffer.from('x'), 'text/plain', old);
    fake.putObject(BUCKET, 'not-a-trove-object.txt', Buffer.from('x'));
    const seen: Array<{ prefix: string; modifiedAt: Date }> = [];
    for await (const p of store.listUploadPrefixes()) seen.push(p);
    expect(seen).toEqual([{ prefix: `${U}/${F}/`, modifiedAt: newer }, { prefix: `${U}/${G}/`, modifiedAt: old }]);
    expect(fake.log.filter((l) => l.path.endsWith('/o') && l.method === 'GET')).toHaveLength(2);
  });

  it('streams a 20 MB file as a chunked resumable upload with matching crc32c and md5', async () => {
    const data = randomBytes(20 * MIB);
    const key = blobKey(U, F, 'original.mp4');
    await store.putFile(key, await tempFile('big', data), 'video/mp4');
    const obj = fake.object(BUCKET, key)!;
    expect(obj.data.equals(data)).toBe(true);
    expect(obj.crc32c).toBe(crc32cBase64(data));
    expect(obj.md5Hash).toBe(md5Base64(data));
    const puts = fake.log.filter((l) => l.method === 'PUT');
    expect(puts.map((l) => l.contentRange)).toEqual([
      `bytes 0-${8 * MIB - 1}/*`, `bytes ${8 * MIB}-${16 * MIB - 1}/*`, `bytes ${16 * MIB}-${20 * MIB - 1}/${20 * MIB}`,
    ]);
    // A full read is checked by the SDK against x-goog-hash.
    const back = await buffer(await store.read(key));
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('resumes after a 503 in the middle of a resumable upload, losing nothing', async () => {
    const data = randomBytes(3 * MIB);
    const key = blobKey(U, F, 'original.wav');
    const chunked = new GcsBlobStore(storage.bucket(BUCKET), { tmpDir: dir, resumableThreshold: MIB, chunkSize: MIB });
    fake.failNext(1, { match: (req) => req.method === 'PUT' && (req.headers['content-range'] ?? '').startsWith(`bytes ${MIB}-`) });
    await chunked.putFile(key, await tempFile('mid', data), 'audio/wav');
    expect(fake.object(BUCKET, key)!.data.equals(data)).toBe(true);
    const statuses = fake.log.filter((l) => l.method === 'PUT').map((l) => `${l.status} ${l.contentRange}`);
    expect(statuses).toEqual([
      `308 bytes 0-${MIB - 1}/*`,
      `503 bytes ${MIB}-${2 * MIB - 1}/*`,
      '308 bytes */*', // the SDK asks how far the session got, then resends from there
      `308 bytes ${MIB}-${2 * MIB - 1}/*`,
      `200 bytes ${2 * MIB}-${3 * MIB - 1}/${3 * MIB}`,
    ]);
  });

  it('retries small uploads and reads through 503s, and surfaces a retryable error when they persist', async () => {
    const key = blobKey(U, F, 'thumbnail.jpg');
    fake.failNext(2, { match: (req) => req.method === 'POST' });
    await store.putFile(key, await tempFile('retry', 'jpeg bytes'), 'image/jpeg');
    expect(fake.object(BUCKET, key)!.data.toString()).toBe('jpeg bytes');
    fake.failNext(2, { match: (req) => req.method === 'GET' });
    expect(await store.stat(key)).toEqual({ size: 10 });

    fake.failNext(1000);
    const tmp = await tempFile('down', 'never lost');
    const err = await errorOf(store.putFile(blobKey(U, G, 'original'), tmp, 'text/plain'));
    expect(err.code).toBe('SERVICE_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/try again/);
    expect(await fs.readFile(tmp, 'utf8')).toBe('never lost'); // the caller can retry from it
    expect((await errorOf(store.stat(key))).code).toBe('SERVICE_UNAVAILABLE');
  });
});

describe('readServiceAccount', () => {
  it('names GOOGLE_APPLICATION_CREDENTIALS when the key file is missing or not a service-account key', async () => {
    await expect(readServiceAccount(path.join(dir, 'nope.json'))).rejects.toThrow(/GOOGLE_APPLICATION_CREDENTIALS must point at a readable/);
    const bad = await tempFile('bad-sa', JSON.stringify({ type: 'authorized_user', client_id: 'x' }));
    await expect(readServiceAccount(bad)).rejects.toThrow(/not a service-account key/);
  });
});

describe('GcsUrlSigner', () => {
  const key = blobKey(U, F, 'original.jpg');
  beforeEach(() => {
    fake.putObject(BUCKET, key, Buffer.from('0123456789'), 'image/jpeg');
    fake.putObject(BUCKET, blobKey(U, G, 'original.jpg'), Buffer.from('someone else'), 'image/jpeg');
  });

  it('signs 5-minute links the fake accepts, with the download name in Content-Disposition', async () => {
    const name = 'Été 2024 "best".jpg';
    const url = signer.sign({ key, expiresInSec: 300, filename: name, disposition: 'attachment' });
    expect(url.startsWith(`${fake.url}/${BUCKET}/${key}?`)).toBe(true);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('0123456789');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="_t_ 2024 _best_.jpg"; filename*=UTF-8''%C3%89t%C3%A9%202024%20%22best%22.jpg`);
    expect(res.headers.get('content-disposition')).toBe(contentDisposition('attachment', name));
    const ranged = await fetch(signer.sign({ key, expiresInSec: 300 }), { headers: { range: 'bytes=2-4' } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe('234');
  });

  it('is rejected when any part is altered or the link has expired', async () => {
    const url = signer.sign({ key, expiresInSec: 300, filename: 'a.jpg', disposition: 'attachment' });
    const sig = new URL(url).searchParams.get('X-Goog-Signature')!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('0') ? '1' : '0');
    const tampered = [
      url.replace(`/${F}/`, `/${G}/`),
      url.replace('a.jpg', 'b.html'),
      url.replace('X-Goog-Expires=300', 'X-Goog-Expires=3000'),
      url.replace(sig, flipped),
    ];
    for (const t of tampered) {
      expect(t).not.toBe(url);
      const res = await fetch(t);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('SignatureDoesNotMatch');
    }
    const past = new GcsUrlSigner({ bucket: BUCKET, clientEmail: EMAIL, privateKey, endpoint: fake.url, now: () => Date.now() - 301_000 });
    const expired = await fetch(past.sign({ key, expiresInSec: 300 }));
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('ExpiredToken');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = new GcsUrlSigner({ bucket: BUCKET, clientEmail: EMAIL, privateKey: other, endpoint: fake.url });
    expect((await fetch(forged.sign({ key, expiresInSec: 300 }))).status).toBe(403);
  });

  it('produces the same V4 signature as the SDK for Google\'s endpoint', async () => {
    const t = Math.floor(Date.now() / 1000) * 1000; // the SDK refuses expiry dates in the past
    const ours = new GcsUrlSigner({ bucket: BUCKET, clientEmail: EMAIL, privateKey, now: () => t });
    const sdk = new Storage({ credentials: { client_email: EMAIL, private_key: privateKey }, projectId: 'trove-test' });
    const disposition = contentDisposition('attachment', 'Été (1).jpg');
    const [theirs] = await sdk.bucket(BUCKET).file(key).getSignedUrl({
      version: 'v4', action: 'read', accessibleAt: new Date(t), expires: t + 300_000, responseDisposition: disposition,
    });
    const mine = new URL(ours.sign({ key, expiresInSec: 300, filename: 'Été (1).jpg', disposition: 'attachment' }));
    const expected = new URL(theirs);
    expect(mine.origin + mine.pathname).toBe(expected.origin + expected.pathname);
    expect(Object.fromEntries(mine.searchParams)).toEqual(Object.fromEntries(expected.searchParams));
  });
});
