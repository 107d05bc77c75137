/**
 * What the search box offers before a search runs: the user's recent searches (each query once,
 * newest first, removable) while the box is empty, and suggestions from their own tags, objects and
 * cameras for the word being typed (debounced; an answer for an older word is dropped).
 */
import { create } from 'zustand';
import type { SearchSuggestion } from '../../../shared/api/schemas.ts';
import { ApiError, isAbort } from '../api/errors.ts';
import { getServices } from '../services.ts';

export const SUGGEST_DEBOUNCE_MS = 150;
/** Recent searches shown under the box. */
export const HISTORY_SHOWN = 8;
/** History entries read to find that many distinct queries (paging through results records each page). */
const HISTORY_READ = 50;
const SUGGESTIONS_SHOWN = 6;
/** Shorter words suggest too much to be useful. */
const MIN_PREFIX = 2;

export interface RecentSearch {
  id: string;
  query: string;
}

export interface SearchAssistState {
  history: RecentSearch[];
  historyError: string | null;
  /** The word the suggestions are for, and the suggestions. */
  prefix: string;
  suggestions: SearchSuggestion[];

  loadHistory: () => Promise<void>;
  /** Forgets one recent search (every time it was run); `null`: all of them. */
  forget: (id: string | null) => Promise<void>;
  /** Asks for suggestions for the word being typed at the end of `query` (after a pause). */
  suggestFor: (query: string) => void;
  clearSuggestions: () => void;
  reset: () => void;
}

let suggestTimer: ReturnType<typeof setTimeout> | undefined;
let suggestSeq = 0;
let suggestInflight: AbortController | null = null;
let historySeq = 0;

/** The word being typed: the query's last word, unless it is an operator, an exclusion or inside a quoted phrase. */
export function typedWord(query: string): string {
  if (/\s$/.test(query) || (query.match(/"/g)?.length ?? 0) % 2 === 1) return '';
  const word = query.split(/\s+/).pop() ?? '';
  return word.length >= MIN_PREFIX && !/[:"]/.test(word) && !word.startsWith('-') ? word : '';
}

/** The newest entry of each query, case and spacing aside. */
function distinct(entries: readonly RecentSearch[]): RecentSearch[] {
  const seen = new Set<string>();
  return entries.filter((e) => {
    const key = e.query.trim().replace(/\s+/g, ' ').toLowerCase();
    if (key === '' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const initial = { history: [] as RecentSearch[], historyError: null, prefix: '', suggestions: [] as SearchSuggestion[] };

export const useSearchAssist = create<SearchAssistState>()((set, get) => ({
  ...initial,

  async loadHistory() {
    const mine = ++historySeq;
    try {
      const page = await getServices().api.searchHistory(HISTORY_READ);
      if (mine !== historySeq) return;
      set({ history: distinct(page.history).slice(0, HISTORY_SHOWN), historyError: null });
    } catch (err) {
      if (mine !== historySeq) return;
      set({ historyError: err instanceof ApiError ? err.message : 'Recent searches could not be loaded.' });
    }
  },

  async forget(id) {
    const before = get().history;
    // Gone at once; put back if the server refuses.
    set({ history: id === null ? [] : before.filter((e) => e.id !== id), historyError: null });
    historySeq += 1;
    try {
      await getServices().api.forgetSearch(id);
    } catch (err) {
      // Already forgotten (another window) is what was asked for.
      if (err instanceof ApiError && err.code === 'NOT_FOUND') return;
      set({ history: before, historyError: err instanceof ApiError ? err.message : 'That search could not be removed.' });
      return;
    }
    // Older repeats of other queries may now fit in the list.
    if (id !== null) await get().loadHistory();
  },

  suggestFor(query) {
    clearTimeout(suggestTimer);
    const word = typedWord(query);
    if (word === '') {
      get().clearSuggestions();
      return;
    }
    if (word.toLowerCase() !== get().prefix.toLowerCase()) set({ prefix: word, suggestions: [] });
    suggestTimer = setTimeout(() => {
      suggestInflight?.abort();
      const controller = new AbortController();
      suggestInflight = controller;
      const mine = ++suggestSeq;
      getServices().api.searchSuggestions(word, SUGGESTIONS_SHOWN, controller.signal).then((res) => {
        // An answer for a word no longer being typed is dropped.
        if (mine === suggestSeq) set({ prefix: word, suggestions: res.suggestions });
      }, (err: unknown) => {
        // Suggestions are a convenience: a failure only means none are shown.
        if (mine === suggestSeq && !isAbort(err)) set({ suggestions: [] });
      }).finally(() => {
        if (suggestInflight === controller) suggestInflight = null;
      });
    }, SUGGEST_DEBOUNCE_MS);
  },

  clearSuggestions() {
    clearTimeout(suggestTimer);
    suggestInflight?.abort();
    suggestSeq += 1;
    set({ prefix: '', suggestions: [] });
  },

  reset() {
    get().clearSuggestions();
    historySeq += 1;
    set({ ...initial });
  },
}));
