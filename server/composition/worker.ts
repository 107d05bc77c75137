import { createCloudAnalyzer } from './cloud-models.ts';
import { createOfflineAnalyzer } from './offline-models.ts';
import { withLogContext } from '../correlation.ts';
import type { QueueJob } from '../queue/job-queue.ts';
import { ALL_JOBS, JobName, type ProcessJobData } from '../queue/jobs.ts';
import { ProcessingService } from '../services/processing-service.ts';
import { ReanalysisService } from '../services/reanalysis-service.ts';
import { ReembedService } from '../services/reembed-service.ts';
import { Understanding } from '../services/understanding.ts';
import type { Cleanups, Infrastructure, ServeOverrides } from './infrastructure.ts';

const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface WorkerParts {
  processing: ProcessingService;
  /** Starts taking jobs and the periodic sweeps; `extraSweeps` run with them (e.g. tus leftovers). */
  start(extraSweeps?: () => Promise<unknown>): Promise<void>;
}

/**
 * The worker role: runs processing, re-analysis and re-embedding jobs and the purge and budget
 * sweeps. Any number of workers may share one database: pg-boss hands each job to one of them, and
 * a job whose worker vanished comes back after the visibility timeout. The configuration chooses
 * who describes files: Gemini (GEMINI_API_KEY), an OpenAI-compatible chat model
 * (OPENAI_ANALYSIS_MODEL), or the offline models alone; the offline models always run first.
 */
export async function buildWorker(infra: Infrastructure, overrides: ServeOverrides, cleanups: Cleanups): Promise<WorkerParts> {
  const { config, database, queue, store, embedder, localEmbedder, usage, events, metrics, log, uploads } = infra;
  // The offline models (vision, OCR) start lazily in worker threads on the first file that needs them.
  let offline = overrides.analyzer;
  if (!offline) {
    // Nothing is loaded until a file needs it; the gauge and counter show what loads and when it is released.
    const workers = { vision: 0, ocr: 0 };
    for (const model of ['vision', 'ocr'] as const) {
      metrics.modelWorkers.set({ model }, 0);
      metrics.modelWorkerStarts.inc({ model }, 0);
    }
    const built = createOfflineAnalyzer(log, {
      // One vision and one OCR thread per processing slot, up to TROVE_MODEL_THREADS: with one, two
      // files in flight queued for the same model. onnxruntime's threads inside each OCR call share
      // TROVE_MODEL_THREADS between the slots: two files each reading with two on two cores only took turns.
      workers: Math.min(config.modelThreads, config.concurrency),
      ocrThreads: Math.max(1, Math.floor(config.modelThreads / config.concurrency)),
      maxImagePixels: config.maxImagePixels, idleMs: config.modelIdleMs,
      onWorkersChanged: (model, loaded) => {
        const before = workers[model];
        workers[model] = loaded;
        if (loaded > before) metrics.modelWorkerStarts.inc({ model }, loaded - before);
        metrics.modelWorkers.set({ model }, loaded);
        log.info({ model, loaded }, loaded > before ? 'model worker started' : 'model worker stopped');
      },
    });
    cleanups.add(() => built.close());
    offline = built.analyzer;
  }
  const cloud = await createCloudAnalyzer(config.cloud, config.ai, log);
  infra.composition.analyzer = cloud?.name ?? 'offline';
  const understanding = new Understanding({ offline, cloud, embedder, localEmbedder, usage, metrics, log });
  const processing = new ProcessingService({
    db: database.db, queue, store, understanding, usage, events, metrics, log,
    options: { timeoutMs: config.processingTimeoutMs, retryDelaysSec: config.retryDelaysSec, maxImagePixels: config.maxImagePixels, scratchDir: infra.tmpDir },
  });
  const reembed = new ReembedService({ db: database.db, queue, embedder, localEmbedder, log });
  const reanalysis = new ReanalysisService({
    db: database.db, queue, store, understanding, usage, events, log,
    options: {
      timeoutMs: config.processingTimeoutMs, maxImagePixels: config.maxImagePixels, scratchDir: infra.tmpDir,
      staleAfterMs: 2 * config.visibilityTimeoutSec * 1000,
    },
  });

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
      // Re-analyses stop at once: their files stay searchable and waiting, and the next sweep queues them again.
      cleanups.add(() => Promise.all([
        queue.stop({ graceful: true, timeoutMs: config.shutdownGraceMs + 5000 }),
        processing.drain(config.shutdownGraceMs),
        Promise.resolve(reanalysis.stop()),
      ]));
      // Only a process alone on its database knows that jobs marked `processing` are orphans; with
      // other workers they may be running right now, and the visibility timeout brings back the rest.
      if (infra.alone) {
        const recovered = await processing.recoverOrphans();
        if (recovered > 0) log.warn({ recovered }, 'requeued jobs interrupted by a previous crash');
      }
      await queue.work(JobName.Process, config.concurrency, handleProcess);
      await queue.work(JobName.Reembed, 1, (job) => reembed.handle(job));
      await queue.work(JobName.Reanalyze, 1, (job) => reanalysis.handle(job));
      await reembed.enqueueStale();

      const purge = () => Promise.all([uploads.purgeDue(), uploads.sweepOrphans(), extraSweeps?.()])
        .catch((err: unknown) => log.warn({ err }, 'purge failed'));
      void purge();
      const purgeTimer = setInterval(() => void purge(), PURGE_EVERY_MS);
      purgeTimer.unref();
      cleanups.add(() => Promise.resolve(clearInterval(purgeTimer)));
      // Queue depth for the "more than 1000 waiting" alert: sampled by every worker, the same number from each.
      const sampleDepth = () => Promise.all(ALL_JOBS.map(async (name) => metrics.queueDepth.set({ queue: name }, await queue.depth(name))))
        .catch((err: unknown) => log.debug({ err }, 'queue depth not sampled'));
      const depthTimer = setInterval(() => void sampleDepth(), config.queueMaintenanceSec * 1000);
      depthTimer.unref();
      cleanups.add(() => Promise.resolve(clearInterval(depthTimer)));
      // Files described offline for want of budget go back to the cloud model once there is budget.
      const sweepBudget = () => reanalysis.sweep().catch((err: unknown) => log.warn({ err }, 'budget sweep failed'));
      void sweepBudget();
      const budgetTimer = setInterval(() => void sweepBudget(), config.ai.budgetSweepSec * 1000);
      budgetTimer.unref();
      cleanups.add(() => Promise.resolve(clearInterval(budgetTimer)));
    },
  };
}
