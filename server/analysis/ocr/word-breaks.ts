/**
 * Puts back the spaces PaddleOCR's recogniser drops between English words. Its model is trained
 * mostly on Chinese, which has no spaces, and it reads "If you do notwant a file or folder
 * anymore,you can delete it.When you" (the eval's photographed help page): "notwant" would never
 * match a search for "want", and the language filter counts such runs as junk.
 *
 * A token is split only when it is not a word itself and splits wholly into words: at most four,
 * the fewest pieces winning. A piece of four letters or more may be any dictionary word ("grey
 * values"); a piece of three must be a common word, because short rare words split jargon wrongly
 * (with the full dictionary "config" became "con fig"); of two, one of the words below; of one, only
 * "a" in front ("afile"). Names and codes stay as read.
 */
const SHORT_WORDS = new Set(['am', 'an', 'as', 'at', 'be', 'by', 'do', 'go', 'he', 'if', 'in', 'is', 'it', 'me', 'my', 'no', 'of', 'on', 'or', 'so', 'to', 'up', 'us', 'we']);
const MAX_PIECES = 4;

export interface Vocabulary {
  /** A word as it stands (the full dictionary, plurals included). */
  isWord(lower: string): boolean;
  /** A common word, fit to be a piece of a split. */
  isCommon(lower: string): boolean;
}

export function restoreSpaces(line: string, words: Vocabulary): string {
  return line
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => gluedPunctuation(token).map((part) => splitRun(part, words)).join(' '))
    .join(' ');
}

/**
 * "anymore,you" → "anymore," "you"; "it.When" → "it." "When". A full stop splits only before a capital,
 * so "example.com" and "e.g." stay whole.
 */
function gluedPunctuation(token: string): string[] {
  if (/[/@\d]/.test(token)) return [token]; // paths, addresses and numbers ("3.5", "1,000")
  return token.replace(/(\p{L}{2})([,;!?])(?=\p{L})/gu, '$1$2 ').replace(/(\p{Ll}{2}\.)(?=\p{Lu})/gu, '$1 ').split(' ');
}

/** A run of letters (with its punctuation around it) split into words, or the token as it was. */
function splitRun(token: string, words: Vocabulary): string {
  const match = /^([^\p{L}]*)(\p{L}+)([^\p{L}]*)$/u.exec(token);
  if (!match) return token;
  const [, before = '', letters = '', after = ''] = match;
  const lower = letters.toLowerCase();
  if (lower.length < 5 || lower.length > 40 || words.isWord(lower)) return token;
  // Mixed case inside the run ("McDonald", "iPhone") is a name, not two words.
  if (/\p{Ll}\p{Lu}/u.test(letters)) return token;
  // A lone letter only as the article glued in front ("afile"): "Debian" is not "Deb i an".
  const fits = (piece: string, start: number) => (piece.length >= 4 ? words.isWord(piece) : piece.length === 3 ? words.isCommon(piece) : piece.length === 2 ? SHORT_WORDS.has(piece) : start === 0 && piece === 'a');
  // pieces[i]: the fewest words that make up lower[0, i), and where the last one starts.
  const best: { count: number; from: number }[] = [{ count: 0, from: -1 }];
  for (let end = 1; end <= lower.length; end++) {
    let found: { count: number; from: number } | undefined;
    for (let start = 0; start < end; start++) {
      const prefix = best[start];
      if (!prefix || prefix.count === Infinity || !fits(lower.slice(start, end), start)) continue;
      if (!found || prefix.count + 1 < found.count) found = { count: prefix.count + 1, from: start };
    }
    best.push(found ?? { count: Infinity, from: -1 });
  }
  const last = best[lower.length]!;
  if (last.count < 2 || last.count > MAX_PIECES) return token;
  const cuts: number[] = [];
  for (let end = lower.length; end > 0; end = best[end]!.from) cuts.unshift(best[end]!.from);
  const pieces = cuts.map((start, i) => letters.slice(start, cuts[i + 1] ?? letters.length));
  return before + pieces.join(' ') + after;
}
