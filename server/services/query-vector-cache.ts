import type { Embedder } from '../analysis/types.ts';

/**
 * Query embeddings people ask for again (the next page, the same words after a file finished
 * processing and emptied the result cache, a search re-run with one chip removed) come from here
 * instead of the model: 15–30 ms of CPU on the offline model, a paid call on a cloud one.
 */
export const QUERY_VECTOR_CACHE_ENTRIES = 500;

/**
 * LRU of query vectors keyed by the user, the embedder (model and size: vectors of different models
 * never mix) and the exact text it was given (case kept: the model sees it). Per user although a
 * text's vector is the same for anyone: a shared entry would let one user time whether another
 * searched for a phrase (a hit answers 15–30 ms sooner). An entry is the embedding
 * in flight too, so the same query asked twice at once is embedded once; a failed one is dropped.
 * Bounded by entries: 500 × 1536 floats as Float32 is about 3 MB.
 */
export class QueryVectorCache {
  private readonly entries = new Map<string, Promise<Float32Array>>();

  constructor(private readonly maxEntries = QUERY_VECTOR_CACHE_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached vector of `text` under this embedder, or `embed`'s, remembered; `hit` says which. */
  async vector(
    userId: string, embedder: Pick<Embedder, 'model' | 'dimensions'>, text: string, embed: () => Promise<number[]>,
  ): Promise<{ vector: number[]; hit: boolean }> {
    const key = `${userId}\u0000${embedder.model}\u0000${embedder.dimensions}\u0000${text}`;
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached); // re-inserted: Map order is the LRU order
      return { vector: Array.from(await cached), hit: true };
    }
    const pending = embed().then((v) => Float32Array.from(v));
    this.entries.set(key, pending);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    try {
      return { vector: Array.from(await pending), hit: false };
    } catch (err) {
      if (this.entries.get(key) === pending) this.entries.delete(key);
      throw err;
    }
  }
}
