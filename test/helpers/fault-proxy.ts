/**
 * A tiny HTTP proxy on 127.0.0.1 in front of a real Trove server, for the clients' contract tests:
 * it forwards every request (Host and Origin rewritten to the server's, so its guards accept them),
 * logs what passed, and on request answers chosen requests with an error envelope of the catalog
 * instead of forwarding them, or cuts a request's body off mid-way (both sockets destroyed) the
 * way a dropped connection does. The clients under test are the real ones, pointed at this proxy.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail } from '../../shared/api/envelope.ts';
import { ERROR_CODES, type ErrorCode } from '../../shared/api/errors.ts';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** When the request reached the proxy (ms since the epoch). */
  at: number;
  /** The request's `Upload-Offset` (tus PATCH), else null. */
  uploadOffset: number | null;
  /** Who answered: the server, an injected fault, or nobody (cut off). */
  answeredBy: 'server' | 'fault' | 'cut' | 'stalled';
  /** HTTP status sent back (0 when cut off). */
  status: number;
  /** The answer's `Upload-Offset` (tus HEAD/PATCH), else null. */
  answeredOffset: number | null;
  /** Body bytes passed on to the server. */
  bodyBytes: number;
}

type Match = (req: { method: string; path: string }) => boolean;

export interface FaultProxy {
  url: string;
  log: ProxiedRequest[];
  /** The next requests matching `match` are answered with these errors, in turn (one per request). */
  answer(match: Match, codes: ErrorCode[]): void;
  /** The next request matching `match` is cut off after `bytes` bytes of its body. */
  cutAfter(match: Match, bytes: number): void;
  /** The next request matching `match` hangs after `bytes` bytes of its body, until its client goes away. */
  stallAfter(match: Match, bytes: number): void;
  close(): Promise<void>;
}

/** POST /api/v1/upload or POST /api/v1/tus: the request that begins a file's upload. */
export const beginsUpload: Match = ({ method, path }) => method === 'POST' && /^\/api\/v1\/(upload|tus)(\?|$)/.test(path);
export const isTusPatch: Match = ({ method, path }) => method === 'PATCH' && path.startsWith('/api/v1/tus/');
export const isTusHead: Match = ({ method, path }) => method === 'HEAD' && path.startsWith('/api/v1/tus/');

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const log: ProxiedRequest[] = [];
  const faults: { match: Match; code: ErrorCode }[] = [];
  const cuts: { match: Match; bytes: number; stall: boolean }[] = [];
  const take = <T extends { match: Match }>(list: T[], req: { method: string; path: string }): T | undefined => {
    const i = list.findIndex((f) => f.match(req));
    return i === -1 ? undefined : list.splice(i, 1)[0];
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const entry: ProxiedRequest = {
      method, path, at: Date.now(), uploadOffset: numberOrNull(req.headers['upload-offset']),
      answeredBy: 'server', status: 0, answeredOffset: null, bodyBytes: 0,
    };
    log.push(entry);

    const fault = take(faults, { method, path });
    if (fault) {
      entry.answeredBy = 'fault';
      entry.status = ERROR_CODES[fault.code].status;
      req.resume();
      req.on('end', () => {
        res.writeHead(entry.status, { 'content-type': 'application/json', 'tus-resumable': '1.0.0' });
        res.end(JSON.stringify(fail(fault.code, `Injected by the test proxy: ${fault.code}.`)));
      });
      return;
    }

    const cut = take(cuts, { method, path });
    const headers = { ...req.headers, host: upstream.host };
    if (headers.origin) headers.origin = upstream.origin;
    const out = http.request({ host: upstream.hostname, port: upstream.port, method, path, headers }, (answer) => {
      entry.status = answer.statusCode ?? 0;
      entry.answeredOffset = numberOrNull(answer.headers['upload-offset']);
      res.writeHead(entry.status, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.on('data', (chunk: Buffer) => {
      if (cut && entry.answeredBy === 'server' && entry.bodyBytes + chunk.length >= cut.bytes) {
        const part = chunk.subarray(0, cut.bytes - entry.bodyBytes);
        entry.bodyBytes += part.length;
        entry.answeredBy = cut.stall ? 'stalled' : 'cut';
        req.pause();
        // Let the part reach the server, then drop both connections as a broken network would
        // (stalled: when the client gives up on it).
        if (cut.stall) req.socket.once('close', () => out.destroy());
        out.write(part, () => {
          if (!cut.stall) setTimeout(() => {
            out.destroy();
            req.socket.destroy();
          }, 100);
        });
        return;
      }
      if (entry.answeredBy !== 'server') return;
      entry.bodyBytes += chunk.length;
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (entry.answeredBy === 'server') out.end();
    });
    req.on('error', () => out.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    answer(match, codes) {
      for (const code of codes) faults.push({ match, code });
    },
    cutAfter(match, bytes) {
      cuts.push({ match, bytes, stall: false });
    },
    stallAfter(match, bytes) {
      cuts.push({ match, bytes, stall: true });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function numberOrNull(value: string | string[] | undefined): number | null {
  const n = Number(Array.isArray(value) ? value[0] : value);
  return value === undefined || Number.isNaN(n) ? null : n;
}
