/**
 * Deleting files — one or a selection — always behind a confirmation, and undoing it: Trove keeps a
 * deleted file for a while, so the toast's Undo (or Ctrl/Cmd+Z) brings the last delete back.
 */
import { create } from 'zustand';
import type { BatchItemResult } from '../../../shared/api/schemas.ts';
import { MAX_BATCH_IDS } from '../../../shared/api/batch.ts';
import { ApiError } from '../api/errors.ts';
import { getServices } from '../services.ts';
import { useDetail } from './detail.ts';
import { useLibrary } from './library.ts';
import { refreshAfterRestore, useRecentlyDeleted } from './recently-deleted.ts';
import { useSearch } from './search.ts';
import { useSelection } from './selection.ts';

export interface DeleteTarget {
  id: string;
  filename: string;
}

/** How long the toast offers Undo. */
export const UNDO_MS = 10_000;

interface DeletionState {
  /** What the dialog asks about; `label` names it (“holiday.jpg”, “3 files”). */
  pending: { items: DeleteTarget[]; label: string } | null;
  busy: boolean;
  error: string | null;
  /** The last delete, while it can be undone from the toast. */
  lastDeleted: { ids: string[]; label: string } | null;
  undoing: boolean;
  /** A short message after Undo (“Restored 3 files.”, or why not). */
  notice: string | null;
  request: (id: string, filename: string) => void;
  requestMany: (items: DeleteTarget[]) => void;
  cancel: () => void;
  confirm: () => Promise<boolean>;
  undo: () => Promise<boolean>;
  dismiss: () => void;
}

export const labelFor = (items: readonly { filename: string }[]): string =>
  items.length === 1 ? `\u201c${items[0]!.filename}\u201d` : `${items.length} files`;

/** Runs one batch action that needs only the ids over any number of them, a request per MAX_BATCH_IDS. */
export async function inBatches(action: 'delete' | 'restore' | 'retry', ids: readonly string[]): Promise<BatchItemResult[]> {
  const out: BatchItemResult[] = [];
  for (let i = 0; i < ids.length; i += MAX_BATCH_IDS) {
    const res = await getServices().api.batch({ action, ids: ids.slice(i, i + MAX_BATCH_IDS) });
    out.push(...res.results);
  }
  return out;
}

/** What failed of a batch, in words. */
export function failureText(failed: readonly BatchItemResult[], total: number, verb: string): string {
  const first = failed[0]?.message ?? '';
  return total === 1 ? first || `The file could not be ${verb}.` : `${failed.length} of ${total} files could not be ${verb}. ${first}`.trim();
}

export const useDeletion = create<DeletionState>()((set, get) => ({
  pending: null,
  busy: false,
  error: null,
  lastDeleted: null,
  undoing: false,
  notice: null,

  request: (id, filename) => get().requestMany([{ id, filename }]),
  requestMany: (items) => {
    if (items.length > 0) set({ pending: { items, label: labelFor(items) }, error: null });
  },
  cancel: () => set({ pending: null, busy: false, error: null }),

  async confirm() {
    const pending = get().pending;
    if (!pending || get().busy) return false;
    set({ busy: true, error: null });
    const ids = pending.items.map((i) => i.id);
    let deleted: string[];
    let gone: string[];
    let error: string | null = null;
    try {
      if (ids.length === 1) {
        await getServices().api.deleteUpload(ids[0]!);
        deleted = gone = ids;
      } else {
        const results = await inBatches('delete', ids);
        deleted = results.filter((r) => r.ok).map((r) => r.id);
        // Already gone (another window deleted it) is as good as deleted, but not ours to undo.
        gone = results.filter((r) => r.ok || r.code === 'NOT_FOUND').map((r) => r.id);
        const failed = results.filter((r) => !r.ok && r.code !== 'NOT_FOUND');
        if (failed.length > 0) error = failureText(failed, ids.length, 'deleted');
      }
    } catch (err) {
      if (!(ids.length === 1 && err instanceof ApiError && err.code === 'NOT_FOUND')) {
        set({ busy: false, error: err instanceof ApiError ? err.message : 'The files could not be deleted.' });
        return false;
      }
      deleted = [];
      gone = ids;
    }
    for (const id of gone) {
      useSearch.getState().removeItem(id);
      useLibrary.getState().removeItem(id);
    }
    useSelection.getState().drop(gone);
    const openId = useDetail.getState().openId;
    if (openId && gone.includes(openId)) useDetail.getState().close();
    if (useRecentlyDeleted.getState().loaded) void useRecentlyDeleted.getState().load({ quiet: true });
    const undoable = pending.items.filter((i) => deleted.includes(i.id));
    const lastDeleted = undoable.length > 0 ? { ids: undoable.map((i) => i.id), label: labelFor(undoable) } : get().lastDeleted;
    if (error) {
      // The dialog stays with what is left, saying why.
      const left = pending.items.filter((i) => !gone.includes(i.id));
      set({ busy: false, error, pending: { items: left, label: labelFor(left) }, lastDeleted, notice: null });
      return false;
    }
    set({ pending: null, busy: false, lastDeleted, notice: null });
    return true;
  },

  async undo() {
    const last = get().lastDeleted;
    if (!last || get().undoing) return false;
    set({ undoing: true });
    let failed: BatchItemResult[] = [];
    try {
      if (last.ids.length === 1) await getServices().api.restoreUpload(last.ids[0]!);
      else failed = (await inBatches('restore', last.ids)).filter((r) => !r.ok);
    } catch (err) {
      failed = last.ids.map((id) => ({ id, ok: false, message: err instanceof ApiError ? err.message : 'The files could not be restored.' }));
    }
    refreshAfterRestore();
    const restored = last.ids.length - failed.length;
    set({
      undoing: false, lastDeleted: null,
      notice: failed.length === 0 ? `Restored ${last.label}.` : `${restored > 0 ? `Restored ${restored}. ` : ''}${failureText(failed, last.ids.length, 'restored')}`,
    });
    return failed.length === 0;
  },

  dismiss: () => set({ lastDeleted: null, notice: null }),
}));
