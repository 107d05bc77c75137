import { isRetryableCode, type ClientCode } from './codes.ts';

export interface ApiErrorExtra {
  /** How long the server asked to wait before trying again (`Retry-After`), in ms. */
  retryAfterMs?: number | null;
  cause?: unknown;
}

/**
 * A failed call to the Trove API as every client sees it: the server's stable code (or the client's
 * own, see codes.ts), a message a person can act on, the HTTP status (0 when nothing answered).
 */
export class ApiError extends Error {
  readonly code: ClientCode;
  readonly status: number;
  readonly details: unknown;
  readonly retryAfterMs: number | null;

  constructor(code: ClientCode, message: string, status = 0, details?: unknown, extra: ApiErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.retryAfterMs = extra.retryAfterMs ?? null;
  }

  /** Whether trying the same thing again may work (the catalog's `retryable`). */
  get retryable(): boolean {
    return isRetryableCode(this.code);
  }
}

/** The server or the network is away (as opposed to refusing this one request). */
export function isUnreachable(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'NETWORK_ERROR' || err.code === 'SERVER_UNREACHABLE');
}

export function isAbort(err: unknown): boolean {
  if (err instanceof ApiError) return err.code === 'ABORTED';
  return err instanceof Error && err.name === 'AbortError';
}
