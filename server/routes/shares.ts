import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Envelope, fail, ok } from '../../shared/api/envelope.ts';
import {
  CreateShareBody, CreatedShareSchema, ShareIdParams, ShareListSchema, ShareSchema, SharedFileParams, SharedTokenParams, SharedViewSchema,
} from '../../shared/api/schemas.ts';
import type { RateLimiter } from '../http/rate-limit.ts';
import type { ShareService } from '../services/share-service.ts';

export interface ShareRoutesDeps {
  service: ShareService;
  /** Counts the public share requests per client address. */
  limiter: RateLimiter;
  requestsPerMinute: number;
}

/** How the owner's request reached us: the origin links are made on unless TROVE_PUBLIC_URL says otherwise. */
export function requestOrigin(req: FastifyRequest): string {
  // Behind a load balancer (cloud) the page is https even though this hop is http.
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim();
  const proto = forwarded === 'https' || forwarded === 'http' ? forwarded : req.protocol;
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

/**
 * The public share routes' limit, per client address: they need no sign-in, so the per-user limits
 * cannot apply. A limiter that cannot answer lets the request through (as rate-limit-hooks.ts does).
 */
export function shareRateLimit(deps: ShareRoutesDeps, page?: (reply: FastifyReply, message: string) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    let d;
    try {
      d = await deps.limiter.hit(`share:${req.ip}`, deps.requestsPerMinute, 60_000);
    } catch (err) {
      req.log.warn({ err }, 'rate limiter unavailable; share request let through');
      return undefined;
    }
    if (d.allowed) return undefined;
    const message = `Too many requests for shared files from your address: at most ${d.limit} a minute. Try again in ${d.retryAfterSec} s.`;
    reply.status(429).header('Retry-After', String(d.retryAfterSec));
    // The page answers a person with a page; the JSON routes with the envelope.
    return page ? page(reply, message) : reply.send(fail('RATE_LIMITED', message, { limit: d.limit, retry_after: d.retryAfterSec }));
  };
}

/** POST/GET /shares and DELETE /shares/{id} for the owner; GET /shared/{token}… for anyone holding the link. */
export const shareRoutes = (deps: ShareRoutesDeps): FastifyPluginAsyncTypebox => async (app) => {
  const { service } = deps;
  app.post('/shares', {
    schema: {
      summary: 'Make a read-only link to one of your files or collections, expiring after expires_in_s (default 7 days) or at expires_at. '
        + 'The embedded server makes links only when reachable from the network (SHARE_NEEDS_REMOTE otherwise).',
      body: CreateShareBody, response: { 201: Envelope(CreatedShareSchema) },
    },
  }, async (req, reply) => {
    reply.status(201);
    return ok(await service.create(req.user.id, req.body, requestOrigin(req)));
  });

  app.get('/shares', {
    schema: { summary: 'Your share links (active, and ended ones for 30 days) and whether links can be made here.', response: { 200: Envelope(ShareListSchema) } },
  }, async (req) => ok(await service.list(req.user.id, requestOrigin(req))));

  app.delete('/shares/:share_id', {
    schema: { summary: 'Revoke a share link: from now on it answers SHARE_REVOKED (410).', params: ShareIdParams, response: { 200: Envelope(ShareSchema) } },
  }, async (req) => ok(await service.revoke(req.user.id, req.params.share_id)));

  const limited = shareRateLimit(deps);
  app.get('/shared/:token', {
    schema: {
      summary: 'What a share link shows (no sign-in): the files\' names, types, sizes and dates with links scoped to the token. 410 SHARE_EXPIRED / SHARE_REVOKED.',
      params: SharedTokenParams, response: { 200: Envelope(SharedViewSchema) }, security: [],
    },
    config: { public: true, anyHost: true },
    onRequest: limited,
  }, async (req) => ok(await service.view(req.params.token)));

  app.get('/shared/:token/files/:upload_id/:variant', {
    schema: {
      summary: 'Redirect (302) to a 5-minute signed link for the thumbnail, preview or original of a file inside the share (no sign-in); any other file is NOT_FOUND.',
      params: SharedFileParams, security: [],
    },
    config: { public: true, anyHost: true },
    onRequest: limited,
  }, async (req, reply) => reply.redirect(await service.link(req.params.token, req.params.upload_id, req.params.variant), 302));
};
