/** "Recently deleted": the files Trove still keeps after a delete, until their purge date, with Restore. */
import { create } from 'zustand';
import type { ListedUpload, UploadEvent } from '../../../shared/api/schemas.ts';
import { ApiError } from '../api/errors.ts';
import { withAbsoluteLinks } from '../lib/items.ts';
import { omit } from '../lib/records.ts';
import { getServices } from '../services.ts';
import { useLibrary } from './library.ts';
import { useSearch } from './search.ts';

const PAGE = 100;

interface RecentlyDeletedState {
  items: ListedUpload[];
  total: number;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  restoring: Record<string, boolean>;
  /** Per-row errors (a restore refused: too late, or the same file is back). */
  rowErrors: Record<string, string>;
  /** The last restored file's name, announced politely. */
  lastRestored: string | null;
  load: (opts?: { quiet?: boolean }) => Promise<void>;
  restore: (id: string) => Promise<boolean>;
  applyEvent: (ev: UploadEvent) => void;
  reset: () => void;
}

let seq = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const initial = { items: [] as ListedUpload[], total: 0, loading: false, loaded: false, error: null, restoring: {}, rowErrors: {}, lastRestored: null };

/** After files come back: the lists that show files read them again (events do too, when they flow). */
export function refreshAfterRestore(): void {
  const search = useSearch.getState();
  void search.loadRecent({ quiet: true });
  if (search.query.trim() !== '') void search.runNow();
  if (useLibrary.getState().loaded) void useLibrary.getState().load({ quiet: true });
  if (useRecentlyDeleted.getState().loaded) void useRecentlyDeleted.getState().load({ quiet: true });
}

export const useRecentlyDeleted = create<RecentlyDeletedState>()((set, get) => ({
  ...initial,

  async load(opts = {}) {
    const mine = ++seq;
    if (!opts.quiet) set({ loading: true, error: null });
    try {
      const { api } = getServices();
      const page = await api.listUploads({ deleted: true, limit: PAGE, offset: 0 });
      if (mine !== seq) return;
      set({ items: page.uploads.map((u) => withAbsoluteLinks(u, (x) => api.absolute(x))), total: page.total, loading: false, loaded: true });
    } catch (err) {
      if (mine !== seq) return;
      set({ loading: false, error: err instanceof ApiError ? err.message : 'The recently deleted files could not be loaded.' });
    }
  },

  async restore(id) {
    const item = get().items.find((u) => u.id === id);
    set((s) => ({ restoring: { ...s.restoring, [id]: true }, rowErrors: omit(s.rowErrors, id) }));
    try {
      await getServices().api.restoreUpload(id);
      set((s) => ({ items: s.items.filter((u) => u.id !== id), total: Math.max(0, s.total - 1), lastRestored: item?.filename ?? null }));
      refreshAfterRestore();
      return true;
    } catch (err) {
      set((s) => ({ rowErrors: { ...s.rowErrors, [id]: err instanceof ApiError ? err.message : 'The file could not be restored.' } }));
      return false;
    } finally {
      set((s) => ({ restoring: omit(s.restoring, id) }));
    }
  },

  applyEvent(ev) {
    if (!get().loaded || !(ev.deleted || ev.restored)) return;
    // Another window deleted or restored files: read the list again once they settle.
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => void get().load({ quiet: true }), 300);
  },

  reset() {
    seq += 1;
    clearTimeout(refreshTimer);
    set({ ...initial });
  },
}));
