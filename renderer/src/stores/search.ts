/**
 * Search: the query and its filters, live results as the user types (debounced, stale answers
 * ignored), and — with an empty query — the most recent files, loaded page by page.
 */
import { create } from 'zustand';
import type { SearchBody, UploadEvent } from '../../../shared/api/schemas.ts';
import type { FileType } from '../../../shared/file-types.ts';
import { ApiError, isAbort } from '../api/errors.ts';
import { fromSearchResult, fromUpload, type GridItem } from '../lib/items.ts';
import { getServices } from '../services.ts';

export type SortOrder = 'relevance' | 'date';
export const SEARCH_DEBOUNCE_MS = 250;
const SEARCH_LIMIT = 100;
const RECENT_PAGE = 100;

export interface SearchState {
  query: string;
  types: FileType[];
  /** yyyy-mm-dd from the date inputs, '' when open-ended. */
  dateFrom: string;
  dateTo: string;
  sort: SortOrder;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  results: GridItem[];
  tookMs: number | null;
  /** Set while showing files similar to one file instead of a text search. */
  similarTo: { id: string; filename: string } | null;
  recent: GridItem[];
  recentTotal: number;
  recentHasMore: boolean;
  recentLoading: boolean;
  recentError: string | null;

  setQuery: (query: string) => void;
  toggleType: (type: FileType) => void;
  setDateFrom: (date: string) => void;
  setDateTo: (date: string) => void;
  setSort: (sort: SortOrder) => void;
  clearFilters: () => void;
  /** Runs the current search now (Enter in the box, a filter change). */
  runNow: () => Promise<void>;
  showSimilar: (of: { id: string; filename: string }, items: GridItem[]) => void;
  clearSimilar: () => void;
  loadRecent: (opts?: { more?: boolean; quiet?: boolean }) => Promise<void>;
  removeItem: (id: string) => void;
  applyEvent: (ev: UploadEvent) => void;
  reset: () => void;
}

let debounceTimer: ReturnType<typeof setTimeout> | undefined;
let recentRefreshTimer: ReturnType<typeof setTimeout> | undefined;
let seq = 0;
let inflight: AbortController | null = null;
let recentSeq = 0;

const initial = {
  query: '', types: [] as FileType[], dateFrom: '', dateTo: '', sort: 'relevance' as SortOrder,
  status: 'idle' as const, error: null, results: [] as GridItem[], tookMs: null, similarTo: null,
  recent: [] as GridItem[], recentTotal: 0, recentHasMore: false, recentLoading: false, recentError: null,
};

/** The API's search body for the current state. */
export function searchBody(s: Pick<SearchState, 'query' | 'types' | 'dateFrom' | 'dateTo'>): SearchBody {
  const body: SearchBody = { query: s.query.trim(), limit: SEARCH_LIMIT };
  if (s.types.length > 0) body.file_types = [...s.types];
  if (s.dateFrom) body.date_from = new Date(`${s.dateFrom}T00:00:00`).toISOString();
  if (s.dateTo) body.date_to = new Date(`${s.dateTo}T23:59:59.999`).toISOString();
  return body;
}

export const useSearch = create<SearchState>()((set, get) => {
  const schedule = (delay: number) => {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => void get().runNow(), delay);
  };

  return {
    ...initial,

    setQuery(query) {
      set({ query, similarTo: null });
      if (query.trim() === '') {
        clearTimeout(debounceTimer);
        inflight?.abort();
        seq += 1;
        set({ status: 'idle', results: [], error: null, tookMs: null });
        return;
      }
      schedule(SEARCH_DEBOUNCE_MS);
    },

    toggleType(type) {
      const types = get().types.includes(type) ? get().types.filter((t) => t !== type) : [...get().types, type];
      set({ types });
      if (get().query.trim() !== '') schedule(0);
    },

    setDateFrom(dateFrom) {
      set({ dateFrom });
      if (get().query.trim() !== '') schedule(0);
    },

    setDateTo(dateTo) {
      set({ dateTo });
      if (get().query.trim() !== '') schedule(0);
    },

    setSort: (sort) => set({ sort }),

    clearFilters() {
      set({ types: [], dateFrom: '', dateTo: '' });
      if (get().query.trim() !== '') schedule(0);
    },

    async runNow() {
      clearTimeout(debounceTimer);
      const state = get();
      if (state.query.trim() === '') return;
      inflight?.abort();
      const controller = new AbortController();
      inflight = controller;
      const mine = ++seq;
      set({ status: 'loading', error: null, similarTo: null });
      const { api } = getServices();
      try {
        const res = await api.search(searchBody(state), controller.signal);
        // A slower answer to an older query must not replace a newer one.
        if (mine !== seq) return;
        set({ status: 'ready', results: res.results.map((r) => fromSearchResult(r, (u) => api.absolute(u))), tookMs: res.processing_time_ms });
      } catch (err) {
        if (mine !== seq || isAbort(err)) return;
        set({ status: 'error', error: err instanceof ApiError ? err.message : 'The search failed.' });
      } finally {
        if (inflight === controller) inflight = null;
      }
    },

    showSimilar(of, items) {
      clearTimeout(debounceTimer);
      inflight?.abort();
      seq += 1;
      set({ similarTo: of, query: '', results: items, status: 'ready', error: null, tookMs: null });
    },

    clearSimilar: () => set({ similarTo: null, results: [], status: 'idle' }),

    async loadRecent(opts = {}) {
      const { more = false, quiet = false } = opts;
      const state = get();
      if (more && (!state.recentHasMore || state.recentLoading)) return;
      const mine = ++recentSeq;
      if (!quiet) set({ recentLoading: true, recentError: null });
      const { api } = getServices();
      try {
        // A quiet refresh (new files finished) re-reads what is on screen, at least one page.
        const limit = quiet ? Math.min(100, Math.max(RECENT_PAGE, state.recent.length)) : RECENT_PAGE;
        const offset = more ? state.recent.length : 0;
        const page = await api.listUploads({ limit, offset });
        if (mine !== recentSeq) return;
        const items = page.uploads.map((u) => fromUpload(u, (x) => api.absolute(x)));
        if (more) {
          const seen = new Set(get().recent.map((i) => i.id));
          set({ recent: [...get().recent, ...items.filter((i) => !seen.has(i.id))], recentTotal: page.total, recentHasMore: page.has_more, recentLoading: false });
        } else if (quiet && state.recent.length > items.length) {
          // Keep the already-loaded tail below the refreshed first page.
          const fresh = new Set(items.map((i) => i.id));
          set({ recent: [...items, ...state.recent.slice(items.length).filter((i) => !fresh.has(i.id))], recentTotal: page.total, recentLoading: false });
        } else {
          set({ recent: items, recentTotal: page.total, recentHasMore: page.has_more, recentLoading: false });
        }
      } catch (err) {
        if (mine !== recentSeq) return;
        set({ recentLoading: false, recentError: err instanceof ApiError ? err.message : 'Your files could not be loaded.' });
      }
    },

    removeItem(id) {
      set((s) => ({
        results: s.results.filter((r) => r.id !== id),
        recent: s.recent.filter((r) => r.id !== id),
        recentTotal: s.recent.some((r) => r.id === id) ? Math.max(0, s.recentTotal - 1) : s.recentTotal,
      }));
    },

    applyEvent(ev) {
      if (ev.deleted) {
        get().removeItem(ev.upload_id);
        return;
      }
      const patch = (items: GridItem[]) => items.map((i) => (i.id === ev.upload_id ? { ...i, status: ev.status } : i));
      set((s) => ({ recent: patch(s.recent) }));
      // A new or finished file changes the recent list: refresh it once things settle.
      const known = get().recent.some((i) => i.id === ev.upload_id);
      if (!known || ev.status === 'completed' || ev.status === 'failed') {
        clearTimeout(recentRefreshTimer);
        recentRefreshTimer = setTimeout(() => void get().loadRecent({ quiet: true }), 250);
      }
    },

    reset() {
      clearTimeout(debounceTimer);
      clearTimeout(recentRefreshTimer);
      inflight?.abort();
      seq += 1;
      recentSeq += 1;
      set({ ...initial });
    },
  };
});

/** What the grid shows: search results (sorted as asked) or the recent files, filtered. */
export function visibleItems(s: SearchState): GridItem[] {
  if (s.similarTo) return s.results;
  if (s.query.trim() !== '') {
    if (s.sort === 'date') return [...s.results].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return s.results;
  }
  const from = s.dateFrom ? new Date(`${s.dateFrom}T00:00:00`).getTime() : -Infinity;
  const to = s.dateTo ? new Date(`${s.dateTo}T23:59:59.999`).getTime() : Infinity;
  if (s.types.length === 0 && from === -Infinity && to === Infinity) return s.recent;
  return s.recent.filter((i) => {
    const t = new Date(i.createdAt).getTime();
    return (s.types.length === 0 || s.types.includes(i.fileType)) && t >= from && t <= to;
  });
}
