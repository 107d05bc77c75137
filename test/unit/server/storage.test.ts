import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { TroveError } from '../../../shared/api/errors.ts';
import { parseRange } from '../../../server/routes/files.ts';
import { assertSafeKey, blobKey, type BlobStore } from '../../../server/storage/blob-store.ts';
import { LocalBlobStore } from '../../../server/storage/local-store.ts';
import { HmacUrlSigner } from '../../../server/storage/url-signer.ts';

const U = '11111111-2222-4333-8444-555555555555';
const F = '66666666-7777-4888-8999-aaaaaaaaaaaa';
const root = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-store-'));
afterAll(() => fs.rm(root, { recursive: true, force: true }));

describe('LocalBlobStore', () => {
  const store: BlobStore = new LocalBlobStore(path.join(root, 'files'));

  it('moves a file in, reads it whole and by range, and deletes the upload folder', async () => {
    const tmp = path.join(root, 'a.part');
    await fs.writeFile(tmp, 'hello trove');
    const key = blobKey(U, F, 'original.txt');
    await store.putFile(key, tmp, 'text/plain');
    await expect(fs.stat(tmp)).rejects.toThrow();
    expect(await store.stat(key)).toEqual({ size: 11 });
    expect(await text(await store.read(key))).toBe('hello trove');
    expect(await text(await store.read(key, { start: 6, end: 10 }))).toBe('trove');
    await store.deletePrefix(`${U}/${F}/`);
    expect(await store.stat(key)).toBeNull();
  });

  it('refuses keys and prefixes that could escape the folder', async () => {
    for (const key of ['../etc/passwd', `${U}/../x/original`, '/abs/path', `${U}/${F}/../../x`, `${U}/${F}/a/b`]) {
      expect(() => assertSafeKey(key)).toThrow(/Unsafe storage key/);
    }
    await expect(store.deletePrefix('../')).rejects.toThrow(/Unsafe storage prefix/);
    await expect(store.deletePrefix(`${U}/`)).rejects.toThrow(/Unsafe storage prefix/);
  });
});

describe('HmacUrlSigner', () => {
  let now = 1_700_000_000_000;
  const signer = new HmacUrlSigner(Buffer.alloc(32, 7), () => now);
  const parse = (url: string) => {
    const q = Object.fromEntries(new URL(url, 'http://x').searchParams);
    return { key: q.key!, exp: Number(q.exp), sig: q.sig!, name: q.name, disposition: q.disposition as 'attachment' | undefined };
  };

  it('accepts its own links until they expire', () => {
    const q = parse(signer.sign({ key: blobKey(U, F, 'thumbnail.jpg'), expiresInSec: 300, filename: 'Été.jpg', disposition: 'attachment' }));
    expect(() => signer.verify(q)).not.toThrow();
    now += 301_000;
    const err = (() => { try { signer.verify(q); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(TroveError);
    expect((err as TroveError).code).toBe('SIGNATURE_EXPIRED');
  });

  it.each(['key', 'exp', 'name', 'disposition', 'sig'] as const)('rejects a link whose %s was changed', (field) => {
    const q = parse(signer.sign({ key: blobKey(U, F, 'thumbnail.jpg'), expiresInSec: 300, filename: 'a.jpg', disposition: 'attachment' }));
    const tampered = { ...q, key: field === 'key' ? blobKey(U, F, 'original.jpg') : q.key, exp: field === 'exp' ? q.exp + 3600 : q.exp,
      name: field === 'name' ? 'b.jpg' : q.name, disposition: field === 'disposition' ? undefined : q.disposition,
      sig: field === 'sig' ? `${q.sig.slice(0, -2)}AA` : q.sig };
    expect(() => signer.verify(tampered)).toThrow(expect.objectContaining({ code: 'SIGNATURE_INVALID' }) as Error);
  });
});

describe('parseRange', () => {
  it.each([
    [undefined, null],
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=90-1000', { start: 90, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=9-5', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ])('%s of 100 bytes → %j', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
