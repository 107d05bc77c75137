/**
 * tesseract.js as the server ran it until PaddleOCR replaced it (issue 11, item 5): kept only as the
 * baseline eval/ocr-compare.ts and eval/ocr-words.ts measure against. tesseract.js is a devDependency.
 */
import type { Worker as Thread } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { TroveError } from '../../shared/api/errors.ts';
import { IdleRelease } from '../../server/analysis/idle-release.ts';
import type { OcrBlock } from '../../server/analysis/ocr/words.ts';

export interface EngineFiles {
  /** Folder holding `eng.traineddata.gz`, inside node_modules. */
  langPath: string;
  /** Never read or written (see below); set so tesseract.js cannot fall back to the working directory. */
  cachePath: string;
}

export interface WorkerSlotOptions {
  /** The worker is stopped after this long without work (started again when needed); 0: never. */
  idleMs?: number;
  /** Told whenever this slot's worker starts (true) or stops (false). */
  onLoaded?: (loaded: boolean) => void;
}

/**
 * One tesseract.js worker thread, started on first use and started again after it dies, so one
 * crashed recognition (e.g. wasm out of memory) costs one file, not the rest of the process's OCR.
 * After the idle period it is stopped, freeing its ~100 MB, and started again by the next image.
 */
export class WorkerSlot {
  private current: Promise<LiveWorker> | undefined;
  private readonly idle: IdleRelease;
  private loaded = false;
  /** Time the last start took, for the stats. */
  startMs: number | undefined;

  constructor(private readonly files: EngineFiles, private readonly options: WorkerSlotOptions = {}) {
    this.idle = new IdleRelease(options.idleMs ?? 0, () => void this.close());
  }

  async recognize(png: Buffer): Promise<OcrBlock[]> {
    // The pool gives a slot one job at a time, so between busy() and idle() nothing else runs here.
    this.idle.busy();
    try {
      return await this.recognizeNow(png);
    } finally {
      this.idle.idle();
    }
  }

  private async recognizeNow(png: Buffer): Promise<OcrBlock[]> {
    this.current ??= this.start().catch((err: unknown) => {
      this.current = undefined;
      throw err;
    });
    const live = await this.current;
    try {
      const result = await Promise.race([live.worker.recognize(png, {}, { text: false, blocks: true }), live.died]);
      return result.data.blocks ?? [];
    } catch (err) {
      if (live.dead) {
        this.current = undefined;
        this.setLoaded(false);
      }
      throw err instanceof TroveError ? err : new TroveError('PROCESSING_FAILED', 'Text recognition failed on this image.', { reason: String(err) }, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.idle.busy();
    const current = this.current;
    this.current = undefined;
    const live = await current?.catch(() => undefined);
    if (!live) return;
    this.setLoaded(false);
    await live.worker.terminate();
  }

  private setLoaded(loaded: boolean): void {
    if (loaded === this.loaded) return;
    this.loaded = loaded;
    this.options.onLoaded?.(loaded);
  }

  private async start(): Promise<LiveWorker> {
    const started = Date.now();
    const worker = await Tesseract.createWorker('eng', Tesseract.OEM.LSTM_ONLY, {
      langPath: this.files.langPath,
      gzip: true,
      cachePath: this.files.cachePath,
      // The cache would save only a ~30 ms gunzip, and tesseract.js writes it non-atomically: workers
      // starting together would race on the same file and a later start could read half of it.
      cacheMethod: 'none',
      // Without a handler tesseract.js rethrows a failed job inside a message listener, which would
      // be an uncaught exception that ends the server; the job's own promise still rejects.
      errorHandler: () => undefined,
    });
    this.startMs = Date.now() - started;
    this.setLoaded(true);
    return watch(worker);
  }
}

interface LiveWorker {
  worker: Tesseract.Worker;
  /** Rejects when the thread dies; raced with every job because tesseract.js would leave it pending. */
  died: Promise<never>;
  dead: boolean;
}

function watch(worker: Tesseract.Worker): LiveWorker {
  // tesseract.js exposes the thread but types it loosely; it only sets a browser-style onerror on it,
  // which worker_threads ignores, so an error event with no listener would crash the process.
  const thread = (worker as unknown as { worker: Thread }).worker;
  const live: LiveWorker = { worker, dead: false, died: Promise.resolve() as never };
  live.died = new Promise<never>((_, reject) => {
    const die = (reason: string) => (err?: unknown) => {
      live.dead = true;
      reject(new TroveError('PROCESSING_FAILED', 'The text recognition worker stopped.', { reason, error: String(err) }));
    };
    thread.once('error', die('error'));
    thread.once('exit', die('exit'));
  });
  live.died.catch(() => undefined); // observed through the race; never an unhandled rejection
  return live;
}
