import type { LanguageFilter } from './language.ts';

/** The part of tesseract.js's block output we read (blocks → paragraphs → lines → words). */
export interface OcrBlock {
  paragraphs: { lines: { words: { text: string; confidence: number }[] }[] }[];
}

export interface ConfidentText {
  text: string;
  /** Mean confidence of the kept words, 0..1; 0 when none were kept. */
  confidence: number;
  words: number;
}

/**
 * Keeps only words tesseract is sure of. On photos without text tesseract still "reads" edges and
 * textures as short junk tokens ("|", "EY", "\\", "4") with confidences spread over 0–90, while real
 * text in a clean image scores 90+. So a word must reach `minConfidence` and have at least two
 * letters or digits; a lone letter or digit (the "a" in a sentence) must be near-certain (≥ 90).
 * Junk still passes that at 70–90 ("J", "ANN"), so with a `language` filter the confident words of
 * the whole picture must also look like language (language.ts), or none are kept.
 */
export function keepConfidentText(blocks: readonly OcrBlock[], minConfidence: number, language?: LanguageFilter): ConfidentText {
  const confident: { text: string; confidence: number; line: number }[] = [];
  let lineNo = 0;
  for (const block of blocks) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        for (const w of line.words) if (isConfident(w.text, w.confidence, minConfidence)) confident.push({ ...w, line: lineNo });
        lineNo++;
      }
    }
  }
  const kept = language ? language.keep(confident) : confident;
  const lines = new Map<number, string[]>();
  for (const w of kept) lines.set(w.line, [...(lines.get(w.line) ?? []), w.text]);
  const sum = kept.reduce((total, w) => total + w.confidence, 0);
  return {
    text: [...lines.values()].map((words) => words.join(' ')).join('\n'),
    confidence: kept.length ? Math.round(sum / kept.length) / 100 : 0,
    words: kept.length,
  };
}

function isConfident(text: string, confidence: number, min: number): boolean {
  if (confidence < min) return false;
  const alnum = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return alnum >= 2 || (alnum === 1 && confidence >= 90);
}
