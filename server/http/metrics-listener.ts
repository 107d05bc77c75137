import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../metrics.ts';

export interface MetricsListener {
  port: number;
  close(): Promise<void>;
}

/**
 * This process's Prometheus metrics at `GET /metrics` on a loopback-only port, without a token, for
 * a collector running beside it: on Cloud Run, instances cannot be scraped one by one from outside,
 * so Google's Managed Prometheus sidecar scrapes each instance over localhost. Nothing outside the
 * instance reaches 127.0.0.1; the public /api/v1/metrics keeps asking for TROVE_TOKEN.
 */
export async function startMetricsListener(metrics: Metrics, port: number): Promise<MetricsListener> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${String(err)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
