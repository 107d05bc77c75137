/**
 * Uploaded archives the panel shows expanded: each batch as GET /batches/{id} last told, read again
 * (at most every 400 ms) when a live event says one of its entries moved — a `batch` event while
 * the server reads the archive, then the `upload` events of the files its entries became.
 *
 * A batch is followed from the moment it is first asked for, not from its first answer: events
 * that arrive while that read is in flight, or for an entry whose file the last answer did not name
 * yet, read it again. Otherwise an entry that finished in that gap stayed "in progress" for good
 * (seen in the ZIP end-to-end test once processing got faster).
 */
import { create } from 'zustand';
import type { Batch, BatchEvent, UploadEvent } from '../../../shared/api/schemas.ts';
import { getServices } from '../services.ts';

const REFRESH_MS = 400;

interface BatchesState {
  byId: Record<string, Batch>;
  errors: Record<string, string>;
  /** Starts following a batch (the row was expanded) and reads it now. */
  load: (batchId: string) => Promise<void>;
  applyBatchEvent: (ev: BatchEvent) => void;
  applyUploadEvent: (ev: UploadEvent) => void;
}

const timers = new Map<string, ReturnType<typeof setTimeout>>();
/** Batches asked for so far (expanded rows), whether or not their first answer has come. */
const followed = new Set<string>();

/** Whether an upload event may concern this batch, as far as its last answer tells. */
function mayConcern(batch: Batch | undefined, uploadId: string): boolean {
  if (!batch) return true; // the first read is still on its way
  return batch.entries.some((e) => e.upload_id === uploadId || (e.upload_id === null && (e.state === 'queued' || e.state === 'processing')));
}

export const useBatches = create<BatchesState>()((set, get) => {
  const refreshSoon = (batchId: string) => {
    if (timers.has(batchId)) return;
    timers.set(batchId, setTimeout(() => {
      timers.delete(batchId);
      void get().load(batchId);
    }, REFRESH_MS));
  };
  return {
    byId: {},
    errors: {},
    async load(batchId) {
      followed.add(batchId);
      try {
        const batch = await getServices().api.archiveBatch(batchId);
        set((s) => ({ byId: { ...s.byId, [batchId]: batch } }));
      } catch (err) {
        set((s) => ({ errors: { ...s.errors, [batchId]: err instanceof Error ? err.message : String(err) } }));
      }
    },
    applyBatchEvent(ev) {
      if (followed.has(ev.batch_id)) refreshSoon(ev.batch_id);
    },
    applyUploadEvent(ev) {
      for (const id of followed) {
        if (mayConcern(get().byId[id], ev.upload_id)) refreshSoon(id);
      }
    },
  };
});
