/**
 * Resumable uploads from the browser with tus-js-client (its browser build; Vite picks it through
 * the package's `browser` field) against `/api/v1/tus`. The upload URL is kept in sessionStorage
 * under tus-js-client's fingerprint of the file, so an upload cut off by a restarted server, a
 * pause or a retry continues at the server's offset instead of starting over; while the server is
 * unreachable the client keeps retrying with growing delays.
 */
import { defaultOptions, Upload, type DetailedError, type PreviousUpload, type UrlStorage } from 'tus-js-client';
import type { ApiEnvelope } from '../../../shared/api/envelope.ts';
import type { UploadAccepted } from '../../../shared/api/schemas.ts';
import { resumeOrStart, tusResultFromHeaders } from '../../../shared/api/tus-client.ts';
import { ApiError } from './errors.ts';
import type { UploadTransport } from './upload.ts';

/** Files from this size on go through tus; smaller ones are one multipart request (less overhead). */
export const TUS_MIN_BYTES = 8 * 1024 * 1024;
/** Bytes per PATCH: each acknowledged chunk is progress a lost connection cannot take back. */
export const TUS_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Waits between attempts when the server does not answer (ms): quick for blips, then every 10 s
 * for about three minutes — long enough for a server restart (its database takes seconds to open).
 */
export const TUS_RETRY_DELAYS = [500, 1000, 2000, 3000, 5000, 5000, ...Array<number>(16).fill(10_000)];

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
  retryDelays?: number[];
  chunkSize?: number;
}

export function tusUploadTransport(opts: TusTransportOptions): UploadTransport {
  const urlStorage = new SessionUrlStorage(opts.storage);
  return (file, onProgress, request) => {
    let settle!: { resolve: (a: UploadAccepted) => void; reject: (e: unknown) => void };
    const promise = new Promise<UploadAccepted>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const upload = new Upload(file, {
      endpoint: opts.endpoint(),
      chunkSize: opts.chunkSize ?? TUS_CHUNK_BYTES,
      // The upload's `metadata` JSON rides in Upload-Metadata beside the name, as the server reads it.
      metadata: { filename: file.name, ...(request?.metadata ? { metadata: JSON.stringify(request.metadata) } : {}) },
      retryDelays: opts.retryDelays ?? TUS_RETRY_DELAYS,
      urlStorage,
      // An upload begun without "keep on this device" is never resumed for a file added with it.
      fingerprint: async (f, options) => {
        // null: this input has no stable identity (Node's Files), so nothing is kept to resume from.
        const base = (await defaultOptions.fingerprint(f, options)) as string | null;
        return (base !== null && request?.metadata?.keep_local === true ? `${base}-keep-local` : base) as string;
      },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => {
        for (const [k, v] of Object.entries(opts.headers())) req.setHeader(k, v);
      },
      onProgress: (sent, total) => onProgress(sent, total),
      onSuccess: ({ lastResponse }) => {
        const accepted = tusResultFromHeaders(lastResponse);
        if (accepted) settle.resolve(accepted);
        else settle.reject(new ApiError('BAD_RESPONSE', 'The upload finished but the server did not say what became of it.'));
      },
      onError: (err) => {
        const apiErr = toApiError(err);
        if (apiErr.status === 401) opts.onUnauthorized?.();
        settle.reject(apiErr);
      },
    });
    let aborted = false;
    resumeOrStart(upload, () => aborted, (err) => settle.reject(toApiError(err as Error)));
    return {
      promise,
      abort: () => {
        aborted = true;
        settle.reject(new ApiError('ABORTED', 'The upload was cancelled.'));
        // Not terminated: the bytes stay on the server, so Retry (or Resume all) continues from them.
        void upload.abort(false).catch(() => undefined);
      },
    };
  };
}

/** Small files as one multipart request, large ones resumably. */
export function sizeSwitchTransport(small: UploadTransport, large: UploadTransport, minLargeBytes = TUS_MIN_BYTES): UploadTransport {
  return (file, onProgress, request) => (file.size >= minLargeBytes ? large : small)(file, onProgress, request);
}

function toApiError(err: Error | DetailedError): ApiError {
  const res = (err as DetailedError).originalResponse;
  if (!res) return new ApiError('NETWORK_ERROR', 'The upload was interrupted: Trove could not be reached. Retry to continue where it stopped.');
  const status = res.getStatus();
  try {
    const body = JSON.parse(res.getBody()) as ApiEnvelope<unknown>;
    if (body.status === 'error') return new ApiError(body.error.code, body.error.message, status, body.error.details);
  } catch {
    // tus answers some errors as plain text.
  }
  const code = status === 401 ? 'UNAUTHORIZED' : status === 413 ? 'FILE_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_FILE_TYPE' : 'BAD_RESPONSE';
  return new ApiError(code, `The server refused the upload (${status}). ${res.getBody().trim()}`.trim(), status);
}
