/** The upload queue as the panel shows it, fed by the bridge (IPC queue or the browser's own). */
import { create } from 'zustand';
import type { UploadEvent } from '../../../shared/api/schemas.ts';
import type { UploadItem } from '../bridge/upload-item.ts';
import { getServices } from '../services.ts';
import { currentUploadOptions } from './upload-options.ts';

export interface UploadsState {
  items: Record<string, UploadItem>;
  order: string[];
  /** Processing stage by upload id, from live events (the IPC queue items carry no stage). */
  stages: Record<string, { stage: string | null; progress: number }>;
  paused: boolean;
  panelOpen: boolean;
  dragging: boolean;
  error: string | null;

  init: () => Promise<void>;
  addFiles: (files: File[]) => Promise<void>;
  browse: () => Promise<void>;
  cancel: (id: string) => Promise<void>;
  retry: (id: string) => Promise<void>;
  pauseAll: () => Promise<void>;
  resumeAll: () => Promise<void>;
  clearFinished: () => Promise<void>;
  setPanelOpen: (open: boolean) => void;
  setDragging: (dragging: boolean) => void;
  upsert: (item: UploadItem) => void;
  applyEvent: (ev: UploadEvent) => void;
  reset: () => void;
}

let unsubscribe: (() => void) | null = null;

const initial = { items: {}, order: [] as string[], stages: {}, paused: false, panelOpen: false, dragging: false, error: null };

export const useUploads = create<UploadsState>()((set, get) => {
  const guard = async (fn: () => Promise<void>) => {
    try {
      set({ error: null });
      await fn();
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  };
  const relist = async () => {
    const list = await getServices().bridge.listQueue();
    set({ items: Object.fromEntries(list.map((i) => [i.id, i])), order: list.map((i) => i.id) });
  };

  return {
    ...initial,

    async init() {
      unsubscribe?.();
      const { bridge } = getServices();
      unsubscribe = bridge.onQueueChanged((item) => get().upsert(item));
      await guard(relist);
    },

    async addFiles(files) {
      if (files.length === 0) return;
      set({ panelOpen: true });
      // Read when the files arrive: the toggle applies to files added while it is on.
      const opts = currentUploadOptions();
      await guard(() => getServices().bridge.addFiles(files, opts));
    },

    async browse() {
      await guard(async () => {
        set({ panelOpen: true });
        await getServices().bridge.pickFiles(currentUploadOptions());
      });
    },

    cancel: (id) => guard(() => getServices().bridge.cancel(id)),
    retry: (id) => guard(() => getServices().bridge.retry(id)),

    async pauseAll() {
      set({ paused: true });
      await guard(() => getServices().bridge.pauseAll());
    },

    async resumeAll() {
      set({ paused: false });
      await guard(() => getServices().bridge.resumeAll());
    },

    async clearFinished() {
      await guard(async () => {
        await getServices().bridge.clearFinished();
        await relist();
      });
    },

    setPanelOpen: (panelOpen) => set({ panelOpen }),
    setDragging: (dragging) => set({ dragging }),

    upsert(item) {
      set((s) => ({
        items: { ...s.items, [item.id]: item },
        order: s.items[item.id] ? s.order : [...s.order, item.id],
        panelOpen: s.items[item.id] ? s.panelOpen : true,
      }));
    },

    applyEvent(ev) {
      if (ev.deleted) return;
      set((s) => ({ stages: { ...s.stages, [ev.upload_id]: { stage: ev.stage, progress: ev.progress } } }));
    },

    reset() {
      unsubscribe?.();
      unsubscribe = null;
      set({ ...initial });
    },
  };
});

export interface UploadTotals {
  total: number;
  active: number;
  completed: number;
  failed: number;
  duplicate: number;
  cancelled: number;
  /** 0–100 across all files not cancelled: upload counts for half, processing for the other half. */
  percent: number;
}

export function uploadTotals(s: Pick<UploadsState, 'items' | 'order'>): UploadTotals {
  const t: UploadTotals = { total: 0, active: 0, completed: 0, failed: 0, duplicate: 0, cancelled: 0, percent: 0 };
  let weight = 0;
  let done = 0;
  for (const id of s.order) {
    const i = s.items[id];
    if (!i) continue;
    t.total += 1;
    switch (i.state) {
      case 'completed': t.completed += 1; break;
      case 'failed': t.failed += 1; break;
      case 'duplicate': t.duplicate += 1; break;
      case 'cancelled': t.cancelled += 1; break;
      case 'queued': case 'hashing': case 'uploading': case 'processing': case 'paused': t.active += 1; break;
    }
    if (i.state === 'cancelled') continue;
    weight += 1;
    if (i.state === 'completed' || i.state === 'duplicate' || i.state === 'failed') done += 1;
    else if (i.state === 'uploading') done += (i.progress / 100) * 0.5;
    else if (i.state === 'processing') done += 0.5 + (i.progress / 100) * 0.5;
  }
  t.percent = weight === 0 ? 0 : Math.round((done / weight) * 100);
  return t;
}
