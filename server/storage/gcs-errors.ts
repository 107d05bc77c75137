import { TroveError } from '../../shared/api/errors.ts';

/** Network failures the SDK reports by errno: the service may be back in a moment. */
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ESOCKETTIMEDOUT', 'ECONNABORTED']);

/** The SDK reports HTTP failures in several shapes (ApiError.code, GaxiosError.response.status, or a status in a message). */
export function gcsStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.response?.status === 'number') return e.response.status;
  if (typeof e.status === 'number') return e.status;
  return undefined;
}

const codeOf = (err: unknown): string | undefined => {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'string' ? c : undefined;
};

/**
 * Turns an SDK error into a TroveError so the queue's retry policy and the HTTP edge can act on it:
 * transient trouble (5xx, 429, network, damaged bytes) is retryable SERVICE_UNAVAILABLE; a missing
 * object is NOT_FOUND like a missing local file; a refused credential is a setup problem to fix.
 * `what` names the object or prefix, so the message says which file was affected.
 */
export function mapGcsError(err: unknown, bucket: string, what: string): TroveError {
  if (err instanceof TroveError) return err;
  const status = gcsStatus(err);
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  const details = { bucket, object: what, status, code };
  const opts = { cause: err };
  if (status === 404) {
    return new TroveError('NOT_FOUND', `This file is no longer in Cloud Storage (gs://${bucket}/${what}).`, details, opts);
  }
  if (status === 401 || status === 403) {
    return new TroveError('INTERNAL_ERROR',
      `Cloud Storage refused access to bucket '${bucket}' (HTTP ${status}). Check that the service account Trove runs as (the key file in GOOGLE_APPLICATION_CREDENTIALS, or on Cloud Run the service's own account) may read and write objects in it (roles/storage.objectUser, as infra/terraform grants).`,
      details, opts);
  }
  const checksum = code === 'FILE_NO_UPLOAD' || code === 'CONTENT_DOWNLOAD_MISMATCH' || /checksum|mismatch/i.test(message);
  const retryExhausted = /Retry (limit|total time limit) exceeded|offset is lower than/i.test(message);
  if (status === 408 || status === 429 || (status !== undefined && status >= 500) || (code !== undefined && TRANSIENT_NET.has(code)) || checksum || retryExhausted) {
    const why = checksum ? 'the bytes arrived damaged (checksum mismatch)'
      : status !== undefined ? `HTTP ${status}` : code ?? message;
    return new TroveError('SERVICE_UNAVAILABLE',
      `Cloud Storage is not answering reliably right now (${why}) while handling gs://${bucket}/${what}; nothing was lost, try again shortly.`,
      details, opts);
  }
  return new TroveError('INTERNAL_ERROR', `Cloud Storage failed on gs://${bucket}/${what}: ${message}`, details, opts);
}
