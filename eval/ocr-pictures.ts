/**
 * What the OCR scripts (ocr-words.ts, ocr-compare.ts) share: a split's pictures with their graded
 * content, whether a picture holds text, and tesseract read the way the server reads.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { prepareForOcr, longestSide } from './tesseract/prepare.ts';
import type { WorkerSlot } from './tesseract/worker.ts';
import { keepConfidentText, type OcrBlock } from '../server/analysis/ocr/words.ts';
import { CORPUS_DIR, type CorpusFile } from './lib.ts';
import { WIDE_DIR, WIDE_MANIFEST, type WideManifest } from './wide-build.ts';
import type { Split } from './wide-spec.ts';

/** A picture holds text when its graded content says so: a quotation, or a screenshot, page, note, logo, sign, chart… */
export const HAS_TEXT = /'|screenshot|page|note|logo|sign\b|chart|plot|label|diagram|flowchart|histogram|panel|game screen|stamp reading/i;

export interface Picture { file: string; abs: string; content: string }

/** The split's images (dev also holds the 62-file corpus's). */
export async function pictures(split: Split): Promise<Picture[]> {
  const wide = JSON.parse(await fs.readFile(WIDE_MANIFEST, 'utf8')) as WideManifest;
  const list = wide.files.filter((f) => f.split === split && f.type === 'image').map((f) => ({ file: f.file, abs: path.join(WIDE_DIR, f.file), content: f.content }));
  if (split !== 'dev') return list;
  const corpus = JSON.parse(await fs.readFile(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusFile[];
  return [...corpus.filter((f) => f.type === 'image').map((f) => ({ file: f.file, abs: path.join(CORPUS_DIR, f.file), content: f.content })), ...list];
}

/** The blocks tesseract returns for a picture, read the way TesseractRecognizer reads it (a probe at 1000 px first on large pictures). */
export async function readWithTesseract(slot: WorkerSlot, abs: string, minConfidence: number): Promise<OcrBlock[]> {
  const longest = await longestSide(abs, 268_402_689);
  const side = Math.round(longest < 1000 ? Math.min(longest * 3, 1000) : Math.min(longest, 2400));
  if (side > 1500) {
    const probe = await slot.recognize(await prepareForOcr(abs, 1000, 268_402_689));
    if (keepConfidentText(probe, minConfidence).words === 0) return probe;
  }
  return slot.recognize(await prepareForOcr(abs, side, 268_402_689));
}
