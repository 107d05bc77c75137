/**
 * Uploaded archives the panel shows expanded: each batch as GET /batches/{id} last told, read again
 * (at most every 400 ms) when a live event says one of its entries moved — a `batch` event while
 * the server reads the archive, then the `upload` events of the files its entries became.
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
      try {
        const batch = await getServices().api.archiveBatch(batchId);
        set((s) => ({ byId: { ...s.byId, [batchId]: batch } }));
      } catch (err) {
        set((s) => ({ errors: { ...s.errors, [batchId]: err instanceof Error ? err.message : String(err) } }));
      }
    },
    applyBatchEvent(ev) {
      if (get().byId[ev.batch_id]) refreshSoon(ev.batch_id);
    },
    applyUploadEvent(ev) {
      for (const [id, batch] of Object.entries(get().byId)) {
        if (batch.entries.some((e) => e.upload_id === ev.upload_id)) refreshSoon(id);
      }
    },
  };
});
