import { DEFAULT_MAX_IMAGE_PIXELS } from '../../../shared/node/media/image.ts';
import type { Logger } from '../../logger.ts';
import type { TextRecognizer } from '../types.ts';
import { Pool } from './pool.ts';
import { longestSide, prepareForOcr } from './prepare.ts';
import { LanguageFilter, englishWords } from './language.ts';
import { WorkerSlot, type EngineFiles } from './tesseract-worker.ts';
import { keepConfidentText, type OcrBlock } from './words.ts';

export interface TesseractOptions {
  /** Worker threads, each ~0.3–1 s to start (paid on first use) and ~100 MB; default 1. */
  workers?: number;
  /** Words below this tesseract confidence (0–100) are dropped; default 70. See words.ts. */
  minWordConfidence?: number;
  /**
   * Keep a picture's words only when they look like language (language.ts): no more "J" or "ANN"
   * read from a photo without text. Default true; false keeps every confident word.
   */
  languageFilter?: boolean;
  /** Longest side tesseract reads; bigger images are shrunk (default 2400: a page at ~250 dpi). */
  maxSide?: number;
  /** Smaller images are enlarged to this longest side, at most 3× (default 1000): small glyphs get lost. */
  minSide?: number;
  /**
   * Images bigger than 1.5× this are first read at this size (default 1000; 0 turns it off), and only
   * read at full size when that finds a word. A 1280-px photo without text took ~4 s at full size and
   * ~0.6 s at 800 px; text images pay ~30 % more. Text too small to read at the probe size is missed.
   */
  probeSide?: number;
  /** Decoding limit in pixels (default: the server's image limit). */
  maxPixels?: number;
  /** A worker idle this long is stopped, freeing its model (the next image starts it again); 0 or absent: never. */
  idleMs?: number;
  /** Told the number of workers loaded whenever it changes. */
  onWorkersChanged?: (loaded: number) => void;
}

export interface OcrStats {
  /** Start-up time of each worker started so far. */
  workerStartMs: number[];
  images: number;
  /** Images whose probe found no text, so they were not read at full size. */
  skipped: number;
  /** Mean wall time per image, including waiting for a worker and pre-processing. */
  meanImageMs: number;
  /** Workers running now (started on first use, stopped after the idle period). */
  loaded: number;
}

/**
 * OCR with tesseract.js (English, LSTM "best_int" model from @tesseract.js-data/eng; nothing is
 * downloaded). Recognition runs in worker threads, so the event loop stays free; each image is
 * pre-processed with sharp first (prepare.ts), low-confidence words are dropped (words.ts) and so is
 * what does not look like language (language.ts).
 *
 * `confidence` in the result is the mean of the kept words' confidences on a 0..1 scale (tesseract
 * reports 0–100), 0 when no text was found.
 */
export class TesseractRecognizer implements TextRecognizer {
  readonly model = 'tesseract-eng-lstm';

  private readonly slots: WorkerSlot[];
  private readonly pool: Pool<WorkerSlot>;
  private readonly minWordConfidence: number;
  private readonly filterLanguage: boolean;
  /** Built on first use: the dictionary costs ~15 ms and a few MB, not worth paying at start-up. */
  private language: LanguageFilter | undefined;
  private readonly maxSide: number;
  private readonly minSide: number;
  private readonly probeSide: number;
  private readonly maxPixels: number;
  private images = 0;
  private skipped = 0;
  private totalMs = 0;
  private warned = false;
  private loaded = 0;

  constructor(files: EngineFiles, options: TesseractOptions = {}, private readonly log?: Logger) {
    const count = Math.max(1, Math.floor(options.workers ?? 1));
    const onLoaded = (up: boolean) => {
      this.loaded += up ? 1 : -1;
      options.onWorkersChanged?.(this.loaded);
    };
    this.slots = Array.from({ length: count }, () => new WorkerSlot(files, { idleMs: options.idleMs ?? 0, onLoaded }));
    this.pool = new Pool(this.slots);
    this.minWordConfidence = options.minWordConfidence ?? 70;
    this.filterLanguage = options.languageFilter ?? true;
    this.maxSide = options.maxSide ?? 2400;
    this.minSide = options.minSide ?? 1000;
    this.probeSide = options.probeSide ?? 1000;
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  }

  get stats(): OcrStats {
    return {
      workerStartMs: this.slots.flatMap((s) => (s.startMs === undefined ? [] : [s.startMs])),
      images: this.images,
      skipped: this.skipped,
      meanImageMs: this.images ? Math.round(this.totalMs / this.images) : 0,
      loaded: this.loaded,
    };
  }

  async recognize(imagePath: string, signal?: AbortSignal): Promise<{ text: string; confidence: number }> {
    const started = Date.now();
    const longest = await longestSide(imagePath, this.maxPixels);
    const side = Math.round(longest < this.minSide ? Math.min(longest * 3, this.minSide) : Math.min(longest, this.maxSide));
    let blocks: OcrBlock[] | undefined;
    if (this.probeSide > 0 && side > this.probeSide * 1.5) {
      // Any confident word, junk or not, earns the full-size read: small text often reads as junk at probe size.
      const probe = await this.read(imagePath, this.probeSide, signal);
      if (keepConfidentText(probe, this.minWordConfidence).words === 0) {
        this.skipped++;
        blocks = probe;
      }
    }
    blocks ??= await this.read(imagePath, side, signal);
    if (this.filterLanguage) this.language ??= new LanguageFilter(englishWords());
    const result = keepConfidentText(blocks, this.minWordConfidence, this.language);
    this.images++;
    this.totalMs += Date.now() - started;
    return { text: result.text, confidence: result.confidence };
  }

  private async read(imagePath: string, side: number, signal: AbortSignal | undefined): Promise<OcrBlock[]> {
    // Pre-processing runs on libvips's threads outside the pool, so it overlaps with recognition.
    const png = await prepareForOcr(imagePath, side, this.maxPixels, signal);
    return this.pool.use((slot) => slot.recognize(png), signal).catch((err: unknown) => {
      this.warnOnce(err);
      throw err;
    });
  }

  /** Fails queued calls, lets running ones finish, and stops the worker threads. */
  async close(): Promise<void> {
    await this.pool.close();
    await Promise.all(this.slots.map((s) => s.close()));
  }

  private warnOnce(err: unknown): void {
    const code = (err as { code?: unknown } | undefined)?.code;
    if (this.warned || code === 'PROCESSING_TIMEOUT' || code === 'SERVICE_UNAVAILABLE') return;
    this.warned = true;
    this.log?.warn({ err }, 'OCR failed; images are indexed without their text where it fails again (logged once)');
  }
}
