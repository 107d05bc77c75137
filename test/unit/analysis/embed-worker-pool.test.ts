import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedWorkerPool } from '../../../server/analysis/embed-worker-pool.ts';
import { OfflineEmbedder } from '../../../server/analysis/offline-embedder.ts';
import { TroveError } from '../../../shared/api/errors.ts';

// The real model (USE-lite) in real worker threads, compared with the same model on this thread. No mocks.

const CRASH_TEXT = 'please crash the embed thread now';
const CRASHING_WORKER = new URL('../../fixtures/workers/crashing-embed-worker.ts', import.meta.url);

function maxDiff(a: number[], b: number[]): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

const SENTENCES = [
  'a dog playing in the park',
  'quarterly tax invoice for the accountant',
  'sunset over the sea with sailing boats',
  '',
  '👨‍👩‍👧 family picnic',
  `${'the minutes of the board meeting, '.repeat(30)}end`,
];

describe('OfflineEmbedder on an EmbedWorkerPool (real model, real threads)', () => {
  const threadCounts: number[] = [];
  const pool = new EmbedWorkerPool({ threads: 2, onThreadsChanged: (n) => threadCounts.push(n) });
  const embedder = new OfflineEmbedder({ parallel: 2, load: () => Promise.resolve(pool) });
  const inThread = new OfflineEmbedder();

  beforeAll(async () => {
    await embedder.warmUp();
  }, 120_000);

  afterAll(async () => {
    await Promise.all([embedder.close(), inThread.close()]);
  });

  it('gives the same vectors as the model on this thread, without loading tfjs on this thread', async () => {
    const viaThreads = await embedder.embed(SENTENCES);
    const singles = await Promise.all(SENTENCES.map((s) => embedder.embed([s])));
    // The model ran elsewhere: this thread has no TensorFlow.js engine yet.
    expect((globalThis as { _tfengine?: unknown })._tfengine).toBeUndefined();
    expect(pool.stats.loadMs).toBeGreaterThan(0);
    expect(embedder.stats.loadMs).toBe(pool.stats.loadMs);

    const here = await inThread.embed(SENTENCES);
    const hereSingles = await Promise.all(SENTENCES.map((s) => inThread.embed([s])));
    expect((globalThis as { _tfengine?: unknown })._tfengine).toBeDefined();
    expect(viaThreads).toHaveLength(SENTENCES.length);
    for (let i = 0; i < SENTENCES.length; i++) {
      expect(viaThreads[i]).toHaveLength(512);
      // Same batch, same numbers: float32 from tfjs crosses the thread boundary unchanged.
      expect(maxDiff(viaThreads[i]!, here[i]!)).toBe(0);
      expect(maxDiff(singles[i]![0]!, hereSingles[i]![0]!)).toBeLessThan(1e-6);
    }
  }, 120_000);

  it('merges concurrent calls into few model calls and uses both threads under load', async () => {
    const texts = Array.from({ length: 60 }, (_, i) => `photo number ${i} of the summer holiday`);
    const callsBefore = embedder.stats.modelCalls;
    const together = await Promise.all(texts.map((t) => embedder.embed([t])));
    const calls = embedder.stats.modelCalls - callsBefore;
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThanOrEqual(4);
    const alone = await inThread.embed([texts[17]!]);
    expect(maxDiff(together[17]![0]!, alone[0]!)).toBeLessThan(1e-4);

    // Two full batches at once: the second thread starts while the first is busy.
    const long = Array.from({ length: 2 }, (_, k) =>
      Array.from({ length: 64 }, (_, i) => `${'gardening and tomatoes, '.repeat(3)}${k}-${i}`));
    const results = await Promise.all(long.map((batch) => embedder.embed(batch)));
    expect(results.map((r) => r.length)).toEqual([64, 64]);
    expect(pool.stats.started).toBe(2);
    expect(Math.max(...threadCounts)).toBe(2);
  }, 180_000);

  it('closes: queued calls finish, later ones get SERVICE_UNAVAILABLE, and the threads end', async () => {
    const local = new EmbedWorkerPool({ threads: 1 });
    const e = new OfflineEmbedder({ load: () => Promise.resolve(local), batchWindowMs: 30 });
    const queued = e.embed(['queued before close']);
    await e.close();
    await expect(queued).resolves.toHaveLength(1);
    expect(local.stats.running).toBe(0);
    await expect(e.embed(['late'])).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await expect(local.embed(['late'])).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  }, 120_000);
});

describe('EmbedWorkerPool when a thread dies', () => {
  it('fails the running call with MODEL_UNAVAILABLE, then starts a new thread that answers', async () => {
    const pool = new EmbedWorkerPool({ threads: 1, workerUrl: CRASHING_WORKER });
    const embedder = new OfflineEmbedder({ load: () => Promise.resolve(pool) });
    try {
      const [first] = await embedder.embed(['a cat asleep on the sofa']);
      const err: unknown = await embedder.embed([CRASH_TEXT]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TroveError);
      expect((err as TroveError).code).toBe('MODEL_UNAVAILABLE');
      expect((err as TroveError).message).toMatch(/worker thread stopped \(exit code 7\).*Try again/);
      expect(pool.stats).toMatchObject({ crashed: 1, running: 0 });

      const [again] = await embedder.embed(['a cat asleep on the sofa']);
      expect(maxDiff(first!, again!)).toBe(0);
      expect(pool.stats).toMatchObject({ started: 2, crashed: 1, running: 1 });
    } finally {
      await embedder.close();
    }
    expect(pool.stats.running).toBe(0);
  }, 180_000);

  it('fails waiting calls with MODEL_UNAVAILABLE when the model cannot load in the thread', async () => {
    // A worker entry that is not there: the thread dies before it is ready.
    const pool = new EmbedWorkerPool({ threads: 1, workerUrl: new URL('../../fixtures/workers/no-such-worker.ts', import.meta.url) });
    try {
      const calls = [pool.embed(['a']), pool.embed(['b'])];
      for (const call of calls) await expect(call).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
      expect(pool.stats).toMatchObject({ running: 0, started: 1 });
    } finally {
      await pool.close();
    }
  }, 60_000);
});
