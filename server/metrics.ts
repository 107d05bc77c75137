import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; each process exposes its own at GET /metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly uploads = new Counter({
    name: 'uploads_total', help: 'Uploads by file type and final status.', labelNames: ['file_type', 'status'] as const, registers: [this.registry],
  });
  readonly processingDuration = new Histogram({
    name: 'processing_duration_seconds', help: 'Time to process one file.', labelNames: ['file_type'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300], registers: [this.registry],
  });
  readonly searchLatency = new Histogram({
    name: 'search_latency_seconds', help: 'Search latency including the query embedding.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly activeJobs = new Gauge({
    name: 'active_processing_jobs', help: 'Files being processed right now by this process.', registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'http_requests_total', help: 'HTTP requests.', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds', help: 'HTTP request duration.', labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
