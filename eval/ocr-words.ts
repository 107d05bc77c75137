/**
 * OCR precision on the pictures of one eval split: what tesseract keeps from photos without text
 * (junk) and from pictures with text, with the confidence filter alone (before) and with the
 * language filter too (after; server/analysis/ocr/language.ts). Tune the filter on dev only.
 *
 *   npx tsx eval/ocr-words.ts --split dev [--min-confidence 70 --min-words 2 --min-ratio 0.5 --lone 4 --phrase 3] [--verbose]
 *
 * Tesseract reads each picture once, as the server does (a probe at 1000 px, then full size when the
 * probe finds a word); the words it returns are cached in node_modules/.cache/trove-eval, so trying
 * other thresholds costs nothing. Whether a picture holds text is taken from its graded content: a
 * quotation, or a screenshot, page, note, logo, sign, chart, plot, label or diagram.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { WorkerSlot } from './tesseract/worker.ts';
import { keepConfidentText, type OcrBlock } from '../server/analysis/ocr/words.ts';
import { DEFAULT_LANGUAGE_OPTIONS, LanguageFilter, englishWords, type LanguageOptions } from '../server/analysis/ocr/language.ts';
import { HAS_TEXT, pictures, readWithTesseract } from './ocr-pictures.ts';
import { CACHE_DIR } from './wide-build.ts';
import type { Split } from './wide-spec.ts';

const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const SPLIT = (arg('--split') ?? 'dev') as Split;
const MIN_CONFIDENCE = Number(arg('--min-confidence') ?? 70);
const options: LanguageOptions = {
  minWords: Number(arg('--min-words') ?? DEFAULT_LANGUAGE_OPTIONS.minWords),
  minRatio: Number(arg('--min-ratio') ?? DEFAULT_LANGUAGE_OPTIONS.minRatio),
  minLoneWordLength: Number(arg('--lone') ?? DEFAULT_LANGUAGE_OPTIONS.minLoneWordLength),
  minPhraseWords: Number(arg('--phrase') ?? DEFAULT_LANGUAGE_OPTIONS.minPhraseWords),
};




async function main(): Promise<void> {
  const cacheFile = path.join(CACHE_DIR, `ocr-blocks-${SPLIT}.json`);
  const cache = JSON.parse(await fs.readFile(cacheFile, 'utf8').catch(() => '{}')) as Record<string, OcrBlock[]>;
  const require = createRequire(import.meta.url);
  const langPath = path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
  const slot = new WorkerSlot({ langPath, cachePath: path.join(os.tmpdir(), 'trove-tesseract') });
  const filter = new LanguageFilter(englishWords(), options);
  const totals = { textFree: 0, text: 0, junkBefore: 0, junkAfter: 0, textBefore: 0, textAfter: 0, quoted: 0, quotedBefore: 0, quotedAfter: 0, dirtyBefore: 0, dirtyAfter: 0 };
  try {
    for (const p of await pictures(SPLIT)) {
      cache[p.file] ??= await readWithTesseract(slot, p.abs, MIN_CONFIDENCE);
      const before = keepConfidentText(cache[p.file]!, MIN_CONFIDENCE);
      const after = keepConfidentText(cache[p.file]!, MIN_CONFIDENCE, filter);
      const hasText = HAS_TEXT.test(p.content);
      const words = (t: string) => t.split(/\s+/).filter(Boolean);
      if (hasText) {
        totals.text++;
        totals.textBefore += before.words;
        totals.textAfter += after.words;
        // Words quoted in the content are the text the picture shows: how many of them OCR keeps.
        const quoted = [...p.content.matchAll(/'([^']+)'/g)].flatMap((m) => words(m[1]!.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ')));
        const found = (t: string) => new Set(words(t.toLowerCase().replace(/[^\p{L}\p{N}\s]/gu, ' ')));
        totals.quoted += quoted.length;
        totals.quotedBefore += quoted.filter((w) => found(before.text).has(w)).length;
        totals.quotedAfter += quoted.filter((w) => found(after.text).has(w)).length;
      } else {
        totals.textFree++;
        totals.junkBefore += before.words;
        totals.junkAfter += after.words;
        if (before.words) totals.dirtyBefore++;
        if (after.words) totals.dirtyAfter++;
      }
      if (process.argv.includes('--verbose') && (before.words || after.words)) {
        process.stdout.write(`${p.file} ${hasText ? 'TEXT' : 'none'} | ${before.text.replace(/\n/g, ' / ').slice(0, 120)} || ${after.text.replace(/\n/g, ' / ').slice(0, 120)}\n`);
      }
    }
  } finally {
    await slot.close();
    await fs.writeFile(cacheFile, JSON.stringify(cache));
  }
  const t = totals;
  process.stdout.write([
    `${SPLIT}: ${t.textFree} pictures without text, ${t.text} with text; filter ${JSON.stringify(options)}`,
    `  without text: words kept ${t.junkBefore} → ${t.junkAfter}; pictures with any word ${t.dirtyBefore} → ${t.dirtyAfter}`,
    `  with text:    words kept ${t.textBefore} → ${t.textAfter}; quoted words found ${t.quotedBefore} → ${t.quotedAfter} of ${t.quoted}`,
    '',
  ].join('\n'));
}

await main();
