import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../../shared/api/schemas.ts';
import type { RateDecision, RateLimiter } from './rate-limit.ts';
import { fail } from '../../shared/api/envelope.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface ApiLimitsOptions {
  /**
   * New uploads per user per UTC day; undefined = no cap. The embedded local mode leaves it unset:
   * its single owner imports whole photo libraries (tens of thousands of files) on their own disk.
   */
  uploadsPerDay?: number | undefined;
  /** Authenticated API requests per user per minute; undefined = no limit. */
  requestsPerMinute?: number | undefined;
}

/** The API's per-user limits over one counter store (memory, or Redis shared by every process). */
export class ApiLimits {
  constructor(readonly limiter: RateLimiter, readonly opts: ApiLimitsOptions) {}

  request(userId: string): Promise<RateDecision> | undefined {
    const limit = this.opts.requestsPerMinute;
    return limit === undefined ? undefined : this.limiter.hit(`req:${userId}`, limit, MINUTE);
  }

  upload(userId: string): Promise<RateDecision> | undefined {
    const limit = this.opts.uploadsPerDay;
    return limit === undefined ? undefined : this.limiter.hit(`upl:${userId}`, limit, DAY);
  }
}

/** Routes that start a new upload, and the status each answers when it accepted one. */
const UPLOAD_ROUTES: Record<string, number> = { [`${API_PREFIX}/upload`]: 202, [`${API_PREFIX}/tus`]: 201 };

/**
 * Must be registered after the hook that authenticates (it needs `req.user`). An upload slot is
 * taken when the request arrives — before any bytes are read, so a refused upload costs nothing —
 * and given back when the request ends without a new upload (refused, failed, a duplicate).
 */
export function registerRateLimits(app: FastifyInstance, limits: ApiLimits): void {
  app.addHook('onRequest', async (req, reply) => {
    const user = (req as Partial<FastifyRequest>).user;
    if (!user) return; // public routes: no user to count against
    const perMinute = await guarded(req, limits.request(user.id));
    if (perMinute && !perMinute.allowed) {
      return refuse(req, reply, perMinute, `Too many requests: each account may make ${perMinute.limit} API requests a minute. Try again in ${perMinute.retryAfterSec} s.`);
    }
    const accepted = req.method === 'POST' ? UPLOAD_ROUTES[req.routeOptions.url ?? ''] : undefined;
    if (accepted === undefined) return;
    const daily = await guarded(req, limits.upload(user.id));
    if (!daily) return;
    if (!daily.allowed) {
      return refuse(req, reply, daily, `Daily upload limit reached: each account may add ${daily.limit} files a day. Try again after ${daily.resetAt.toISOString()} (in ${humanDuration(daily.retryAfterSec)}).`);
    }
    // 'close' fires for hijacked replies (tus) too, where Fastify's onResponse does not run.
    reply.raw.once('close', () => {
      if (reply.raw.statusCode !== accepted) {
        limits.limiter.undo(daily).catch((err: unknown) => req.log.warn({ err }, 'could not give back an upload slot'));
      }
    });
  });
}

/**
 * A limiter that cannot answer (Redis down) lets the request through: limits guard against abuse,
 * and refusing every request while the cache is away would be a worse outage than none.
 */
async function guarded(req: FastifyRequest, pending: Promise<RateDecision> | undefined): Promise<RateDecision | undefined> {
  try {
    return await pending;
  } catch (err) {
    req.log.warn({ err }, 'rate limiter unavailable; request let through');
    return undefined;
  }
}

/** Answered here rather than thrown: the error handler's Retry-After is fixed, ours is the window's real end. */
function refuse(req: FastifyRequest, reply: FastifyReply, d: RateDecision, message: string): FastifyReply {
  // A refused upload's body is never read; keeping the connection would leave it stuck.
  if (!req.raw.complete) reply.header('Connection', 'close');
  return reply.status(429).header('Retry-After', String(d.retryAfterSec))
    .send(fail('RATE_LIMITED', message, { limit: d.limit, retry_after: d.retryAfterSec, reset_at: d.resetAt.toISOString() }));
}

function humanDuration(sec: number): string {
  if (sec < 60) return `${sec} s`;
  const h = Math.floor(sec / 3600);
  const m = Math.ceil((sec % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}
