import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LANGUAGE_OPTIONS, LanguageFilter, englishWords, type OcrWord } from '../../../../server/analysis/ocr/language.ts';
import type { PaddleRecognizer } from '../../../../server/analysis/ocr/index.ts';
import { createTextRecognizer } from '../../../../server/composition/offline-models.ts';
import type { Logger } from '../../../../server/logger.ts';
import { words } from './text-image.ts';

const log: Logger = { info() {}, debug() {}, error() {}, warn() {} };
const corpus = (f: string) => path.resolve(import.meta.dirname, '../../../../eval/corpus', f);
const read = (...tokens: (string | [string, number])[]): OcrWord[] =>
  tokens.map((t) => (typeof t === 'string' ? { text: t, confidence: 80 } : { text: t[0], confidence: t[1] }));

describe('LanguageFilter', () => {
  const filter = new LanguageFilter(englishWords(), DEFAULT_LANGUAGE_OPTIONS);
  const kept = (ws: OcrWord[]) => filter.keep(ws).map((w) => w.text);

  it('drops what tesseract read from eval photos without text (confidence ≥ 70 each)', () => {
    // Each list is the whole confident output for one picture of the dev split (eval/ocr-words.ts --verbose).
    expect(kept(read('74'))).toEqual([]); // a cup of coffee
    expect(kept(read('WA'))).toEqual([]); // grass
    expect(kept(read('rd'))).toEqual([]); // a seahorse
    expect(kept(read('of'))).toEqual([]); // a drum kit
    expect(kept(read('A'))).toEqual([]); // a palm tree
    expect(kept(read('of', 'Ve'))).toEqual([]); // a fireman
    expect(kept(read('AN', '1'))).toEqual([]); // a green leaf
    // The examples: a tabby cat and a painting.
    expect(kept(read('J'))).toEqual([]);
    expect(kept(read('ANN'))).toEqual([]);
  });

  it('keeps real text, including short handwritten phrases and lone sign words', () => {
    expect(kept(read('These', 'markers', 'are', 'pixels', 'that', 'we', 'can', 'label'))).toEqual(['These', 'markers', 'are', 'pixels', 'that', 'we', 'can', 'label']);
    expect(kept(read('OF', 'BE', 'MADE', 'TO'))).toEqual(['OF', 'BE', 'MADE', 'TO']); // a handwritten note
    expect(kept(read('ERROR', 'IN', 'YOUR'))).toEqual(['ERROR', 'IN', 'YOUR']);
    expect(kept(read(['SAMPLE', 93]))).toEqual(['SAMPLE']); // a rubber stamp
    expect(kept(read(['STOP', 91]))).toEqual(['STOP']);
    // A lone dictionary word read with less certainty, or too short, is not enough.
    expect(kept(read(['SAMPLE', 75]))).toEqual([]);
    expect(kept(read(['THE', 95]))).toEqual([]);
  });

  it('keeps numbers and names inside text, and drops junk tokens among real words', () => {
    expect(kept(read('Invoice', '2024-118', 'Harbour', 'Freight', 'for', 'Trove'))).toEqual(['Invoice', '2024-118', 'Harbour', 'Freight', 'for', 'Trove']);
    expect(kept(read('Tesseract', 'reads', 'printed', 'text', 'EY', '|', 'aaa'))).toEqual(['Tesseract', 'reads', 'printed', 'text']);
    expect(kept(read('markers,', '(coins)', "object's", 'well-known'))).toEqual(['markers,', '(coins)', "object's", 'well-known']);
  });

  it('counts code identifiers as names: a screenshot of an API page is text (the dev corpus\'s file023)', () => {
    const page = read('Constructors', 'constructor', 'Properties', 'config', 'draw', 'events', 'faceTriangulation', 'faceUVMap', 'getElementById', 'webcam');
    expect(kept(page)).toEqual(page.map((w) => w.text));
    expect(kept(read('aB', 'xY', 'EY'))).toEqual([]); // short mixed case is still junk
  });

  it('needs enough of the text to be words', () => {
    // Two dictionary words among six junk tokens: a textured photo, not a page.
    expect(kept(read('the', 'wall', 'Xq', 'zzv', 'EY', 'Rr', 'kk', 'Ww'))).toEqual([]);
  });
});

describe('PaddleRecognizer with and without the language filter (real OCR)', () => {
  let dir: string;
  let filtered: PaddleRecognizer;
  let unfiltered: PaddleRecognizer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-ocr-language-'));
    filtered = createTextRecognizer({}, log)!;
    unfiltered = createTextRecognizer({ languageFilter: false }, log)!;
  });
  afterAll(async () => {
    await filtered?.close();
    await unfiltered?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a photo of grass: nothing, with or without the filter (PaddleOCR finds no text region in it)', async () => {
    // Tesseract read "WA" here, which only the filter kept out; the filter stays as the safety net.
    expect(await unfiltered.recognize(corpus('file015.jpg'))).toEqual({ text: '', confidence: 0 });
    expect(await filtered.recognize(corpus('file015.jpg'))).toEqual({ text: '', confidence: 0 });
  }, 120_000);

  it('a photographed book page keeps its words', async () => {
    const raw = await unfiltered.recognize(corpus('file012.jpg'));
    const clean = await filtered.recognize(corpus('file012.jpg'));
    for (const w of ['segmentation', 'markers', 'coins', 'pixels', 'label']) expect(words(clean.text)).toContain(w);
    // Only the fragments cut at the photo's edges go ("ba", "unambiguou…").
    expect(words(clean.text).size).toBeGreaterThanOrEqual(words(raw.text).size * 0.85);
    expect(clean.confidence).toBeGreaterThan(0.8);
  }, 120_000);
});
