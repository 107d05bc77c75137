/**
 * The order the worker runs: the real media pipeline, the real offline analysis WITH its models
 * (centernet objects, PaddleOCR), then the cloud model grounded in it. Asserts that what the
 * local models found reaches the prompt the (fake) provider received, and is stored whatever the
 * model answers.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiAnalyzer, OpenAIChatAnalyzer } from '../../server/analysis/cloud/index.ts';
import { createOfflineAnalyzer } from '../../server/composition/offline-models.ts';
import type { Logger } from '../../server/logger.ts';
import { startFakeGemini, type FakeGemini } from '../fakes/gemini-server.ts';
import { startFakeOpenAI, type FakeOpenAI } from '../fakes/openai-server.ts';
import { prepare, type Prepared } from './cloud-inputs.ts';

const noop = () => undefined;
const log: Logger = { info: noop, debug: noop, error: noop, warn: noop };
const offline = createOfflineAnalyzer(log);
const fixture = (f: string) => path.resolve(import.meta.dirname, '../fixtures/images', f);
const corpus = (f: string) => path.resolve(import.meta.dirname, '../../eval/corpus', f);

let gemini: FakeGemini;
let openai: FakeOpenAI;
let dir: string;
let party: Prepared;
let scan: Prepared;

beforeAll(async () => {
  [gemini, openai] = await Promise.all([startFakeGemini({ processingPolls: 0 }), startFakeOpenAI()]);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-grounded-'));
  // A real group photo (about 15 people) with the date and camera a phone writes.
  const photo = await sharp(fixture('people-group.jpg')).withExif({
    IFD0: { Make: 'Google', Model: 'Pixel 7' }, IFD2: { DateTimeOriginal: '2023:12:31 23:15:00' },
  }).jpeg().toBuffer();
  party = await prepare(dir, photo, { filename: 'IMG_20231231.jpg', mimeType: 'image/jpeg', fileType: 'image' }, offline.analyzer);
  // A scan-only PDF (no text layer): four photographed book pages.
  const pdf = await PDFDocument.create();
  const page = await pdf.embedJpg(await fs.readFile(corpus('file012.jpg')));
  for (let i = 0; i < 4; i++) pdf.addPage([page.width, page.height]).drawImage(page, { x: 0, y: 0, width: page.width, height: page.height });
  scan = await prepare(dir, Buffer.from(await pdf.save()), { filename: 'scan.pdf', mimeType: 'application/pdf', fileType: 'document' }, offline.analyzer);
}, 300_000);

afterAll(async () => {
  await Promise.all([gemini?.close(), openai?.close(), offline.close()]);
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const geminiPrompt = (i: number): string => {
  const body = gemini.generateCalls()[i]!.body as { contents: { parts: { text?: string }[] }[] };
  return body.contents[0]!.parts.map((p) => p.text ?? '').join('\n');
};
const inlinePictures = (i: number): number =>
  (gemini.generateCalls()[i]!.body as { contents: { parts: { inlineData?: unknown }[] }[] }).contents[0]!.parts.filter((p) => p.inlineData).length;

describe('cloud analysis grounded in the offline models', () => {
  it('puts the detected people (counted) and the EXIF date into the prompts of both providers', async () => {
    expect(party.grounding.metadata?.objects).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'person', count: expect.any(Number) })]));
    const g = new GeminiAnalyzer({
      apiKey: gemini.apiKey, baseUrl: gemini.url, model: 'gemini-2.5-flash', contentModeration: true,
      wholeVideoMaxBytes: 50 * 1024 * 1024, promptTextMaxTokens: 8000,
    });
    const outcome = await g.describe(party.input, party.grounding);
    const prompt = geminiPrompt(0);
    expect(prompt).toMatch(/- Objects found by a detector: .*\b\d+ × person/);
    expect(prompt).toContain('- Date taken: 31 December 2023, 23:15');
    expect(prompt).toContain('- Camera: Google Pixel 7');
    expect(outcome.kind).toBe('described');
    if (outcome.kind === 'described') {
      expect(outcome.analysis.summary).toMatch(/× person.*dated 31 December 2023, 23:15/);
      expect(outcome.analysis.metadata?.objects).toEqual(party.grounding.metadata?.objects);
    }

    const chat = new OpenAIChatAnalyzer({ apiKey: openai.apiKey, baseUrl: openai.url, model: 'gpt-4o-mini', contentModeration: false, promptTextMaxTokens: 8000 });
    await chat.describe(party.input, party.grounding);
    const messages = (openai.chatCalls()[0]!.body as { messages: { content: unknown }[] }).messages;
    expect(JSON.stringify(messages[1]!.content)).toMatch(/Date taken: 31 December 2023, 23:15.*\d+ × person/);
  });

  it('sends a scanned document as its OCR text plus only its first pages, and stores the OCR text', async () => {
    expect(scan.input.metadata.scanned).toBe(true);
    expect(scan.input.imagePaths).toHaveLength(4);
    expect(scan.grounding.extractedText.toLowerCase()).toContain('segmentation');
    const g = new GeminiAnalyzer({
      apiKey: gemini.apiKey, baseUrl: gemini.url, model: 'gemini-2.5-flash', contentModeration: false,
      wholeVideoMaxBytes: 50 * 1024 * 1024, promptTextMaxTokens: 8000,
    });
    const outcome = await g.describe(scan.input, scan.grounding);
    const i = gemini.generateCalls().length - 1;
    expect(inlinePictures(i)).toBe(3);
    expect(geminiPrompt(i)).toContain('Attached: the first 3 of its 4 scanned pages.');
    expect(geminiPrompt(i)).toMatch(/Document text \(read by OCR from its scanned pages; may misread words\) \(\d+ characters\):\n<<<\n[\s\S]*segmentation/i);
    expect(outcome.kind).toBe('described');
    if (outcome.kind === 'described') {
      expect(outcome.analysis.summary).toMatch(/mentioning .*segmentation/i);
      expect(outcome.analysis.extractedText.toLowerCase()).toContain('segmentation');
    }
  });
});
