import type { ErrorEnvelope, SuccessEnvelope } from '../../shared/api/envelope.ts';
import type { ErrorCode } from '../../shared/api/errors.ts';

export function ok<T>(data: T, meta?: Record<string, unknown>): SuccessEnvelope<T> {
  return { status: 'success', data, error: null, ...(meta ? { meta } : {}), timestamp: new Date().toISOString() };
}

/** The error envelope, for every path that answers an error itself (error handler, rate limits, tus hooks). */
export function fail(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { status: 'error', data: null, error: { code, message, ...(details === undefined ? {} : { details }) }, timestamp: new Date().toISOString() };
}
