/** The library: every upload, paged, filtered by type and status, with Retry for failed ones. */
import { create } from 'zustand';
import type { Upload, UploadEvent } from '../../../shared/api/schemas.ts';
import type { FileType, ProcessingStatus } from '../../../shared/file-types.ts';
import { ApiError } from '../api/errors.ts';
import { withAbsoluteLinks } from '../lib/items.ts';
import { omit } from '../lib/records.ts';
import { getServices } from '../services.ts';
import { useOrganize, type Place } from './organize.ts';

/** The library's filter for the place chosen in the side tree (a collection, a folder). */
const placeQuery = (p: Place) => (p.kind === 'collection' ? { collection_id: p.id } : p.kind === 'folder' ? { folder: p.path } : {});

export const LIBRARY_PAGE_SIZE = 50;

export interface LibraryState {
  items: Upload[];
  total: number;
  offset: number;
  fileType: FileType | '';
  status: ProcessingStatus | '';
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** Per-row action errors (a retry that failed). */
  rowErrors: Record<string, string>;
  retrying: Record<string, boolean>;

  load: (opts?: { quiet?: boolean }) => Promise<void>;
  setFileType: (t: FileType | '') => void;
  setStatus: (s: ProcessingStatus | '') => void;
  nextPage: () => void;
  prevPage: () => void;
  retry: (id: string) => Promise<void>;
  removeItem: (id: string) => void;
  applyEvent: (ev: UploadEvent) => void;
  reset: () => void;
}

let seq = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

const initial = {
  items: [] as Upload[], total: 0, offset: 0, fileType: '' as const, status: '' as const,
  loading: false, loaded: false, error: null, rowErrors: {}, retrying: {},
};

export const useLibrary = create<LibraryState>()((set, get) => ({
  ...initial,

  async load(opts = {}) {
    const mine = ++seq;
    const { offset, fileType, status } = get();
    if (!opts.quiet) set({ loading: true, error: null });
    try {
      const { api } = getServices();
      const page = await api.listUploads({
        limit: LIBRARY_PAGE_SIZE, offset, file_type: fileType || undefined, status: status || undefined, ...placeQuery(useOrganize.getState().place),
      });
      if (mine !== seq) return;
      // Deleting the last row of the last page leaves the page empty: step back.
      if (page.uploads.length === 0 && offset > 0 && page.total > 0) {
        set({ offset: Math.max(0, Math.floor((page.total - 1) / LIBRARY_PAGE_SIZE) * LIBRARY_PAGE_SIZE) });
        await get().load(opts);
        return;
      }
      set({ items: page.uploads.map((u) => withAbsoluteLinks(u, (x) => api.absolute(x))), total: page.total, loading: false, loaded: true });
    } catch (err) {
      if (mine !== seq) return;
      set({ loading: false, error: err instanceof ApiError ? err.message : 'Your files could not be loaded.' });
    }
  },

  setFileType(fileType) {
    set({ fileType, offset: 0 });
    void get().load();
  },

  setStatus(status) {
    set({ status, offset: 0 });
    void get().load();
  },

  nextPage() {
    const { offset, total } = get();
    if (offset + LIBRARY_PAGE_SIZE >= total) return;
    set({ offset: offset + LIBRARY_PAGE_SIZE });
    void get().load();
  },

  prevPage() {
    const { offset } = get();
    if (offset === 0) return;
    set({ offset: Math.max(0, offset - LIBRARY_PAGE_SIZE) });
    void get().load();
  },

  async retry(id) {
    set((s) => ({ retrying: { ...s.retrying, [id]: true }, rowErrors: omit(s.rowErrors, id) }));
    try {
      await getServices().api.retryUpload(id);
      set((s) => ({
        items: s.items.map((u) => (u.id === id ? { ...u, processing_status: 'pending', processing_error: null } : u)),
      }));
    } catch (err) {
      set((s) => ({ rowErrors: { ...s.rowErrors, [id]: err instanceof ApiError ? err.message : 'Retry failed.' } }));
    } finally {
      set((s) => ({ retrying: omit(s.retrying, id) }));
    }
  },

  removeItem(id) {
    if (!get().items.some((u) => u.id === id)) return;
    set((s) => ({ items: s.items.filter((u) => u.id !== id), total: Math.max(0, s.total - 1) }));
    if (get().loaded) {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void get().load({ quiet: true }), 300);
    }
  },

  applyEvent(ev) {
    if (ev.deleted) {
      get().removeItem(ev.upload_id);
      return;
    }
    const known = get().items.some((u) => u.id === ev.upload_id);
    if (known) {
      set((s) => ({
        items: s.items.map((u) => (u.id === ev.upload_id
          ? { ...u, processing_status: ev.status, processing_error: ev.status === 'failed' ? ev.error : null }
          : u)),
      }));
    }
    // New files, and finished ones (their thumbnails and summaries), need a fresh page.
    if (get().loaded && (!known || ev.status === 'completed' || ev.status === 'failed')) {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void get().load({ quiet: true }), 600);
    }
  },

  reset() {
    seq += 1;
    clearTimeout(refreshTimer);
    set({ ...initial });
  },
}));
