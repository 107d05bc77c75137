/**
 * One resumable upload with tus-js-client (Node): the file is read from disk in chunks, and the
 * upload URL is kept in the queue's URL storage under a content fingerprint, so an upload cut off by
 * a crash, a pause or a server restart resumes at the server's offset instead of starting over.
 */
import { createReadStream } from 'node:fs';
import { Upload, type DetailedError, type UrlStorage } from 'tus-js-client';
import { TUS_PATH, type UploadAccepted } from '../../shared/api/schemas.ts';
import { resumeOrStart, tusResultFromHeaders } from '../../shared/api/tus-client.ts';
import { ApiError, OfflineError, type Endpoint } from '../api-client.ts';

export interface TusUploadRequest {
  endpoint: Endpoint;
  file: string;
  size: number;
  filename: string;
  metadata: Record<string, unknown> | null;
  /** Identifies the content (not the path or the server's port): `sha256:size`. */
  fingerprint: string;
  urlStorage: UrlStorage;
  chunkSize: number;
  onProgress(bytesSent: number, total: number): void;
  /** A chunk the server acknowledged: its size and the new offset. */
  onChunk?(bytes: number, offset: number): void;
  /** The upload URL is known (created or resumed). */
  onUrl?(url: string): void;
  /**
   * The bearer to send right now, asked before every request: a Firebase ID token is renewed hourly,
   * so a long upload must not keep the one it started with. Defaults to `endpoint.token`.
   */
  authToken?(): string | null;
}

export interface TusOutcome {
  url: string;
  /** The ingest result from the final response's headers, or null when they were not there. */
  result: UploadAccepted | null;
}

export class AbortedError extends Error {
  constructor() {
    super('The upload was stopped.');
    this.name = 'AbortedError';
  }
}

export interface TusUploadHandle {
  done: Promise<TusOutcome>;
  /** Stops sending; with `terminate`, the partial upload is also deleted on the server. */
  abort(terminate: boolean): Promise<void>;
}

export function startTusUpload(req: TusUploadRequest): TusUploadHandle {
  let settle!: { resolve: (o: TusOutcome) => void; reject: (e: unknown) => void };
  const done = new Promise<TusOutcome>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const bearer = () => (req.authToken ? req.authToken() : req.endpoint.token);
  const metadata: Record<string, string> = { filename: req.filename };
  if (req.metadata) metadata.metadata = JSON.stringify(req.metadata);

  const upload = new Upload(createReadStream(req.file), {
    endpoint: `${req.endpoint.url}${TUS_PATH}`,
    uploadSize: req.size,
    chunkSize: req.chunkSize,
    metadata,
    onBeforeRequest: (httpReq) => {
      const token = bearer();
      if (token) httpReq.setHeader('Authorization', `Bearer ${token}`);
    },
    // Short in-client retries for blips; longer outages are the queue's business (it waits for the server).
    retryDelays: [300, 1000],
    fingerprint: () => Promise.resolve(req.fingerprint),
    urlStorage: req.urlStorage,
    storeFingerprintForResuming: true,
    removeFingerprintOnSuccess: true,
    onUploadUrlAvailable: () => {
      if (upload.url) req.onUrl?.(upload.url);
    },
    onProgress: (sent, total) => req.onProgress(sent, total),
    onChunkComplete: (bytes, accepted) => req.onChunk?.(bytes, accepted),
    onSuccess: ({ lastResponse }) => settle.resolve({ url: upload.url ?? '', result: tusResultFromHeaders(lastResponse) }),
    onError: (err) => settle.reject(toQueueError(err)),
  });

  let aborted = false;
  resumeOrStart(upload, () => aborted, (err) => settle.reject(err));

  return {
    done,
    async abort(terminate) {
      aborted = true;
      settle.reject(new AbortedError());
      await upload.abort(terminate).catch(() => undefined);
    },
  };
}

const STATUS_CODES: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 413: 'FILE_TOO_LARGE', 415: 'UNSUPPORTED_FILE_TYPE' };

/** A tus failure as the queue sees it: OfflineError when nothing answered, else ApiError with a stable code. */
export function toQueueError(err: Error | DetailedError): Error {
  const res = (err as DetailedError).originalResponse;
  if (!res) {
    if ((err as DetailedError).originalRequest !== undefined) return new OfflineError('The Trove server did not answer during the upload.', { cause: err });
    return err;
  }
  const status = res.getStatus();
  let code = STATUS_CODES[status] ?? `HTTP_${status}`;
  let message = `The server refused the upload (${status}).`;
  try {
    const body = JSON.parse(res.getBody()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    const text = res.getBody().trim();
    if (text) message = `${message} ${text}`;
  }
  return new ApiError(code, message, status);
}
