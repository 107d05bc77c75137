/** The library: every upload, paged, filtered by type and status and by the place chosen, with Retry for failed ones. */
import { create } from 'zustand';
import type { Upload, UploadEvent } from '../../../shared/api/schemas.ts';
import type { FileType, ProcessingStatus } from '../../../shared/file-types.ts';
import { getServices } from '../services.ts';
import { useOrganize, type Place } from './organize.ts';
import { emptyUploadList, uploadList, type UploadListSlice } from './upload-list.ts';

/** The library's filter for the place chosen in the side tree (a collection, a folder). */
const placeQuery = (p: Place) => (p.kind === 'collection' ? { collection_id: p.id } : p.kind === 'folder' ? { folder: p.path } : {});

export const LIBRARY_PAGE_SIZE = 50;

export interface LibraryState extends UploadListSlice {
  items: Upload[];
  offset: number;
  fileType: FileType | '';
  status: ProcessingStatus | '';

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

const initial = { ...emptyUploadList, items: [] as Upload[], offset: 0, fileType: '' as const, status: '' as const };

export const useLibrary = create<LibraryState>()((set, get) => {
  const list = uploadList(set, () => get().load({ quiet: true }), 'Your files could not be loaded.');
  return {
    ...initial,

    async load(opts = {}) {
      const { offset, fileType, status } = get();
      const read = await list.fetch({
        limit: LIBRARY_PAGE_SIZE, offset, file_type: fileType || undefined, status: status || undefined, ...placeQuery(useOrganize.getState().place),
      }, opts.quiet);
      if (!read) return;
      // Deleting the last row of the last page leaves the page empty: step back.
      if (read.page.uploads.length === 0 && offset > 0 && read.page.total > 0) {
        set({ offset: Math.max(0, Math.floor((read.page.total - 1) / LIBRARY_PAGE_SIZE) * LIBRARY_PAGE_SIZE) });
        await get().load(opts);
        return;
      }
      list.show(read);
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
      await list.rowAction(id, async () => {
        await getServices().api.retryUpload(id);
        set((s) => ({
          items: s.items.map((u) => (u.id === id ? { ...u, processing_status: 'pending', processing_error: null } : u)),
        }));
      }, 'Retry failed.');
    },

    removeItem(id) {
      if (!get().items.some((u) => u.id === id)) return;
      set((s) => ({ items: s.items.filter((u) => u.id !== id), total: Math.max(0, s.total - 1) }));
      if (get().loaded) list.refreshSoon(300);
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
      if (get().loaded && (!known || ev.status === 'completed' || ev.status === 'failed')) list.refreshSoon(600);
    },

    reset() {
      list.cancel();
      set({ ...initial });
    },
  };
});
