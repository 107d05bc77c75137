import { Type, type Static, type TSchema } from 'typebox';

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
