/**
 * Stable error codes. Clients (CLI, renderer) switch on these, so a code never changes meaning;
 * the message may be reworded. Each code carries its HTTP status and whether retrying can help.
 */
export const ERROR_CODES = {
  // request errors
  VALIDATION_ERROR: { status: 400, retryable: false },
  INVALID_TIME_ZONE: { status: 400, retryable: false },
  EMPTY_FILE: { status: 400, retryable: false },
  MISSING_FILE: { status: 400, retryable: false },
  UNAUTHORIZED: { status: 401, retryable: false },
  FORBIDDEN_HOST: { status: 403, retryable: false },
  FORBIDDEN: { status: 403, retryable: false },
  ACCOUNT_SUSPENDED: { status: 403, retryable: false },
  NOT_FOUND: { status: 404, retryable: false },
  FILE_TOO_LARGE: { status: 413, retryable: false },
  UNSUPPORTED_FILE_TYPE: { status: 415, retryable: false },
  TYPE_MISMATCH: { status: 415, retryable: false },
  UPLOAD_INCOMPLETE: { status: 400, retryable: true },
  RATE_LIMITED: { status: 429, retryable: true },
  INSUFFICIENT_STORAGE: { status: 507, retryable: true },
  INTERNAL_ERROR: { status: 500, retryable: true },
  SERVICE_UNAVAILABLE: { status: 503, retryable: true },
  /** The server listens but is still opening its database; answered with Retry-After: 1. */
  SERVICE_STARTING: { status: 503, retryable: true },
  SIGNATURE_INVALID: { status: 403, retryable: false },
  SIGNATURE_EXPIRED: { status: 403, retryable: false },
  RANGE_NOT_SATISFIABLE: { status: 416, retryable: false },
  // recently deleted files and batch actions
  RESTORE_EXPIRED: { status: 410, retryable: false },
  RESTORE_CONFLICT: { status: 409, retryable: false },
  BATCH_TOO_LARGE: { status: 400, retryable: false },
  // share links: ended links answer 410; the embedded server makes links only when reachable from the network
  SHARE_EXPIRED: { status: 410, retryable: false },
  SHARE_REVOKED: { status: 410, retryable: false },
  SHARE_EXPIRY_INVALID: { status: 400, retryable: false },
  SHARE_NEEDS_REMOTE: { status: 409, retryable: false },
  // collections (issue 14): a sibling already has the name; a sub-collection cannot hold sub-collections
  COLLECTION_NAME_TAKEN: { status: 409, retryable: false },
  COLLECTION_TOO_DEEP: { status: 422, retryable: false },
  // ZIP archives in (POST /upload, tus) and out (GET /download). A refused archive leaves nothing behind;
  // the entry codes are the per-entry reasons of GET /batches/{id}.
  ZIP_TOO_MANY_ENTRIES: { status: 413, retryable: false },
  ZIP_TOO_LARGE: { status: 413, retryable: false },
  ZIP_RATIO_EXCEEDED: { status: 413, retryable: false },
  ZIP_INVALID: { status: 422, retryable: false },
  ZIP_EMPTY: { status: 400, retryable: false },
  ZIP_TRUNCATED: { status: 422, retryable: false },
  ZIP_NESTED_ARCHIVE: { status: 422, retryable: false },
  ZIP_ENTRY_ENCRYPTED: { status: 422, retryable: false },
  ZIP_UNSAFE_PATH: { status: 422, retryable: false },
  ZIP_ENTRY_CORRUPT: { status: 422, retryable: false },
  ZIP_ENTRY_IGNORED: { status: 422, retryable: false },
  DOWNLOAD_TOO_MANY_IDS: { status: 400, retryable: false },
  // processing errors (stored on the upload, not sent as HTTP statuses)
  CORRUPT_FILE: { status: 422, retryable: false },
  IMAGE_TOO_LARGE: { status: 422, retryable: false },
  PDF_ENCRYPTED: { status: 422, retryable: false },
  MEDIA_TOO_LONG: { status: 422, retryable: false },
  PROCESSING_TIMEOUT: { status: 504, retryable: true },
  PROCESSING_INTERRUPTED: { status: 500, retryable: true },
  PROCESSING_FAILED: { status: 500, retryable: true },
  MODEL_UNAVAILABLE: { status: 503, retryable: true },
  // outside AI services (cloud mode): quota, refusals and configuration, told apart so the retry policy and the
  // person reading the error know whether waiting, changing the file or changing the settings helps
  PROVIDER_RATE_LIMITED: { status: 503, retryable: true },
  PROVIDER_REJECTED: { status: 422, retryable: false },
  PROVIDER_MISCONFIGURED: { status: 502, retryable: false },
  // desktop app (raised in main and carried over IPC; the status says what kind of refusal it is)
  INVALID_SERVER_URL: { status: 400, retryable: false },
  INSECURE_SERVER_URL: { status: 400, retryable: false },
  PATH_NOT_GRANTED: { status: 403, retryable: false },
  SIGN_IN_UNAVAILABLE: { status: 409, retryable: false },
  GOOGLE_SIGN_IN_UNAVAILABLE: { status: 501, retryable: false },
  GOOGLE_SIGN_IN_CANCELLED: { status: 400, retryable: false },
  GOOGLE_SIGN_IN_TIMEOUT: { status: 408, retryable: true },
  GOOGLE_SIGN_IN_FAILED: { status: 502, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** An error that knows its stable code; thrown anywhere, turned into the envelope at the edge. */
export class TroveError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TroveError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }
}
