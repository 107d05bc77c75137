import type { ApiEnvelope } from '../../../shared/api/envelope.ts';
import type { UploadAccepted } from '../../../shared/api/schemas.ts';
import { ApiError } from './errors.ts';

export interface UploadHandle {
  promise: Promise<UploadAccepted>;
  abort: () => void;
}

/** What goes with a file: the upload's `metadata` JSON (e.g. `{keep_local: true}`), or null. */
export interface UploadRequest {
  metadata: Record<string, unknown> | null;
}

/** Sends one file; reports bytes sent as they go. */
export type UploadTransport = (file: File, onProgress: (sent: number, total: number) => void, request?: UploadRequest) => UploadHandle;

/**
 * `POST /api/v1/upload` with XMLHttpRequest, the one browser API that reports upload progress.
 * Resolves with the accepted upload (202, or 200 for a duplicate), rejects with an ApiError.
 */
export function xhrUploadTransport(url: () => string, headers: () => Record<string, string>, onUnauthorized?: () => void): UploadTransport {
  return (file, onProgress, request) => {
    const xhr = new XMLHttpRequest();
    const promise = new Promise<UploadAccepted>((resolve, reject) => {
      xhr.open('POST', url());
      for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.responseType = 'text';
      xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onload = () => {
        let body: ApiEnvelope<UploadAccepted> | null = null;
        try {
          body = JSON.parse(xhr.responseText) as ApiEnvelope<UploadAccepted>;
        } catch {
          body = null;
        }
        if (body?.status === 'success' && xhr.status >= 200 && xhr.status < 300) {
          resolve(body.data);
          return;
        }
        if (xhr.status === 401) onUnauthorized?.();
        if (body?.status === 'error') reject(new ApiError(body.error.code, body.error.message, xhr.status, body.error.details));
        else reject(new ApiError('BAD_RESPONSE', `The server answered ${xhr.status} without a readable body.`, xhr.status));
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
    return { promise, abort: () => xhr.abort() };
  };
}
