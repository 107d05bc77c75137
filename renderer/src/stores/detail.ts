/** The detail view of one file: its metadata and text, media links, and its actions. */
import { create } from 'zustand';
import type { UploadEvent } from '../../../shared/api/schemas.ts';
import type { UploadDetail } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';
import { fromSearchResult, withAbsoluteLinks, type GridItem } from '../lib/items.ts';
import { getServices } from '../services.ts';
import { useMedia } from './media.ts';
import { useNavigation } from './navigation.ts';
import { useSearch } from './search.ts';

export interface DetailState {
  openId: string | null;
  /** What the grid already knew, shown while the rest loads. */
  hint: GridItem | null;
  upload: UploadDetail | null;
  loading: boolean;
  error: string | null;
  actionError: string | null;
  /** `GET /search/similar/{id}` answered: the button is shown only then. */
  similar: GridItem[] | null;

  open: (id: string, hint?: GridItem | null) => Promise<void>;
  close: () => void;
  download: () => Promise<void>;
  findSimilar: () => void;
  reveal: () => Promise<void>;
  openLocally: () => Promise<void>;
  applyEvent: (ev: UploadEvent) => void;
}

/** Whether the server has the similar-files route; learnt from the first answer. */
let similarSupported: boolean | null = null;
let seq = 0;

/** The path the desktop app recorded when it uploaded the file (user metadata), if any. */
export function localPathOf(u: UploadDetail | null): string | null {
  const p = u?.user_metadata.source_path ?? u?.user_metadata.path;
  return typeof p === 'string' && /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p) ? p : null;
}

export const useDetail = create<DetailState>()((set, get) => ({
  openId: null,
  hint: null,
  upload: null,
  loading: false,
  error: null,
  actionError: null,
  similar: null,

  async open(id, hint = null) {
    const mine = ++seq;
    set({ openId: id, hint, upload: null, loading: true, error: null, actionError: null, similar: null });
    const { api } = getServices();
    try {
      const upload = await api.metadata(id);
      if (mine !== seq) return;
      set({ upload: withAbsoluteLinks(upload, (u) => api.absolute(u)), loading: false });
    } catch (err) {
      if (mine !== seq) return;
      set({ loading: false, error: err instanceof ApiError ? err.message : 'This file could not be loaded.' });
      return;
    }
    if (similarSupported === false) return;
    try {
      const res = await api.similar(id);
      if (mine !== seq) return;
      similarSupported = res !== null;
      if (res) set({ similar: res.results.filter((r) => r.upload_id !== id).map((r) => fromSearchResult(r, (u) => api.absolute(u))) });
    } catch {
      // The action stays hidden.
    }
  },

  close() {
    seq += 1;
    set({ openId: null, hint: null, upload: null, loading: false, error: null, actionError: null, similar: null });
  },

  async download() {
    const { upload, openId } = get();
    if (!openId) return;
    const url = await useMedia.getState().resolve(openId, 'download', { fresh: true });
    if (!url) {
      set({ actionError: 'The download link could not be made. Try again.' });
      return;
    }
    getServices().bridge.download(url, upload?.filename ?? 'download');
  },

  findSimilar() {
    const { similar, upload, hint, openId } = get();
    if (!similar || !openId) return;
    useSearch.getState().showSimilar({ id: openId, filename: upload?.filename ?? hint?.filename ?? 'this file' }, similar);
    useNavigation.getState().go('search');
    get().close();
  },

  reveal: () => onLocalCopy(get().upload, set, (path) => getServices().bridge.reveal(path)),
  openLocally: () => onLocalCopy(get().upload, set, (path) => getServices().bridge.open(path)),

  applyEvent(ev) {
    if (ev.upload_id !== get().openId) return;
    if (ev.deleted) {
      get().close();
      return;
    }
    if (ev.status === 'completed' || ev.status === 'failed') void get().open(ev.upload_id, get().hint);
  },
}));

/** A desktop action on the file's local copy, when it has one; a failure shows as the panel's action error. */
async function onLocalCopy(
  upload: UploadDetail | null, set: (patch: Pick<DetailState, 'actionError'>) => void, act: (path: string) => Promise<void>,
): Promise<void> {
  const path = localPathOf(upload);
  if (!path) return;
  try {
    await act(path);
  } catch (err) {
    set({ actionError: err instanceof Error ? err.message : String(err) });
  }
}

/** For tests: forget what was learnt about the similar-files route. */
export function resetSimilarSupport(): void {
  similarSupported = null;
}
