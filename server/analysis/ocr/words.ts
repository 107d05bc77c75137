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
 */
export function keepConfidentText(blocks: readonly OcrBlock[], minConfidence: number): ConfidentText {
  const lines: string[] = [];
  let sum = 0;
  let count = 0;
  for (const block of blocks) {
    for (const paragraph of block.paragraphs) {
      for (const line of paragraph.lines) {
        const kept = line.words.filter((w) => isConfident(w.text, w.confidence, minConfidence));
        if (kept.length === 0) continue;
        lines.push(kept.map((w) => w.text).join(' '));
        for (const w of kept) sum += w.confidence;
        count += kept.length;
      }
    }
  }
  return { text: lines.join('\n'), confidence: count ? Math.round(sum / count) / 100 : 0, words: count };
}

function isConfident(text: string, confidence: number, min: number): boolean {
  if (confidence < min) return false;
  const alnum = text.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return alnum >= 2 || (alnum === 1 && confidence >= 90);
}
