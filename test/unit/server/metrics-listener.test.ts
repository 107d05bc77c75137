import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsListener, type MetricsListener } from '../../../server/http/metrics-listener.ts';
import { Metrics } from '../../../server/metrics.ts';

let metrics: Metrics;
let listener: MetricsListener;

beforeAll(async () => {
  metrics = new Metrics();
  metrics.aiCost.inc({ model: 'gemini-2.5-flash', kind: 'analysis' }, 0.0123);
  listener = await startMetricsListener(metrics, 0);
});

afterAll(() => listener.close());

describe('the loopback metrics listener', () => {
  it('serves this process\'s Prometheus text at /metrics without a token', async () => {
    const res = await fetch(`http://127.0.0.1:${listener.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(/^trove_ai_cost_usd_total\{model="gemini-2.5-flash",kind="analysis"\} 0.0123$/m);
    expect(text).toMatch(/^# TYPE process_cpu_seconds_total counter$/m);
  });

  it('serves nothing else, and only on the loopback interface', async () => {
    expect((await fetch(`http://127.0.0.1:${listener.port}/api/v1/uploads`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${listener.port}/metrics`, { method: 'POST' })).status).toBe(404);
    // Bound to 127.0.0.1 only: this machine's other addresses do not answer.
    const external = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    expect(external, 'a non-loopback IPv4 address to probe from').toBeDefined();
    await expect(fetch(`http://${external}:${listener.port}/metrics`)).rejects.toThrow();
  });
});
