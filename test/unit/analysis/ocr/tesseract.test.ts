import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TesseractRecognizer } from '../../../../server/analysis/ocr/index.ts';
import { createTextRecognizer } from '../../../../server/composition/offline-models.ts';
import type { Logger } from '../../../../server/logger.ts';
import { textImage, words } from './text-image.ts';

const warnings: unknown[] = [];
const log: Logger = { info() {}, debug() {}, error() {}, warn: (obj) => void warnings.push(obj) };

describe('TesseractRecognizer (tesseract.js, bundled English model)', () => {
  let dir: string;
  let ocr: TesseractRecognizer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-ocr-test-'));
    const made = createTextRecognizer({ workers: 1, cacheDir: path.join(dir, 'cache') }, log);
    expect(made).toBeInstanceOf(TesseractRecognizer);
    ocr = made as TesseractRecognizer;
  });
  afterAll(async () => {
    await ocr?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads the words of rendered text with high confidence', async () => {
    const file = path.join(dir, 'invoice.png');
    await fs.writeFile(file, await textImage(['Invoice 2024-118 Harbour Freight', 'Quarterly report for Trove'], { font: 'DejaVu Serif' }));
    const { text, confidence } = await ocr.recognize(file);
    for (const w of ['invoice', '2024-118', 'harbour', 'freight', 'quarterly', 'report', 'trove']) expect(words(text)).toContain(w);
    expect(confidence).toBeGreaterThan(0.85);
    expect(confidence).toBeLessThanOrEqual(1);
    console.log('OCR worker start ms', ocr.stats.workerStartMs, 'first image ms', ocr.stats.meanImageMs);
  });

  it('enlarges small text and flattens transparency onto white', async () => {
    // 12 px black text on a transparent background: unreadable as-is (alpha dropped → black on black).
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="260" height="24"><text x="4" y="16" font-family="DejaVu Sans" font-size="12">Parking permit valid until March</text></svg>`;
    const file = path.join(dir, 'small.png');
    await fs.writeFile(file, await sharp(Buffer.from(svg)).png().toBuffer());
    const { text } = await ocr.recognize(file);
    expect([...words(text)].filter((w) => ['parking', 'permit', 'valid', 'until', 'march'].includes(w)).length).toBeGreaterThanOrEqual(4);
  });

  it('finds little or no text in photos without text', async () => {
    // Real photos (people at a party, a portrait, a dinner) from the strip atop human's sample sheet.
    const sheet = fileURLToPath(new URL('../../../../node_modules/@vladmandic/human/assets/samples.jpg', import.meta.url));
    const file = path.join(dir, 'photos.jpg');
    await sharp(sheet).extract({ left: 0, top: 0, width: 540, height: 155 }).jpeg().toFile(file);
    const { text } = await ocr.recognize(file);
    expect(words(text).size).toBeLessThanOrEqual(2);
    // A big photo is first read small; finding nothing there, it is not read at full size.
    const big = path.join(dir, 'big.jpg');
    await sharp(sheet).extract({ left: 0, top: 0, width: 540, height: 155 }).resize(3000).jpeg().toFile(big);
    const skippedBefore = ocr.stats.skipped;
    expect(words((await ocr.recognize(big)).text).size).toBeLessThanOrEqual(2);
    expect(ocr.stats.skipped).toBe(skippedBefore + 1);
  });

  it('measures time per image', async () => {
    const files = await Promise.all(
      ['Meeting notes from the garden committee', 'Receipt total 42.50 paid by card', 'Chapter one: the lighthouse keeper'].map(async (line, i) => {
        const file = path.join(dir, `m${i}.png`);
        await fs.writeFile(file, await textImage([line, 'Second line of ordinary printed words']));
        return file;
      }),
    );
    const started = Date.now();
    const results = await Promise.all(files.map((f) => ocr.recognize(f)));
    const ms = (Date.now() - started) / files.length;
    expect(words(results[1]!.text)).toContain('receipt');
    console.log(`OCR ms per 1000-px text image (queued through 1 worker): ${Math.round(ms)}`);
  });

  it('drops a queued job on abort, and refuses work after close', async () => {
    const file = path.join(dir, 'invoice.png');
    const busy = ocr.recognize(file);
    const controller = new AbortController();
    const queued = ocr.recognize(file, controller.signal);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ code: 'PROCESSING_TIMEOUT' });
    await expect(busy).resolves.toMatchObject({ confidence: expect.any(Number) });

    const other = createTextRecognizer({ workers: 1, cacheDir: path.join(dir, 'cache') }, log)!;
    await other.close();
    await expect(other.recognize(file)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('rejects an unreadable image with CORRUPT_FILE', async () => {
    const file = path.join(dir, 'broken.png');
    await fs.writeFile(file, Buffer.from('not an image at all'));
    await expect(ocr.recognize(file)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });
  });
});
