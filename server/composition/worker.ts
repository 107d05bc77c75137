import { createOfflineAnalyzer } from '../analysis/offline/create.ts';
import { withLogContext } from '../correlation.ts';
import type { QueueJob } from '../queue/job-queue.ts';
import { PROCESS_QUEUE, ProcessingService, type ProcessJobData } from '../services/processing-service.ts';
import { REEMBED_QUEUE, ReembedService, type ReembedJobData } from '../services/reembed-service.ts';
import type { Cleanups, Infrastructure, ServeOverrides } from './infrastructure.ts';

const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface WorkerParts {
  processing: ProcessingService;
  /** Starts taking jobs and the periodic sweeps; `extraSweeps` run with them (e.g. tus leftovers). */
  start(extraSweeps?: () => Promise<unknown>): Promise<void>;
}

/**
 * The worker role: runs processing and re-embedding jobs and the purge sweeps. Any number of
 * workers may share one database: pg-boss hands each job to one of them, and a job whose worker
 * vanished comes back after the visibility timeout. A cloud analyzer (Gemini / OpenAI-compatible)
 * plugs in where OfflineAnalyzer is chosen.
 */
export function buildWorker(infra: Infrastructure, overrides: ServeOverrides, cleanups: Cleanups): WorkerParts {
  const { config, database, queue, store, embedder, events, metrics, log, uploads } = infra;
  // The offline models (vision, OCR) start lazily in worker threads on the first file that needs them.
  let analyzer = overrides.analyzer;
  if (!analyzer) {
    const offline = createOfflineAnalyzer(log, { maxImagePixels: config.maxImagePixels });
    cleanups.add(() => offline.close());
    analyzer = offline.analyzer;
  }
  const processing = new ProcessingService({
    db: database.db, queue, store, analyzer, embedder, events, metrics, log,
    options: { timeoutMs: config.processingTimeoutMs, retryDelaysSec: config.retryDelaysSec, maxImagePixels: config.maxImagePixels, scratchDir: infra.tmpDir },
  });
  const reembed = new ReembedService({ db: database.db, queue, embedder, log });

  /** Every log line written while a job runs carries its ids and the request that caused it. */
  const handleProcess = (job: QueueJob<ProcessJobData>) => withLogContext(
    { requestId: job.data.requestId, uploadId: job.data.uploadId, jobId: job.data.jobId, queueJobId: job.id },
    async () => {
      const started = performance.now();
      log.info('job started');
      await processing.handle(job);
      log.info({ ms: Math.round(performance.now() - started) }, 'job handled');
    },
  );

  return {
    processing,
    async start(extraSweeps) {
      // Stopping the queue stops fetching at once; runs still going after the grace period are put
      // back by drain(), so the queue's own wait ends without failing them.
      cleanups.add(() => Promise.all([
        queue.stop({ graceful: true, timeoutMs: config.shutdownGraceMs + 5000 }),
        processing.drain(config.shutdownGraceMs),
      ]));
      // Only a process alone on its database knows that jobs marked `processing` are orphans; with
      // other workers they may be running right now, and the visibility timeout brings back the rest.
      if (infra.alone) {
        const recovered = await processing.recoverOrphans();
        if (recovered > 0) log.warn({ recovered }, 'requeued jobs interrupted by a previous crash');
      }
      await queue.work<ProcessJobData>(PROCESS_QUEUE, config.concurrency, handleProcess);
      await queue.work<ReembedJobData>(REEMBED_QUEUE, 1, (job) => reembed.handle(job));
      await reembed.enqueueStale();

      const purge = () => Promise.all([uploads.purgeDue(), uploads.sweepOrphans(), extraSweeps?.()])
        .catch((err: unknown) => log.warn({ err }, 'purge failed'));
      void purge();
      const purgeTimer = setInterval(() => void purge(), PURGE_EVERY_MS);
      purgeTimer.unref();
      cleanups.add(() => Promise.resolve(clearInterval(purgeTimer)));
    },
  };
}
