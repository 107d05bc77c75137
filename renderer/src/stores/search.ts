/**
 * Search: the query, live results as the user types (debounced, stale answers ignored), what the
 * server understood the query to mean (chips) with counts over every match (facets), further pages
 * of the ranked list on demand — and, with an empty query, the most recent files, page by page.
 * The query text is the only place a filter lives: chips and facets rewrite it (lib/query-chips.ts).
 */
import { create } from 'zustand';
import type { InterpretedQuery, SearchBody, SearchFacets, SearchSort, UploadEvent } from '../../../shared/api/schemas.ts';
import { ApiError, isAbort } from '../api/errors.ts';
import { queryWithFacet, queryWithout, type FacetKey, type QueryChip } from '../lib/query-chips.ts';
import { fromSearchResult, fromUpload, type GridItem } from '../lib/items.ts';
import { getServices } from '../services.ts';

export type SortOrder = Exclude<SearchSort, 'date'>;
export const SORT_ORDERS: readonly SortOrder[] = ['relevance', 'newest', 'oldest', 'name', 'size'];
export const SEARCH_DEBOUNCE_MS = 250;
/** Results per request: the first page and each one scrolled to. */
export const SEARCH_PAGE = 100;
const RECENT_PAGE = 100;

export interface SearchState {
  query: string;
  sort: SortOrder;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  results: GridItem[];
  tookMs: number | null;
  /** The answer's reading of the query and its counts; null until one arrives. */
  interpreted: InterpretedQuery | null;
  facets: SearchFacets | null;
  /** Results in the whole ranked list, and where its next page starts (null at the end). */
  total: number;
  nextOffset: number | null;
  /** Weaker matches the server's relevance cut-off left out (`more_below_cutoff`), and whether they are asked for too. */
  moreBelowCutoff: number;
  includeWeaker: boolean;
  loadingMore: boolean;
  moreError: string | null;
  /** Set while showing files similar to one file instead of a text search. */
  similarTo: { id: string; filename: string } | null;
  recent: GridItem[];
  recentTotal: number;
  recentHasMore: boolean;
  recentLoading: boolean;
  recentError: string | null;

  setQuery: (query: string) => void;
  /** Puts this text in the box and searches at once (a recent search, a suggestion, a chip, a facet). */
  searchFor: (query: string) => void;
  removeChip: (chip: QueryChip) => void;
  applyFacet: (key: FacetKey, value: string) => void;
  setSort: (sort: SortOrder) => void;
  /** Runs the current search now (Enter in the box, a sort change). */
  runNow: () => Promise<void>;
  /** Searches again with the weaker matches the cut-off left out, listed after the others ("Show N weaker matches"). */
  showWeaker: () => Promise<void>;
  /** The next page of the ranked list, appended (scrolling to the end, "Load more"). */
  loadMore: () => Promise<void>;
  showSimilar: (of: { id: string; filename: string }, items: GridItem[]) => void;
  clearSimilar: () => void;
  loadRecent: (opts?: { more?: boolean; quiet?: boolean }) => Promise<void>;
  removeItem: (id: string) => void;
  applyEvent: (ev: UploadEvent) => void;
  reset: () => void;
}

let debounceTimer: ReturnType<typeof setTimeout> | undefined;
let recentRefreshTimer: ReturnType<typeof setTimeout> | undefined;
/** Counts searches: an answer to an older one (or a page of it) is dropped. */
let seq = 0;
let inflight: AbortController | null = null;
let recentSeq = 0;

const noAnswer = {
  status: 'idle' as const, error: null, results: [] as GridItem[], tookMs: null, interpreted: null, facets: null,
  total: 0, nextOffset: null, moreBelowCutoff: 0, loadingMore: false, moreError: null,
};
const initial = {
  query: '', sort: 'relevance' as SortOrder, ...noAnswer, includeWeaker: false, similarTo: null,
  recent: [] as GridItem[], recentTotal: 0, recentHasMore: false, recentLoading: false, recentError: null,
};

/** The user's time zone, so "2019" and "last week" are their days, not UTC's. */
function timeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The API's search body for the current state (a page further down when `offset` is given). */
export function searchBody(s: Pick<SearchState, 'query' | 'sort'> & Partial<Pick<SearchState, 'includeWeaker'>>, offset = 0): SearchBody {
  const zone = timeZone();
  return {
    query: s.query.trim(), limit: SEARCH_PAGE, ...(s.includeWeaker ? { include_weaker: true } : {}),
    ...(s.sort !== 'relevance' ? { sort: s.sort } : {}), ...(offset > 0 ? { offset } : {}), ...(zone ? { time_zone: zone } : {}),
  };
}

export const useSearch = create<SearchState>()((set, get) => {
  const schedule = (delay: number) => {
    clearTimeout(debounceTimer);
    debounceTimer = setTimeout(() => void get().runNow(), delay);
  };
  const failure = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

  return {
    ...initial,

    setQuery(query) {
      // Weaker matches were asked for one search; a new query starts with the cut-off again.
      set({ query, similarTo: null, includeWeaker: false });
      if (query.trim() === '') {
        clearTimeout(debounceTimer);
        inflight?.abort();
        seq += 1;
        set({ ...noAnswer });
        return;
      }
      schedule(SEARCH_DEBOUNCE_MS);
    },

    searchFor(query) {
      get().setQuery(query);
      if (query.trim() !== '') void get().runNow();
    },

    removeChip(chip) {
      const { interpreted } = get();
      if (interpreted) get().searchFor(queryWithout(interpreted, chip));
    },

    applyFacet(key, value) {
      const { interpreted } = get();
      if (interpreted) get().searchFor(queryWithFacet(interpreted, key, value));
    },

    setSort(sort) {
      set({ sort });
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
      set({ status: 'loading', error: null, similarTo: null, loadingMore: false, moreError: null });
      const { api } = getServices();
      try {
        const res = await api.search(searchBody(state), controller.signal);
        // A slower answer to an older query must not replace a newer one.
        if (mine !== seq) return;
        set({
          status: 'ready', results: res.results.map((r) => fromSearchResult(r, (u) => api.absolute(u))), tookMs: res.processing_time_ms,
          interpreted: res.interpreted ?? null, facets: res.facets ?? null, total: res.total ?? res.results.length, nextOffset: res.next_offset ?? null,
          moreBelowCutoff: res.more_below_cutoff ?? 0,
        });
      } catch (err) {
        if (mine !== seq || isAbort(err)) return;
        set({ status: 'error', error: failure(err, 'The search failed.') });
      } finally {
        if (inflight === controller) inflight = null;
      }
    },

    async showWeaker() {
      if (get().query.trim() === '' || get().similarTo) return;
      set({ includeWeaker: true });
      await get().runNow();
    },

    async loadMore() {
      const state = get();
      if (state.status !== 'ready' || state.nextOffset === null || state.loadingMore || state.similarTo) return;
      // A page belongs to the search it continues: a new search (seq moves on) drops it.
      const mine = seq;
      const controller = new AbortController();
      inflight = controller;
      set({ loadingMore: true, moreError: null });
      const { api } = getServices();
      try {
        const res = await api.search(searchBody(state, state.nextOffset), controller.signal);
        if (mine !== seq) return;
        const seen = new Set(get().results.map((r) => r.id));
        const more = res.results.filter((r) => !seen.has(r.upload_id)).map((r) => fromSearchResult(r, (u) => api.absolute(u)));
        set({ results: [...get().results, ...more], nextOffset: res.next_offset ?? null, total: res.total ?? get().total, loadingMore: false });
      } catch (err) {
        if (mine !== seq || isAbort(err)) return;
        set({ loadingMore: false, moreError: failure(err, 'More results could not be loaded.') });
      } finally {
        if (inflight === controller) inflight = null;
      }
    },

    showSimilar(of, items) {
      clearTimeout(debounceTimer);
      inflight?.abort();
      seq += 1;
      set({ ...noAnswer, similarTo: of, query: '', results: items, status: 'ready', total: items.length });
    },

    clearSimilar: () => set({ ...noAnswer, similarTo: null }),

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

/** What the grid shows: search results (in the order the server sorted them) or the recent files. */
export function visibleItems(s: Pick<SearchState, 'query' | 'similarTo' | 'results' | 'recent'>): GridItem[] {
  return s.similarTo || s.query.trim() !== '' ? s.results : s.recent;
}
