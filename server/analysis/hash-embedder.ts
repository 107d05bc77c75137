import type { Embedder } from './types.ts';

const DIMENSIONS = 256;

/**
 * A tiny deterministic embedder for fast tests and as a last-resort fallback (`TROVE_EMBEDDER=hash`).
 * It is NOT a semantic model: it hashes lowercase word unigrams and character trigrams into 256
 * buckets (feature hashing with a sign bit), so texts that share words or spellings end up close,
 * while synonyms ("dog" / "puppy") do not. Needs no model, loads instantly, same output everywhere.
 */
export class HashEmbedder implements Embedder {
  readonly model = 'hash-256';
  readonly dimensions = DIMENSIONS;

  embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    try {
      signal?.throwIfAborted();
      return Promise.resolve(texts.map((t) => hashEmbed(typeof t === 'string' ? t : '')));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const WORD_WEIGHT = 1;
const TRIGRAM_WEIGHT = 0.5;

export function hashEmbed(input: string): number[] {
  const vector = new Float64Array(DIMENSIONS);
  const words = input.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
  for (const word of words) {
    add(vector, `w:${word}`, WORD_WEIGHT);
    const chars = [...` ${word} `];
    for (let i = 0; i + 3 <= chars.length; i++) add(vector, `t:${chars[i]}${chars[i + 1]}${chars[i + 2]}`, TRIGRAM_WEIGHT);
  }
  if (words.length === 0) add(vector, 'empty', 1); // still a unit vector, the same for every empty text
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm === 0) {
    // Every feature cancelled out through opposite signs in one bucket (possible, if unlikely).
    add(vector, 'empty', 1);
    norm = 1;
  }
  return Array.from(vector, (v) => v / norm);
}

function add(vector: Float64Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const sign = (h >>> 31) === 0 ? 1 : -1;
  vector[h % DIMENSIONS] = (vector[h % DIMENSIONS] ?? 0) + sign * weight;
}

/** 32-bit FNV-1a over UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
