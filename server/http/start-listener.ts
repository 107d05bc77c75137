/**
 * The HTTP listener, opened before anything heavy loads: the port answers within a few hundred
 * milliseconds of `trove serve`, while the database opens, migrations run and the query model
 * loads. Until the app is handed over (`serve`), every request gets a quick, stable answer:
 *  - GET /api/v1/health: 503 with `status: 'starting'` (a readiness probe, the desktop app and
 *    `trove status` wait for 200);
 *  - any other API call: 503 SERVICE_STARTING with `Retry-After: 1` (every client retries it);
 *    a tus HEAD gets 423 instead, the status tus clients wait on rather than start the file over;
 *  - a page (the web UI): 503 with a small "Trove is starting…" page that reloads itself.
 * Then the app's own router takes every request on the same server.
 *
 * Why not Fastify's own listen: the app can only be built once the services exist, which need the
 * database; a server of our own can listen first and pass requests to the app later. This module
 * imports nothing heavy on purpose (it loads before the rest of the server).
 */
import http, { type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { fail, ok } from '../../shared/api/envelope.ts';
import { API_PREFIX, TUS_PATH } from '../../shared/api/paths.ts';
import type { Health } from '../../shared/api/schemas.ts';

export interface StartListenerOptions {
  host: string;
  port: number;
  version: string;
  /** What /health reports as `mode` (local, cloud, worker). */
  mode: string;
}

export interface StartListener {
  server: http.Server;
  port: number;
  /** `http://host:port` as clients should call it. */
  url: string;
  /** When it began to listen, in ms since the process started. */
  listenedAtMs: number;
  /** Hands every request from now on to `handler` (the app's router). */
  serve(handler: RequestListener): void;
  /** True once `serve` was called. */
  readonly ready: boolean;
  /** Stops accepting connections; open ones are cut after `graceMs` (0: at once). Idempotent. */
  close(graceMs?: number): Promise<void>;
}

const RETRY_AFTER_S = '1';

export async function openStartListener(opts: StartListenerOptions): Promise<StartListener> {
  let handler: RequestListener = startingAnswer(opts);
  let ready = false;
  const server = http.createServer((req, res) => handler(req, res));
  // As Fastify sets its own server: no time limit on a request (a slow 100 MB upload), and idle
  // keep-alive connections kept for 72 s (Node's default of 5 s races clients that reuse them).
  server.requestTimeout = 0;
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const listenedAtMs = Math.round(performance.now());
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  // Listening on every address (TROVE_HOST=0.0.0.0), clients on this machine call the loopback one:
  // it is among the names the Host guard accepts, and 0.0.0.0 is not an address to call.
  const callHost = opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host === '::' ? '::1' : opts.host;
  const hostForUrl = callHost.includes(':') ? `[${callHost}]` : callHost;
  let closing: Promise<void> | undefined;
  return {
    server, port, url: `http://${hostForUrl}:${port}`, listenedAtMs,
    get ready() {
      return ready;
    },
    serve(next) {
      handler = next;
      ready = true;
    },
    close(graceMs = 0) {
      closing ??= new Promise<void>((resolve) => {
        // Connections still open after the grace period (a stalled upload, a socket a client opened
        // but never sent a request on) would otherwise hold the shutdown until they time out.
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function startingAnswer(opts: StartListenerOptions): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = (req.url ?? '/').split('?')[0] ?? '/';
    res.setHeader('Retry-After', RETRY_AFTER_S);
    res.setHeader('Cache-Control', 'no-store');
    if (url === `${API_PREFIX}/health`) {
      const health: Health = {
        status: 'starting', database: 'starting', version: opts.version, uptime_s: Math.round(process.uptime()), mode: opts.mode,
      };
      return send(res, 503, 'application/json; charset=utf-8', JSON.stringify(ok(health)));
    }
    const wantsPage = !url.startsWith(`${API_PREFIX}/`) && (req.method === 'GET' || req.method === 'HEAD') && (req.headers.accept ?? '').includes('text/html');
    if (wantsPage) {
      res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
      return send(res, 503, 'text/html; charset=utf-8', STARTING_PAGE);
    }
    const body = fail('SERVICE_STARTING', 'Trove is starting (opening its database); try again in a moment.');
    // A tus client asking where its upload stands (HEAD) takes any answer but 423 Locked as "gone"
    // and starts the file over (tus-js-client creates a new upload); 423 is tus's "try again later".
    const status = req.method === 'HEAD' && url.startsWith(`${TUS_PATH}/`) ? 423 : 503;
    return send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

// Reloads itself every second (the address, with the token in its fragment, stays as it is) until
// the web UI answers instead.
const STARTING_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="1"><title>Trove is starting…</title>
<style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;height:90vh;color:#444}</style></head>
<body><p role="status">Starting Trove…</p></body></html>
`;
