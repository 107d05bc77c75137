/**
 * A resumable upload (tus 1.0.0, tus-js-client) as the three clients make it. The same module runs
 * in Node (the CLI and the desktop queue hand it a file read stream) and in the page (a File):
 * bundlers and Node each pick tus-js-client's build for their side.
 *
 * One `TusUpload` is one file. Its first attempt continues an earlier upload of the same content
 * found in the URL storage (a crash, a reload, a pause) or creates one; every later attempt asks
 * the server for its offset (HEAD) and sends only what it lacks. tus-js-client's own retries are off:
 * when and how often to try again is the caller's (retry.ts), the same rule for every client.
 */
import { Upload, type DetailedError, type HttpResponse, type UploadOptions, type UrlStorage } from 'tus-js-client';
import type { BatchAccepted, UploadAccepted } from '../schemas.ts';
import { TUS_RESULT_HEADERS } from '../paths.ts';
import { ApiError } from './api-error.ts';
import { errorFromAnswer } from './unwrap.ts';

export type TusInput = ConstructorParameters<typeof Upload>[0];

export interface TusUploadOptions {
  /** The tus endpoint, `<server>/api/v1/tus`. */
  endpoint: string;
  input: TusInput;
  /** Needed for streams; a File knows its own. */
  size?: number;
  filename: string;
  /** The upload's `metadata` JSON (e.g. `{keep_local: true}`), or null. */
  metadata: Record<string, unknown> | null;
  /** Asked before every request: a sign-in token renewed mid-upload is used from then on. */
  headers: () => Record<string, string>;
  chunkSize: number;
  /** Where upload URLs are kept to resume after a restart; none: resumable only while this object lives. */
  urlStorage?: UrlStorage;
  /** The content's identity in the URL storage; null: not kept. Default: tus-js-client's. */
  fingerprint?: UploadOptions['fingerprint'];
  onProgress?: (sent: number, total: number) => void;
  /** A chunk the server acknowledged: its size and the new offset. */
  onChunk?: (bytes: number, offset: number) => void;
  /** The upload's outcome when the last answer did not carry it whole (`GET /tus/{id}/result`). */
  fetchResult?: (tusId: string) => Promise<TusOutcome>;
}

export interface TusUpload {
  /** One attempt: resolves with the server's answer for the finished file (or archive), rejects with an ApiError. */
  attempt(): Promise<TusOutcome>;
  /** Stops sending (the attempt rejects with ABORTED); with `terminate` the server's partial upload goes too. */
  abort(terminate: boolean): Promise<void>;
  /** The upload's URL once created or found. */
  readonly url: string | null;
}

export function createTusUpload(opts: TusUploadOptions): TusUpload {
  let settle: { resolve: (a: TusOutcome) => void; reject: (e: unknown) => void } | null = null;
  /** Whether the upload ever started: until then, each attempt first looks for an earlier one to continue. */
  let started = false;
  let stopped = false;
  const finish = (how: (s: NonNullable<typeof settle>) => void) => {
    const s = settle;
    settle = null;
    if (s) how(s);
  };

  const upload = new Upload(opts.input, {
    endpoint: opts.endpoint,
    uploadSize: opts.size ?? null,
    chunkSize: opts.chunkSize,
    // The upload's `metadata` JSON rides in Upload-Metadata beside the name, as the server reads it.
    metadata: { filename: opts.filename, ...(opts.metadata ? { metadata: JSON.stringify(opts.metadata) } : {}) },
    retryDelays: null,
    ...(opts.urlStorage ? { urlStorage: opts.urlStorage, storeFingerprintForResuming: true, removeFingerprintOnSuccess: true } : { storeFingerprintForResuming: false }),
    ...(opts.fingerprint ? { fingerprint: opts.fingerprint } : {}),
    onBeforeRequest: (req) => {
      for (const [k, v] of Object.entries(opts.headers())) req.setHeader(k, v);
    },
    onProgress: (sent, total) => opts.onProgress?.(sent, total),
    onChunkComplete: (bytes, accepted) => opts.onChunk?.(bytes, accepted),
    onSuccess: ({ lastResponse }) => {
      const result = tusResultFromHeaders(lastResponse);
      if (result) return finish((s) => s.resolve(result));
      // An archive: the headers name its batch only; its totals come with the stored result.
      const batchId = lastResponse.getHeader(TUS_RESULT_HEADERS.batchId);
      if (batchId && !opts.fetchResult) return finish((s) => s.resolve(emptyBatch(batchId, opts.filename)));
      const id = upload.url?.split('/').pop() ?? '';
      if (!opts.fetchResult) {
        return finish((s) => s.reject(new ApiError('BAD_RESPONSE', 'The upload finished but the server did not say what became of it.')));
      }
      opts.fetchResult(id).then((a) => finish((s) => s.resolve(a)), (err: unknown) => finish((s) => s.reject(err)));
    },
    onError: (err) => finish((s) => s.reject(tusError(err))),
  });

  return {
    get url() {
      return upload.url;
    },
    attempt() {
      stopped = false;
      const promise = new Promise<TusOutcome>((resolve, reject) => {
        settle = { resolve, reject };
      });
      if (started) {
        upload.start();
        return promise;
      }
      const begin = () => {
        if (stopped) return;
        started = true;
        upload.start();
      };
      if (!opts.urlStorage) begin();
      else continueEarlier(upload, begin, (err) => finish((s) => s.reject(tusError(err as Error))));
      return promise;
    },
    async abort(terminate) {
      stopped = true;
      finish((s) => s.reject(new ApiError('ABORTED', 'The upload was stopped.')));
      await upload.abort(terminate).catch(() => undefined);
    },
  };
}

/** What a finished tus upload became: one file, or — a `.zip` — an archive being unpacked. */
export type TusOutcome = UploadAccepted | BatchAccepted;

export const isBatchAccepted = (a: TusOutcome): a is BatchAccepted => 'batch_id' in a;

function emptyBatch(batchId: string, archiveName: string): BatchAccepted {
  return {
    batch_id: batchId, archive_name: archiveName, state: 'extracting', damage: null, finished: false,
    totals: { entries: 0, queued: 0, processing: 0, done: 0, duplicate: 0, skipped: 0, failed: 0 },
  };
}

/** What the last tus response's headers say became of the upload (null when the server said nothing). */
export function tusResultFromHeaders(res: Pick<HttpResponse, 'getHeader'> | undefined): UploadAccepted | null {
  const uploadId = res?.getHeader(TUS_RESULT_HEADERS.uploadId);
  if (!res || !uploadId) return null;
  return {
    upload_id: uploadId,
    job_id: res.getHeader(TUS_RESULT_HEADERS.jobId) || null,
    duplicate: res.getHeader(TUS_RESULT_HEADERS.duplicate) === 'true',
    status: (res.getHeader(TUS_RESULT_HEADERS.status) ?? 'queued') as UploadAccepted['status'],
    estimated_time: 0,
  };
}

/**
 * Points the upload at the newest earlier attempt at the same content (the server keeps its bytes),
 * then begins (`begin` does nothing when the caller stopped it meanwhile: never start an upload behind its back).
 */
function continueEarlier(upload: Upload, begin: () => void, onError: (err: unknown) => void): void {
  upload.findPreviousUploads().then((previous) => {
    const last = previous.at(-1);
    if (last !== undefined) upload.resumeFromPreviousUpload(last);
    begin();
  }, onError);
}

/** A tus failure as an ApiError: the server's envelope when it sent one, NETWORK_ERROR when nothing answered. */
export function tusError(err: Error | DetailedError): ApiError {
  if (err instanceof ApiError) return err;
  const res = (err as DetailedError).originalResponse;
  if (res) {
    return errorFromAnswer({ status: res.getStatus(), body: res.getBody() ?? '', header: (name) => res.getHeader(name) });
  }
  if ((err as DetailedError).originalRequest !== undefined) {
    return new ApiError('NETWORK_ERROR', 'The upload was interrupted: Trove could not be reached. Trying again continues where it stopped.', 0, undefined, { cause: err });
  }
  // Not the network: the file could not be read (it moved, shrank, or is unreadable).
  return new ApiError('LOCAL_FILE', `The file could not be read for the upload: ${err.message}`, 0, undefined, { cause: err });
}
