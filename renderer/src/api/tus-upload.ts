/**
 * Resumable uploads from the browser against `/api/v1/tus`, on the shared tus core (Vite picks
 * tus-js-client's browser build). The upload URL is kept in sessionStorage under the file's
 * fingerprint, so an upload cut off by a restarted server, a pause or a retry continues at the
 * server's offset instead of starting over — within one attempt's life and across a reload.
 */
import { defaultOptions, type PreviousUpload, type UrlStorage } from 'tus-js-client';
import { createTusUpload } from '../../../shared/api/client/tus-upload.ts';
import type { ApiClient } from './client.ts';
import { xhrUploadTransport, type UploadTransport } from './upload.ts';

/** Files from this size on go through tus; smaller ones are one multipart request (less overhead). */
export const TUS_MIN_BYTES = 8 * 1024 * 1024;
/** Bytes per PATCH: each acknowledged chunk is progress a lost connection cannot take back. */
export const TUS_CHUNK_BYTES = 4 * 1024 * 1024;

const PREFIX = 'trove.tus::';

/** tus-js-client's URL storage over sessionStorage: resumable within this tab, gone with it. */
export class SessionUrlStorage implements UrlStorage {
  constructor(private readonly storage: Storage | null) {}

  findAllUploads(): Promise<PreviousUpload[]> {
    return Promise.resolve(this.find(PREFIX));
  }

  findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return Promise.resolve(this.find(`${PREFIX}${fingerprint}::`));
  }

  removeUpload(urlStorageKey: string): Promise<void> {
    try {
      this.storage?.removeItem(urlStorageKey);
    } catch {
      // Storage can be disabled; nothing was kept then.
    }
    return Promise.resolve();
  }

  addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const key = `${PREFIX}${fingerprint}::${Math.random().toString(36).slice(2)}`;
    try {
      this.storage?.setItem(key, JSON.stringify(upload));
    } catch {
      // Without storage the upload still works; it just cannot resume after a reload.
    }
    return Promise.resolve(key);
  }

  private find(prefix: string): PreviousUpload[] {
    const out: PreviousUpload[] = [];
    if (!this.storage) return out;
    try {
      for (let i = 0; i < this.storage.length; i++) {
        const key = this.storage.key(i);
        if (!key?.startsWith(prefix)) continue;
        try {
          out.push({ ...(JSON.parse(this.storage.getItem(key) ?? '') as PreviousUpload), urlStorageKey: key });
        } catch {
          // A malformed entry must not block new uploads.
        }
      }
    } catch {
      // Storage disabled.
    }
    return out;
  }
}

export interface TusTransportOptions {
  /** The tus endpoint (`…/api/v1/tus`). */
  endpoint: () => string;
  /** Read before every request, so a refreshed sign-in token is used mid-upload. */
  headers: () => Record<string, string>;
  storage: Storage | null;
  onUnauthorized?: () => void;
  chunkSize?: number;
}

export function tusUploadTransport(opts: TusTransportOptions): UploadTransport {
  const urlStorage = new SessionUrlStorage(opts.storage);
  return (file, onProgress, request) => {
    const metadata = request?.metadata ?? null;
    const upload = createTusUpload({
      endpoint: opts.endpoint(), input: file, filename: file.name, metadata, headers: opts.headers,
      chunkSize: opts.chunkSize ?? TUS_CHUNK_BYTES, urlStorage, onProgress,
      // An upload begun without "keep on this device" is never resumed for a file added with it.
      fingerprint: async (f, options) => {
        // null: this input has no stable identity, so nothing is kept to resume from.
        const base = (await defaultOptions.fingerprint(f, options)) as string | null;
        return (base !== null && metadata?.keep_local === true ? `${base}-keep-local` : base) as string;
      },
    });
    return {
      attempt: () => upload.attempt().catch((err: unknown) => {
        if ((err as { status?: number }).status === 401) opts.onUnauthorized?.();
        throw err;
      }),
      // Not terminated: the bytes stay on the server, so Retry (or Resume all) continues from them.
      abort: () => void upload.abort(false),
    };
  };
}

/** Small files as one multipart request, large ones resumably. */
export function sizeSwitchTransport(small: UploadTransport, large: UploadTransport, minLargeBytes = TUS_MIN_BYTES): UploadTransport {
  return (file, onProgress, request) => (file.size >= minLargeBytes ? large : small)(file, onProgress, request);
}

/**
 * How the page sends files: small ones as one multipart request, large ones resumably, their
 * upload URLs kept in `storage` (sessionStorage, like the sign-in), with the API client's token.
 */
export function webUploadTransport(api: ApiClient, storage: Storage | null, onUnauthorized?: () => void): UploadTransport {
  return sizeSwitchTransport(
    xhrUploadTransport(() => api.url('/upload'), () => api.authHeaders(), onUnauthorized),
    tusUploadTransport({ endpoint: () => new URL(api.url('/tus'), window.location.href).toString(), headers: () => api.authHeaders(), storage, onUnauthorized }),
  );
}
