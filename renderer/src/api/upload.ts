import { ApiError } from '../../../shared/api/client/api-error.ts';
import { unwrapAnswer } from '../../../shared/api/client/unwrap.ts';
import type { TusOutcome } from '../../../shared/api/client/tus-upload.ts';

/**
 * One file on its way to the server. Each `attempt()` sends it (a resumable upload continues from
 * the server's offset); the web queue decides, by the shared retry rule, whether to attempt again.
 */
export interface UploadHandle {
  attempt(): Promise<TusOutcome>;
  /** Stops the running attempt: it rejects with ABORTED. */
  abort(): void;
}

/** What goes with a file: the upload's `metadata` JSON (e.g. `{keep_local: true}`), or null. */
export interface UploadRequest {
  metadata: Record<string, unknown> | null;
}

/** Prepares one file's upload; reports bytes sent as they go. */
export type UploadTransport = (file: File, onProgress: (sent: number, total: number) => void, request?: UploadRequest) => UploadHandle;

/**
 * `POST /api/v1/upload` with XMLHttpRequest, the one browser API that reports upload progress.
 * Resolves with the accepted upload (202, or 200 for a duplicate), rejects with an ApiError.
 */
export function xhrUploadTransport(url: () => string, headers: () => Record<string, string>, onUnauthorized?: () => void): UploadTransport {
  return (file, onProgress, request) => {
    let current: XMLHttpRequest | null = null;
    const attempt = () => new Promise<TusOutcome>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      current = xhr;
      xhr.open('POST', url());
      for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.responseType = 'text';
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        if (xhr.status === 401) onUnauthorized?.();
        try {
          resolve(unwrapAnswer<TusOutcome>({ status: xhr.status, body: xhr.responseText, header: (name) => xhr.getResponseHeader(name) }));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      xhr.onerror = () => reject(new ApiError('NETWORK_ERROR', 'The upload was interrupted: Trove could not be reached.'));
      xhr.ontimeout = xhr.onerror;
      xhr.onabort = () => reject(new ApiError('ABORTED', 'The upload was cancelled.'));
      const form = new FormData();
      // Before the file, so the server has it when the upload is stored (not patched on afterwards).
      if (request?.metadata) form.append('metadata', JSON.stringify(request.metadata));
      form.append('file', file, file.name);
      xhr.send(form);
    });
    return { attempt, abort: () => current?.abort() };
  };
}
