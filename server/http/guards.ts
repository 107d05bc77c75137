import type { FastifyInstance } from 'fastify';
import { TroveError } from '../../shared/api/errors.ts';

/**
 * Loopback-only protections for local mode: a Host header that is not this server's own loopback
 * address means DNS rebinding (a web page's name pointed at 127.0.0.1); an Origin that is not ours
 * means another site is scripting us. CORS stays closed: no Access-Control-Allow-* header is ever sent.
 * `allowedHosts` returning null (cloud mode without a pinned list) accepts any Host, and then only
 * same-origin pages may call.
 */
export function registerGuards(app: FastifyInstance, allowedHosts: () => Set<string> | null): void {
  app.addHook('onRequest', async (req) => {
    const host = (req.headers.host ?? '').toLowerCase();
    const allowed = allowedHosts();
    // A share page and the signed links it loads carry their own authorisation and no ambient
    // credential, so a rebinding page gains nothing; people on the network reach them by any name.
    if (allowed && !allowed.has(host) && !req.routeOptions.config.anyHost) {
      throw new TroveError('FORBIDDEN_HOST', `Requests must be addressed to this server by one of its own names, not '${host}'.`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && !(allowed ?? new Set([host])).has(originHost(origin))) {
      throw new TroveError('FORBIDDEN', 'Cross-origin requests are not allowed.');
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
    }
    reply.header('Cache-Control', reply.getHeader('Cache-Control') ?? 'no-store');
    return payload;
  });
}

function originHost(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '';
  }
}

/** `127.0.0.1:8787`, `localhost:8787`, `[::1]:8787` — the names this server answers to. */
export function loopbackHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}
