import { ERROR_CODES, isErrorCode, type ErrorCode } from '../errors.ts';

/**
 * Codes a client raises itself, beside the server's catalog (shared/api/errors.ts): no HTTP answer
 * carries them. Each says, as the server's codes do, whether trying again can help.
 */
export const CLIENT_ERROR_CODES = {
  /** The request got no answer: the connection failed, was reset, or timed out. */
  NETWORK_ERROR: { retryable: true },
  /** Nothing listens at the server's address (connection refused, name not found). */
  SERVER_UNREACHABLE: { retryable: true },
  /** An answer that is not a Trove envelope (another program on the port, a proxy's error page). */
  BAD_RESPONSE: { retryable: true },
  /** Stopped on purpose: cancel, pause, quit. */
  ABORTED: { retryable: false },
  /** Processing was cancelled because the upload was deleted meanwhile. */
  CANCELLED: { retryable: false },
  /** The local file is no longer where it was added from. */
  FILE_MISSING: { retryable: false },
  /** The local file (or folder) cannot be read: permissions, a special file, it shrank mid-upload. */
  LOCAL_FILE: { retryable: false },
  /** No access token to send (the CLI found none). */
  NO_TOKEN: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

export type ClientOnlyCode = keyof typeof CLIENT_ERROR_CODES;
/** Every code a client may see or raise: the server's catalog plus the client's own. */
export type ClientCode = ErrorCode | ClientOnlyCode;

export function isClientCode(value: unknown): value is ClientCode {
  return isErrorCode(value) || (typeof value === 'string' && Object.hasOwn(CLIENT_ERROR_CODES, value));
}

/** The catalog's word on whether trying again can help. */
export function isRetryableCode(code: ClientCode): boolean {
  return isErrorCode(code) ? ERROR_CODES[code].retryable : CLIENT_ERROR_CODES[code].retryable;
}

/**
 * The code for an HTTP answer without a Trove envelope (tus answers some errors as plain text; a
 * HEAD has no body). 409 and 423 are tus saying the upload's offset moved or is in use: the next
 * attempt asks for the offset again, so they count as an incomplete upload.
 */
export function codeForStatus(status: number): ClientCode {
  switch (status) {
    case 400: return 'VALIDATION_ERROR';
    case 401: return 'UNAUTHORIZED';
    case 403: return 'FORBIDDEN';
    case 404:
    case 410: return 'NOT_FOUND';
    case 409:
    case 423: return 'UPLOAD_INCOMPLETE';
    case 413: return 'FILE_TOO_LARGE';
    case 415: return 'UNSUPPORTED_FILE_TYPE';
    case 429: return 'RATE_LIMITED';
    case 500: return 'INTERNAL_ERROR';
    case 503: return 'SERVICE_UNAVAILABLE';
    case 507: return 'INSUFFICIENT_STORAGE';
    default: return 'BAD_RESPONSE';
  }
}
