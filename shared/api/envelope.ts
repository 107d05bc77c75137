import { Type, type Static, type TSchema } from 'typebox';
import type { ErrorCode } from './errors.ts';

/** The error half of the envelope. `code` is one of ERROR_CODES; `details` explains validation failures. */
export const ApiErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
});
export type ApiErrorBody = Static<typeof ApiErrorBody>;

/** Every JSON response is wrapped as `{status, data, error, meta, timestamp}` (the spec's envelope). */
export const Envelope = <T extends TSchema>(data: T) =>
  Type.Object({
    status: Type.Literal('success'),
    data,
    error: Type.Null(),
    meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    timestamp: Type.String({ format: 'date-time' }),
  });

export const ErrorEnvelope = Type.Object({
  status: Type.Literal('error'),
  data: Type.Null(),
  error: ApiErrorBody,
  meta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  timestamp: Type.String({ format: 'date-time' }),
});
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

export interface SuccessEnvelope<T> {
  status: 'success';
  data: T;
  error: null;
  meta?: Record<string, unknown>;
  timestamp: string;
}
export type ApiEnvelope<T> = SuccessEnvelope<T> | ErrorEnvelope;

/** The success envelope every JSON answer is wrapped in. */
export function ok<T>(data: T, meta?: Record<string, unknown>): SuccessEnvelope<T> {
  return { status: 'success', data, error: null, ...(meta ? { meta } : {}), timestamp: new Date().toISOString() };
}

/** The error envelope: one builder for every path that answers an error (error handler, rate limits, tus hooks). */
export function fail(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return { status: 'error', data: null, error: { code, message, ...(details === undefined ? {} : { details }) }, timestamp: new Date().toISOString() };
}
