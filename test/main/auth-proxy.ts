/**
 * A pass-through in front of a real cloud-mode Trove server (which verifies the Auth emulator's ID
 * tokens itself): it records the bearer of every authenticated request and can refuse them all with
 * the server's own 401 envelope — playing tokens that lapsed or that this server will not take,
 * which the Auth emulator cannot do on demand (its tokens last an hour).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthProxy {
  url: string;
  /** Answer every bearer with 401, as a server that does not accept this sign-in would. */
  refuseAll: boolean;
  /** Answer this one bearer with 401, as if it had lapsed; a renewed token passes. */
  refuseToken: string | null;
  /** Every authenticated request: method, path and the bearer it carried (null: none). */
  seen: { method: string; path: string; bearer: string | null }[];
  close(): Promise<void>;
}

const PUBLIC = new Set(['/api/v1/health', '/api/v1/auth/config']);

export async function startAuthProxy(targetUrl: string): Promise<AuthProxy> {
  const upstream = new URL(targetUrl);
  const proxy: AuthProxy = { url: '', refuseAll: false, refuseToken: null, seen: [], close: async () => undefined };

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (!PUBLIC.has(pathname)) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      proxy.seen.push({ method: req.method ?? 'GET', path: pathname, bearer });
      if (bearer && (proxy.refuseAll || bearer === proxy.refuseToken)) {
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: 'error', data: null, error: { code: 'UNAUTHORIZED', message: 'The ID token has expired.' }, timestamp: new Date().toISOString() }));
        return;
      }
    }
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return proxy;
}
