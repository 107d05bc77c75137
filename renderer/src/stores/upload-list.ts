/**
 * What the library and "Recently deleted" share: a list of uploads read from `GET /uploads` where an
 * answer overtaken by a newer read (or a sign-out) is dropped, quiet re-reads a moment after live
 * events, and per-row actions (retry, restore) that keep their own busy flag and error.
 */
import type { ListUploadsQuery, ListedUpload, UploadList } from '../../../shared/api/schemas.ts';
import { ApiError } from '../api/errors.ts';
import { withAbsoluteLinks } from '../lib/items.ts';
import { omit } from '../lib/records.ts';
import { getServices } from '../services.ts';

export interface UploadListSlice {
  items: ListedUpload[];
  total: number;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  /** Per-row action errors (a retry or restore that failed), by upload id. */
  rowErrors: Record<string, string>;
  /** Rows whose action is under way, by upload id. */
  busy: Record<string, boolean>;
}

export const emptyUploadList = { items: [] as ListedUpload[], total: 0, loading: false, loaded: false, error: null, rowErrors: {}, busy: {} };

type SetSlice = (partial: Partial<UploadListSlice> | ((s: UploadListSlice) => Partial<UploadListSlice>)) => void;

/** A page read, to show if no newer read or reset came meanwhile. */
export interface PageRead {
  page: UploadList;
  seq: number;
}

/**
 * The list's reads and row actions for one store. `reloadQuietly` reads the store's current page again
 * without the loading state; `failed` is what a person sees when a read fails without the server's words.
 */
export function uploadList(set: SetSlice, reloadQuietly: () => Promise<void>, failed: string) {
  let seq = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  return {
    /** Reads a page; null when it failed (the error is shown) or a newer read or reset overtook it. */
    async fetch(query: Partial<ListUploadsQuery>, quiet = false): Promise<PageRead | null> {
      const mine = ++seq;
      if (!quiet) set({ loading: true, error: null });
      try {
        const page = await getServices().api.listUploads(query);
        return mine === seq ? { page, seq: mine } : null;
      } catch (err) {
        if (mine === seq) set({ loading: false, error: err instanceof ApiError ? err.message : failed });
        return null;
      }
    },

    show({ page, seq: read }: PageRead): void {
      if (read !== seq) return;
      const { api } = getServices();
      set({ items: page.uploads.map((u) => withAbsoluteLinks(u, (x) => api.absolute(x))), total: page.total, loading: false, loaded: true });
    },

    /** Reads the list again after `ms`, once: events come in bursts (a batch, an archive). */
    refreshSoon(ms: number): void {
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => void reloadQuietly(), ms);
    },

    /** Runs one row's action with its busy flag; a failure becomes that row's error. */
    async rowAction(id: string, act: () => Promise<void>, actionFailed: string): Promise<boolean> {
      set((s) => ({ busy: { ...s.busy, [id]: true }, rowErrors: omit(s.rowErrors, id) }));
      try {
        await act();
        return true;
      } catch (err) {
        set((s) => ({ rowErrors: { ...s.rowErrors, [id]: err instanceof ApiError ? err.message : actionFailed } }));
        return false;
      } finally {
        set((s) => ({ busy: omit(s.busy, id) }));
      }
    },

    /** Drops reads in flight and a pending refresh (sign-out, another account). */
    cancel(): void {
      seq += 1;
      clearTimeout(refreshTimer);
    },
  };
}
