import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Bucket, File } from '@google-cloud/storage';
import { assertSafeKey, type BlobStore } from './blob-store.ts';
import { mapGcsError } from './gcs-errors.ts';

export interface GcsStoreOptions {
  /** Where `localCopy` downloads objects for the media tools (default: the OS temp folder). */
  tmpDir?: string | undefined;
  /** Files at least this big go up as resumable uploads (default 8 MiB); smaller ones in one request. */
  resumableThreshold?: number | undefined;
  /** Bytes per resumable request; a multiple of 256 KiB (default 8 MiB, Google's recommendation). */
  chunkSize?: number | undefined;
}

const MIB = 1024 * 1024;
const UUID = /^[0-9a-f-]{36}$/;

/**
 * Objects in one bucket, named exactly like the local store's paths (`user/upload/name`).
 *
 * Big files use chunked resumable uploads on purpose: the SDK keeps the current chunk in memory,
 * so after a 503 mid-upload it asks the session how far it got and resends only what is missing.
 * A single streamed request cannot be replayed, and the SDK would give up instead.
 */
export class GcsBlobStore implements BlobStore {
  readonly kind = 'gcs' as const;
  private readonly tmpDir: string;
  private readonly threshold: number;
  private readonly chunkSize: number;

  constructor(private readonly bucket: Bucket, options: GcsStoreOptions = {}) {
    this.tmpDir = options.tmpDir ?? os.tmpdir();
    this.threshold = options.resumableThreshold ?? 8 * MIB;
    this.chunkSize = options.chunkSize ?? 8 * MIB;
    if (this.chunkSize % (256 * 1024) !== 0) throw new Error('GCS chunkSize must be a multiple of 256 KiB.');
  }

  private file(key: string): File {
    assertSafeKey(key);
    return this.bucket.file(key);
  }

  private fail(err: unknown, what: string): never {
    throw mapGcsError(err, this.bucket.name, what);
  }

  /** The temp file is removed only once the object is stored, so a failed upload can be retried from it. */
  async putFile(key: string, localPath: string, mime: string): Promise<void> {
    // The bucket serves the bytes with this type; text without a charset would be guessed at by browsers.
    const contentType = mime.startsWith('text/') && !mime.includes('charset') ? `${mime}; charset=utf-8` : mime;
    const file = this.file(key);
    const { size } = await fs.stat(localPath);
    const resumable = size >= this.threshold;
    try {
      // bucket.upload reopens the file on each whole-upload retry; crc32c is checked against the
      // server's answer, and a mismatch fails the upload instead of storing damaged bytes.
      await this.bucket.upload(localPath, {
        destination: file, resumable, validation: 'crc32c', contentType, metadata: { contentType },
        ...(resumable ? { chunkSize: this.chunkSize } : {}),
      });
    } catch (err) {
      this.fail(err, key);
    }
    await fs.rm(localPath, { force: true });
  }

  /** Resolves once the service has answered, so a missing object rejects here (like a local ENOENT) rather than mid-stream. */
  async read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.file(key);
    // Ranged reads cannot be checked against whole-object hashes; the SDK skips validation for them.
    const stream = file.createReadStream(range ? { start: range.start, end: range.end } : {});
    return new Promise((resolve, reject) => {
      let settled = false;
      // Stays attached: an error before the caller pipes the stream must not crash the process.
      stream.on('error', (err) => {
        if (!settled) {
          settled = true;
          reject(mapGcsError(err, this.bucket.name, key));
        }
      });
      stream.once('response', (res: { statusCode?: number }) => {
        if (!settled && (res.statusCode ?? 200) < 300) {
          settled = true;
          resolve(stream);
        }
      });
      // The SDK sends the request only when someone reads; read(0) starts it without consuming data.
      stream.read(0);
    });
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const [meta] = await this.file(key).getMetadata();
      return { size: Number(meta.size) };
    } catch (err) {
      const mapped = mapGcsError(err, this.bucket.name, key);
      if (mapped.code === 'NOT_FOUND') return null;
      throw mapped;
    }
  }

  /** Media tools need a real path: download (hash-checked) into a private temp folder that `release` removes. */
  async localCopy(key: string): Promise<{ path: string; release(): Promise<void> }> {
    const file = this.file(key);
    const dir = await fs.mkdtemp(path.join(this.tmpDir, 'trove-gcs-'));
    const release = () => fs.rm(dir, { recursive: true, force: true });
    // Keep the object's own name: some tools pick a decoder from the extension.
    const target = path.join(dir, path.basename(key));
    try {
      await file.download({ destination: target, validation: 'crc32c' });
    } catch (err) {
      await release();
      this.fail(err, key);
    }
    return { path: target, release };
  }

  async deletePrefix(prefix: string): Promise<void> {
    const parts = prefix.split('/').filter(Boolean);
    if (parts.length !== 2 || !parts.every((p) => UUID.test(p))) {
      throw new Error(`Unsafe storage prefix: ${JSON.stringify(prefix)}`);
    }
    const exact = `${parts[0]}/${parts[1]}/`;
    try {
      // Own loop rather than bucket.deleteFiles: already-gone objects (a concurrent delete) are fine here.
      for await (const page of this.pages(exact)) {
        await Promise.all(page.map((f) => f.delete({ ignoreNotFound: true })));
      }
    } catch (err) {
      this.fail(err, exact);
    }
  }

  /**
   * Listing is in name order, so one upload's objects are adjacent: yield each folder when the next
   * starts. Its age is that of its newest object, like a folder's mtime, so an upload still being
   * written (thumbnail just added) is not mistaken for an old orphan.
   */
  async *listUploadPrefixes(): AsyncIterable<{ prefix: string; modifiedAt: Date }> {
    let current: { prefix: string; modifiedAt: Date } | undefined;
    try {
      for await (const page of this.pages(undefined)) {
        for (const f of page) {
          const [user, upload] = f.name.split('/');
          if (user === undefined || upload === undefined || !UUID.test(user) || !UUID.test(upload)) continue;
          const prefix = `${user}/${upload}/`;
          const raw = f.metadata.updated ?? f.metadata.timeCreated;
          const at = raw === undefined ? new Date(0) : new Date(raw);
          if (current?.prefix === prefix) {
            if (at > current.modifiedAt) current.modifiedAt = at;
            continue;
          }
          if (current) yield current;
          current = { prefix, modifiedAt: at };
        }
      }
    } catch (err) {
      this.fail(err, '(listing)');
    }
    if (current) yield current;
  }

  /** One page of objects at a time, so a large bucket is never held in memory. */
  private async *pages(prefix: string | undefined): AsyncGenerator<File[]> {
    let pageToken: string | undefined;
    do {
      const [files, next] = await this.bucket.getFiles({
        autoPaginate: false, maxResults: 1000, ...(prefix ? { prefix } : {}), ...(pageToken ? { pageToken } : {}),
      });
      yield files;
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }
}
