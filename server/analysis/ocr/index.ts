import type { TesseractOptions } from './tesseract-recognizer.ts';

export { TesseractRecognizer, type OcrStats, type TesseractOptions } from './tesseract-recognizer.ts';
export { keepConfidentText, type ConfidentText, type OcrBlock } from './words.ts';

export interface TextRecognizerOptions extends TesseractOptions {
  /** Scratch folder for tesseract.js (default: a folder in the OS temp dir). */
  cacheDir?: string;
}
