import { describe, it, expect } from 'vitest';
import { HashEmbedder } from '../../../server/analysis/hash-embedder.ts';

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe('HashEmbedder', () => {
  const embedder = new HashEmbedder();

  it('names itself and its size', () => {
    expect(embedder.model).toBe('hash-256');
    expect(embedder.dimensions).toBe(256);
  });

  it('is deterministic and returns unit vectors, also for empty and odd input', async () => {
    const texts = ['A dog in the park', 'a dog in the park', '', '   ', '👨‍👩‍👧 日本語', 'x'.repeat(50_000)];
    const a = await embedder.embed(texts);
    const b = await new HashEmbedder().embed(texts);
    expect(a).toEqual(b);
    for (const v of a) {
      expect(v).toHaveLength(256);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 10);
    }
    expect(a[0]).toEqual(a[1]); // lowercased
    expect(a[2]).toEqual(a[3]); // both empty
  });

  it('puts texts that share words closer than texts that do not', async () => {
    const [base, overlap, other] = await embedder.embed([
      'invoice from acme for march',
      'acme invoice march payment',
      'sunset over a quiet beach',
    ]);
    expect(dot(base!, overlap!)).toBeGreaterThan(0.4);
    expect(dot(base!, overlap!)).toBeGreaterThan(dot(base!, other!) + 0.3);
  });

  it('keeps order and honours an aborted signal', async () => {
    const [one, two] = await embedder.embed(['one', 'two']);
    const [twoAlone] = await embedder.embed(['two']);
    expect(two).toEqual(twoAlone);
    expect(one).not.toEqual(two);
    const ac = new AbortController();
    ac.abort();
    await expect(embedder.embed(['x'], ac.signal)).rejects.toThrow();
    await expect(embedder.close()).resolves.toBeUndefined();
  });
});
