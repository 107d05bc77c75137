/**
 * A stand-in for a cloud Trove in front of the real server: it answers GET /auth/config as a cloud
 * server would (Firebase, with an emulator origin), accepts only the ID tokens a test lists, and
 * forwards accepted requests to the real local server with its local token. So the desktop app's
 * cloud path is tested over real HTTP and real tus, without Postgres, buckets or Firebase.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthProxy {
  url: string;
  /** ID tokens the "server" accepts; anything else gets a 401 envelope. */
  accepted: Set<string>;
  /** Every authenticated request: method, path and the bearer it carried (null: none). */
  seen: { method: string; path: string; bearer: string | null }[];
  emulatorUrl: string;
  close(): Promise<void>;
}

const PUBLIC = new Set(['/api/v1/health']);

export async function startAuthProxy(target: { url: string; token: string }, emulatorUrl = 'http://127.0.0.1:9099'): Promise<AuthProxy> {
  const upstream = new URL(target.url);
  const proxy: AuthProxy = { url: '', accepted: new Set(), seen: [], emulatorUrl, close: async () => undefined };
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0]!;
    if (pathname === '/api/v1/auth/config') {
      req.resume();
      json(res, 200, { status: 'success', data: { mode: 'cloud', firebase: { project_id: 'demo-trove', api_key: null, emulator_url: emulatorUrl } }, error: null, timestamp: new Date().toISOString() });
      return;
    }
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: upstream.host };
    if (!PUBLIC.has(pathname)) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      proxy.seen.push({ method: req.method ?? 'GET', path: pathname, bearer });
      if (!bearer || !proxy.accepted.has(bearer)) {
        req.resume();
        json(res, 401, { status: 'error', data: null, error: { code: 'UNAUTHORIZED', message: 'The ID token is not valid.' }, timestamp: new Date().toISOString() });
        return;
      }
      headers.authorization = `Bearer ${target.token}`;
    }
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (up) => {
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
