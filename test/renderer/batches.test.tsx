// @vitest-environment happy-dom
/**
 * The expanded archive's entries follow live events, including the ones that arrive while the first
 * read of the batch is still on its way (the ZIP end-to-end test once left an entry "in progress"
 * for good when its file finished in that gap).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch, UploadEvent } from '../../shared/api/schemas.ts';
import { useBatches } from '../../renderer/src/stores/batches.ts';
import { deferred, setup } from './helpers.tsx';

const UPLOAD = '00000000-0000-4000-8000-000000000001';
const batch = (state: 'processing' | 'done'): Batch => ({
  id: 'b1', filename: 'summer.zip', state: 'done', entries: [{ position: 0, name: 'sunset.png', state, upload_id: UPLOAD, reason: null }],
} as unknown as Batch);
const finished: UploadEvent = { upload_id: UPLOAD, job_id: 'j1', status: 'completed', progress: 100, stage: null, error: null };

afterEach(() => vi.useRealTimers());

describe('useBatches', () => {
  it('reads a batch again when one of its files finishes while the first read is in flight', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    const first = deferred<Batch>();
    const reads = vi.fn().mockReturnValueOnce(first.promise).mockResolvedValue(batch('done'));
    (api as unknown as { archiveBatch: typeof reads }).archiveBatch = reads;

    const loading = useBatches.getState().load('b1');
    useBatches.getState().applyUploadEvent(finished); // before the first answer
    first.resolve(batch('processing')); // an answer read before the file finished
    await loading;
    expect(useBatches.getState().byId.b1?.entries[0]?.state).toBe('processing');

    await vi.advanceTimersByTimeAsync(500);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(useBatches.getState().byId.b1?.entries[0]?.state).toBe('done');
  });

  it('leaves a batch alone for an upload none of its entries is or may become', async () => {
    vi.useFakeTimers();
    const { api } = setup();
    const reads = vi.fn().mockResolvedValue(batch('done'));
    (api as unknown as { archiveBatch: typeof reads }).archiveBatch = reads;
    await useBatches.getState().load('b1');
    useBatches.getState().applyUploadEvent({ ...finished, upload_id: '00000000-0000-4000-8000-000000000009' });
    await vi.advanceTimersByTimeAsync(500);
    expect(reads).toHaveBeenCalledTimes(1);
  });
});
