import { RELATED_WORDS } from './related-words.data.ts';

/**
 * A word of the query that names one or more of the analyzer's labels another way: "animal" names
 * cat, dog, bird…; "puppy" names dog. Search lets `term` also match those labels on a file
 * (server/db/search-repo.ts), so a detected or tagged cat answers "animal" and "pet".
 */
export interface RelatedTerm {
  /** The query's own words, as typed ("animals", "kitchen appliance"). */
  term: string;
  /** Labels it names, each a word or a phrase of plain lower-case words ("cat", "teddy bear"). */
  labels: string[];
}

/** A word naming more labels than this is too broad to say which (none is; the table's widest, "food", names 10). */
const MAX_LABELS = 12;
/** Longest related phrase in words ("kitchen appliance", "wheeled vehicle"): the n-grams tried. */
const MAX_WORDS = 3;

/** related word → the labels it names (the table read backwards, once). */
const NAMES: ReadonlyMap<string, readonly string[]> = (() => {
  const names = new Map<string, string[]>();
  for (const [label, words] of Object.entries(RELATED_WORDS)) {
    for (const w of words) names.set(w, [...(names.get(w) ?? []), label]);
  }
  for (const [w, labels] of names) if (labels.length > MAX_LABELS) names.delete(w);
  return names;
})();

/** The singular forms an English plural may have: "animals" → animal, "puppies" → puppy, "dishes" → dish. */
function singulars(word: string): string[] {
  const out: string[] = [];
  if (word.endsWith('ies') && word.length > 4) out.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es') && word.length > 3) out.push(word.slice(0, -2));
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 2) out.push(word.slice(0, -1));
  return out;
}

function lookUp(phrase: string): readonly string[] | undefined {
  const direct = NAMES.get(phrase);
  if (direct) return direct;
  // Only the last word of a phrase is made singular ("kitchen appliances").
  const words = phrase.split(' ');
  const last = words.pop()!;
  for (const s of singulars(last)) {
    const found = NAMES.get([...words, s].join(' '));
    if (found) return found;
  }
  return undefined;
}

/**
 * The words of a search's text that name analyzer labels another way, longest phrase first, each
 * word used once. Quoted phrases and excluded words (`-word`) are taken as typed: never expanded.
 * Labels the query names itself are left out ("dog animal": animal names the others).
 */
export function relatedTerms(text: string): RelatedTerm[] {
  const words = text.replace(/"[^"]*"?/g, ' ').split(/\s+/).map((w) => w.toLowerCase());
  const bare = (w: string) => w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const plain = words.map((w) => (w.startsWith('-') ? '' : bare(w)));
  // Words asked for or excluded are never added: "animal -cat" keeps cats out, "dog animal" needs no dog.
  const asked = new Set(words.map(bare).filter((w) => w !== ''));
  const out: RelatedTerm[] = [];
  for (let i = 0; i < plain.length;) {
    let matched = 0;
    for (let n = Math.min(MAX_WORDS, plain.length - i); n >= 1 && matched === 0; n--) {
      const span = plain.slice(i, i + n);
      if (span.some((w) => !/^[a-z][a-z-]*$/.test(w))) continue;
      const labels = lookUp(span.join(' '))?.filter((l) => !asked.has(l));
      if (labels?.length) {
        out.push({ term: span.join(' '), labels: [...labels] });
        matched = n;
      }
    }
    i += Math.max(1, matched);
  }
  return out;
}
