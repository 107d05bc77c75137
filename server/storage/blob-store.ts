import type { Readable } from 'node:stream';

/** Where file bytes live: local folder (embedded default) or a cloud bucket. Keys are `user/upload/name`. */
export interface BlobStore {
  readonly kind: 'local' | 'gcs';
  /** Moves a finished local file into the store (the temp file is consumed). */
  putFile(key: string, localPath: string, contentType: string): Promise<void>;
  /** Byte range is inclusive, as in HTTP. */
  read(key: string, range?: { start: number; end: number }): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | null>;
  /** A local path holding the object's bytes for media tools; `release` cleans up any temp copy. */
  localCopy(key: string): Promise<{ path: string; release(): Promise<void> }>;
  deletePrefix(prefix: string): Promise<void>;
  /** Every upload folder below a user, for the orphan sweep. */
  listUploadPrefixes(): AsyncIterable<{ prefix: string; modifiedAt: Date }>;
}

/** Keys are built only from ids and fixed names, never from a user's file name. */
export function blobKey(userId: string, uploadId: string, name: string): string {
  return `${userId}/${uploadId}/${name}`;
}

export function uploadPrefix(userId: string, uploadId: string): string {
  return `${userId}/${uploadId}/`;
}

const SAFE_KEY = /^[0-9a-f-]{36}\/[0-9a-f-]{36}\/[a-z0-9._-]{1,64}$/;

/** Rejects any key that is not exactly `uuid/uuid/plain-name` (path traversal, absolute paths…). */
export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
}
