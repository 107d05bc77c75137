// Builds the offline analyzer with every model this machine has, for the composition root. Models
// start lazily (on the first file), so a server that never indexes a picture never loads them.
import type { Logger } from '../../logger.ts';
import { OfflineAnalyzer } from '../offline-analyzer.ts';
import { createTextRecognizer } from '../ocr/index.ts';
import { createSpeechRecognizer } from '../speech/index.ts';
import { createVisionAnalyzers, sceneCues } from '../vision/index.ts';

export interface OfflineAnalyzerOptions {
  /** Vision and OCR worker threads each; the job concurrency decides how many files run at once. */
  workers?: number;
  maxImagePixels?: number;
}

export function createOfflineAnalyzer(log: Logger, options: OfflineAnalyzerOptions = {}): { analyzer: OfflineAnalyzer; close(): Promise<void> } {
  const vision = createVisionAnalyzers(log, { workers: options.workers ?? 1 });
  const ocr = createTextRecognizer({ workers: options.workers ?? 1, ...(options.maxImagePixels ? { maxPixels: options.maxImagePixels } : {}) }, log) ?? undefined;
  const speech = createSpeechRecognizer(log);
  const analyzer = new OfflineAnalyzer({ detector: vision.detector, nsfw: vision.nsfw, ocr, speech, sceneCues, log });
  return {
    analyzer,
    async close() {
      await Promise.allSettled([vision.close(), ocr?.close(), speech.close()]);
    },
  };
}
