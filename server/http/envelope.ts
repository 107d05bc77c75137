import type { SuccessEnvelope } from '../../shared/api/envelope.ts';

export function ok<T>(data: T, meta?: Record<string, unknown>): SuccessEnvelope<T> {
  return { status: 'success', data, error: null, ...(meta ? { meta } : {}), timestamp: new Date().toISOString() };
}
