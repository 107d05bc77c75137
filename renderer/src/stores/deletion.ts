/** Deleting a file, always behind a confirmation. */
import { create } from 'zustand';
import { ApiError } from '../api/errors.ts';
import { getServices } from '../services.ts';
import { useDetail } from './detail.ts';
import { useLibrary } from './library.ts';
import { useSearch } from './search.ts';

interface DeletionState {
  pending: { id: string; filename: string } | null;
  busy: boolean;
  error: string | null;
  /** The last deleted file's name, for the status message. */
  lastDeleted: string | null;
  request: (id: string, filename: string) => void;
  cancel: () => void;
  confirm: () => Promise<boolean>;
}

export const useDeletion = create<DeletionState>()((set, get) => ({
  pending: null,
  busy: false,
  error: null,
  lastDeleted: null,

  request: (id, filename) => set({ pending: { id, filename }, error: null }),
  cancel: () => set({ pending: null, busy: false, error: null }),

  async confirm() {
    const pending = get().pending;
    if (!pending || get().busy) return false;
    set({ busy: true, error: null });
    try {
      await getServices().api.deleteUpload(pending.id);
    } catch (err) {
      // Already gone is as good as deleted.
      if (!(err instanceof ApiError && err.code === 'NOT_FOUND')) {
        set({ busy: false, error: err instanceof ApiError ? err.message : 'The file could not be deleted.' });
        return false;
      }
    }
    useSearch.getState().removeItem(pending.id);
    useLibrary.getState().removeItem(pending.id);
    if (useDetail.getState().openId === pending.id) useDetail.getState().close();
    set({ pending: null, busy: false, lastDeleted: pending.filename });
    return true;
  },
}));
