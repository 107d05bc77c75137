import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The correlation context of the work in progress: the request that caused it and, in a worker,
 * the job it belongs to. Kept in AsyncLocalStorage so services reach it without every signature
 * growing a parameter, and so one pino `mixin` stamps it on every log line written inside the work,
 * whichever logger object the code holds.
 */
export interface LogContext {
  requestId?: string | undefined;
  uploadId?: string | undefined;
  jobId?: string | undefined;
  queueJobId?: string | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `ctx` added to the current context (inner values win). */
export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...ctx }, fn);
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** For pino's `mixin` option: the fields of the current context that are set. */
export function logContextMixin(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(storage.getStore() ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Client-chosen ids end up in logs and job data: accept only short, plain ones. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's X-Request-ID when it is acceptable, a fresh one otherwise. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
