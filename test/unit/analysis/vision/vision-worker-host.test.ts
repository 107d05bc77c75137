import { afterEach, describe, expect, it } from 'vitest';
import { VisionModelUnavailableError, VisionWorkerHost } from '../../../../server/analysis/vision/vision-worker-host.ts';
import type { VisionObject } from '../../../../server/analysis/vision/vision-types.ts';

const stubUrl = new URL('./stub-vision-worker.ts', import.meta.url);
let host: VisionWorkerHost | undefined;
afterEach(async () => host?.close());

const labelOf = (r: VisionObject[]) => r[0]?.label;

describe('VisionWorkerHost (stub worker)', () => {
  it('starts the worker lazily and reuses it', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl });
    expect(host.stats.started).toBe(0);
    const a = await host.detect('a.jpg');
    const b = await host.detect('b.jpg');
    expect(labelOf(a)).toMatch(/^thread-\d+$/);
    expect(labelOf(b)).toBe(labelOf(a));
    expect(host.stats).toMatchObject({ started: 1, completed: 2, crashed: 0 });
  });

  it('fails only the in-flight request when the worker dies, then restarts it', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl });
    const before = labelOf(await host.detect('a.jpg'));
    await expect(host.detect('crash')).rejects.toThrow(/vision worker stopped/);
    const after = labelOf(await host.detect('b.jpg'));
    expect(after).not.toBe(before);
    expect(host.stats).toMatchObject({ started: 2, crashed: 1 });
  });

  it('drops a request aborted while queued or in flight', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl });
    const inFlight = new AbortController();
    const queued = new AbortController();
    const first = host.detect('slow-1', inFlight.signal);
    const second = host.detect('slow-2', queued.signal);
    const third = host.detect('c.jpg');
    queued.abort();
    inFlight.abort();
    await expect(first).rejects.toThrow(/abort/i);
    await expect(second).rejects.toThrow(/abort/i);
    await expect(third).resolves.toHaveLength(1);
    await expect(host.detect('x', AbortSignal.abort())).rejects.toThrow(/abort/i);
  });

  it('reports a model that cannot load as VisionModelUnavailableError, other errors as Error', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl });
    await expect(host.detect('missing')).rejects.toBeInstanceOf(VisionModelUnavailableError);
    await expect(host.detect('broken')).rejects.toThrow('bad image');
  });

  it('rejects queued work on close() and refuses new work', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl });
    const pending = expect(host.detect('slow-1')).rejects.toThrow(/closed/);
    await host.close();
    await pending;
    await expect(host.detect('a.jpg')).rejects.toThrow(/closed/);
  });

  it('sends the requests queued while the worker was busy as one batch, each answered and failing alone', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl });
    const busy = host.detect('slow-1');
    const aborted = new AbortController();
    const queued = [host.detect('a.jpg'), host.detect('broken'), host.detect('b.jpg', aborted.signal), host.detect('c.jpg')];
    const settled = Promise.allSettled(queued);
    const nsfw = host.classifyNsfw('d.jpg');
    aborted.abort();
    await busy;
    const [a, broken, b, c] = await settled;
    // a, broken and c went in one call (b left the queue when aborted); the NSFW request went alone.
    expect(a).toMatchObject({ status: 'fulfilled', value: [{ label: expect.stringMatching(/:a\.jpg$/), count: 3 }] });
    expect(c).toMatchObject({ status: 'fulfilled', value: [{ label: expect.stringMatching(/:c\.jpg$/), count: 3 }] });
    expect(broken).toMatchObject({ status: 'rejected', reason: { message: 'bad image' } });
    expect(b).toMatchObject({ status: 'rejected' });
    await expect(nsfw).resolves.toBeDefined();
    expect(host.stats.batches).toBe(1);
  });

  it('spreads work over a pool of workers', async () => {
    host = new VisionWorkerHost({ workerUrl: stubUrl, workers: 2 });
    const results = await Promise.all([host.detect('slow-a'), host.detect('slow-b')]);
    expect(new Set(results.map(labelOf)).size).toBe(2);
  });
});
