import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../logger.ts';
import type { TextRecognizer } from '../types.ts';
import { TesseractRecognizer, type TesseractOptions } from './tesseract-recognizer.ts';

export { TesseractRecognizer, type OcrStats, type TesseractOptions } from './tesseract-recognizer.ts';
export { keepConfidentText, type ConfidentText, type OcrBlock } from './words.ts';

export interface TextRecognizerOptions extends TesseractOptions {
  /** Scratch folder for tesseract.js (default: a folder in the OS temp dir). */
  cacheDir?: string;
}

const require = createRequire(import.meta.url);

/**
 * The OCR adapter, or null (with one warning) when tesseract.js or its English model is not
 * installed: images are then indexed without their text. Nothing starts until the first image.
 */
export function createTextRecognizer(options: TextRecognizerOptions, log: Logger): TextRecognizer | null {
  let langPath: string;
  try {
    require.resolve('tesseract.js');
    // The package's own index points at the larger legacy+LSTM model; the LSTM-only "best_int" one
    // next to it reads as well here, loads in half the time, and is what tesseract.js picks for LSTM.
    langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
    if (!existsSync(path.join(langPath, 'eng.traineddata.gz'))) throw new Error(`no eng.traineddata.gz in ${langPath}`);
  } catch (err) {
    log.warn({ err }, 'OCR is off: tesseract.js or @tesseract.js-data/eng is not installed; text in images and scans will not be found');
    return null;
  }
  const cachePath = options.cacheDir ?? path.join(os.tmpdir(), 'trove-tesseract');
  mkdirSync(cachePath, { recursive: true });
  return new TesseractRecognizer({ langPath, cachePath }, options, log);
}
