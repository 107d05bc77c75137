/** "Recently deleted": the files Trove still keeps after a delete, until their purge date, with Restore. */
import { create } from 'zustand';
import type { UploadEvent } from '../../../shared/api/schemas.ts';
import { getServices } from '../services.ts';
import { useLibrary } from './library.ts';
import { useSearch } from './search.ts';
import { emptyUploadList, uploadList, type UploadListSlice } from './upload-list.ts';

const PAGE = 100;

interface RecentlyDeletedState extends UploadListSlice {
  /** The last restored file's name, announced politely. */
  lastRestored: string | null;
  load: (opts?: { quiet?: boolean }) => Promise<void>;
  restore: (id: string) => Promise<boolean>;
  applyEvent: (ev: UploadEvent) => void;
  reset: () => void;
}

const initial = { ...emptyUploadList, lastRestored: null };

/** After files come back: the lists that show files read them again (events do too, when they flow). */
export function refreshAfterRestore(): void {
  const search = useSearch.getState();
  void search.loadRecent({ quiet: true });
  if (search.query.trim() !== '') void search.runNow();
  if (useLibrary.getState().loaded) void useLibrary.getState().load({ quiet: true });
  if (useRecentlyDeleted.getState().loaded) void useRecentlyDeleted.getState().load({ quiet: true });
}

export const useRecentlyDeleted = create<RecentlyDeletedState>()((set, get) => {
  const list = uploadList(set, () => get().load({ quiet: true }), 'The recently deleted files could not be loaded.');
  return {
    ...initial,

    async load(opts = {}) {
      const read = await list.fetch({ deleted: true, limit: PAGE, offset: 0 }, opts.quiet);
      if (read) list.show(read);
    },

    restore(id) {
      const item = get().items.find((u) => u.id === id);
      return list.rowAction(id, async () => {
        await getServices().api.restoreUpload(id);
        set((s) => ({ items: s.items.filter((u) => u.id !== id), total: Math.max(0, s.total - 1), lastRestored: item?.filename ?? null }));
        refreshAfterRestore();
      }, 'The file could not be restored.');
    },

    applyEvent(ev) {
      if (!get().loaded || !(ev.deleted || ev.restored)) return;
      // Another window deleted or restored files: read the list again once they settle.
      list.refreshSoon(300);
    },

    reset() {
      list.cancel();
      set({ ...initial });
    },
  };
});
