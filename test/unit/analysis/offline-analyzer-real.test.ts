/**
 * The offline analyzer with the real models (centernet + nsfwjs in the vision worker, PaddleOCR,
 * colour cues) on real pictures from the eval corpus: a photo of a person yields "person", a
 * photographed book page yields its words, and a scan-only PDF page is read through OCR.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOfflineAnalyzer } from '../../../server/composition/offline-models.ts';
import type { Logger } from '../../../server/logger.ts';

const corpus = (f: string) => path.resolve(import.meta.dirname, '../../../eval/corpus', f);
const warnings: string[] = [];
const noop = () => undefined;
const log: Logger = { info: noop, debug: noop, error: noop, warn: (_o: object | string, msg?: string) => void warnings.push(msg ?? '') };
const offline = createOfflineAnalyzer(log);
const { analyzer } = offline;

afterAll(() => offline.close());

describe('OfflineAnalyzer with the real models', () => {
  it('finds the person in a portrait photo, its colours, and no NSFW flag', async () => {
    const a = await analyzer.analyze({
      fileType: 'image', filename: 'file001.jpg', mimeType: 'image/jpeg', imagePaths: [corpus('file001.jpg')], metadata: { width: 512, height: 512 },
    });
    expect(a.summary).toMatch(/Shows (a|an) [a-z ,]*person/);
    expect(a.tags).toContain('person');
    expect(a.metadata?.objects).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'person', score: expect.any(Number) })]));
    expect(a.metadata?.nsfw).toEqual({ flagged: false, score: expect.any(Number), drawing: expect.any(Number) });
    expect((a.metadata?.colours as string[]).length).toBeGreaterThan(0);
    expect(warnings).toEqual([]);
  }, 180_000);

  it('reads the words on a photographed book page', async () => {
    const a = await analyzer.analyze({
      fileType: 'image', filename: 'file012.jpg', mimeType: 'image/jpeg', imagePaths: [corpus('file012.jpg')], metadata: { width: 384, height: 192 },
    });
    expect(a.extractedText.toLowerCase()).toContain('segmentation');
    expect(a.summary).toMatch(/Text: '.*segmentation/i);
    expect(a.metadata?.ocr).toEqual({ confidence: expect.any(Number), characters: expect.any(Number) });
  }, 180_000);

  it('reads a scanned document page through OCR when the PDF has no text layer', async () => {
    const a = await analyzer.analyze({
      fileType: 'document', filename: 'file061.pdf', mimeType: 'application/pdf', text: '',
      metadata: { pageCount: 1, scanned: true }, imagePaths: [corpus('file012.jpg')],
    });
    expect(a.summary).toMatch(/Scanned; its text \(read by OCR\) begins: '.*segmentation/i);
    expect(a.extractedText.toLowerCase()).toContain('markers of the coins');
  }, 180_000);
});
