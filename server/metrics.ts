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
  readonly queryEmbeddingCache = new Counter({
    name: 'trove_query_embedding_cache_total', help: 'Query embeddings taken from the in-process LRU (hit) or computed by the model (miss).',
    labelNames: ['result'] as const, registers: [this.registry],
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

  /** What paid models cost: tokens and dollars by model and by what the call was for. */
  readonly aiTokens = new Counter({
    name: 'trove_ai_tokens_total', help: 'Tokens sent to (input) and received from (output) paid AI models.',
    labelNames: ['model', 'kind', 'direction'] as const, registers: [this.registry],
  });
  readonly aiCost = new Counter({
    name: 'trove_ai_cost_usd_total', help: 'Cost of paid AI calls in US dollars, from the price table.',
    labelNames: ['model', 'kind'] as const, registers: [this.registry],
  });
  readonly budgetDeferred = new Counter({
    name: 'trove_ai_budget_deferred_total', help: 'Files described offline because their owner\'s AI budget was spent.', registers: [this.registry],
  });
  readonly providerErrors = new Counter({
    name: 'trove_ai_provider_errors_total', help: 'Failed calls to AI providers by error code (e.g. PROVIDER_RATE_LIMITED).',
    labelNames: ['provider', 'code'] as const, registers: [this.registry],
  });
  readonly modelWorkers = new Gauge({
    name: 'trove_model_workers', help: 'Model worker threads loaded now (vision, ocr: started by the first file that needs them; text: by the first embedding; stopped after TROVE_MODEL_IDLE_S idle, the last text one kept).',
    labelNames: ['model'] as const, registers: [this.registry],
  });
  readonly modelWorkerStarts = new Counter({
    name: 'trove_model_worker_starts_total', help: 'Model worker threads started (each loads its model on its first file).',
    labelNames: ['model'] as const, registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'trove_queue_depth', help: 'Jobs waiting in each queue (sampled by workers).', labelNames: ['queue'] as const, registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
