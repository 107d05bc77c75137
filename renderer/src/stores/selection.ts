/**
 * Which files are selected, in the search grid or the library (one place at a time). Ctrl/Cmd-click,
 * the checkbox and Space toggle one file; Shift-click selects from the last toggled file (the
 * anchor) to the clicked one, keeping what was selected before; Ctrl/Cmd+A selects every file shown;
 * Esc clears. A new search, another library page or another view starts afresh.
 */
import { create } from 'zustand';
import { useLibrary } from './library.ts';
import { useNavigation } from './navigation.ts';
import { useSearch } from './search.ts';

export type SelectionScope = 'search' | 'library';

export interface SelectionState {
  scope: SelectionScope | null;
  /** Selected ids, in the order they were selected. */
  ids: string[];
  /** Where a Shift-click range starts: the last file toggled. */
  anchor: string | null;
  /** The selection as it was when the anchor was set; a range is added to it, not to an earlier range. */
  base: string[];

  toggle: (scope: SelectionScope, id: string) => void;
  /** Shift-click: from the anchor to `id` along `order` (the files as shown). */
  selectRange: (scope: SelectionScope, order: readonly string[], id: string) => void;
  selectAll: (scope: SelectionScope, order: readonly string[]) => void;
  /** Files that went away (deleted here or in another window) leave the selection. */
  drop: (ids: readonly string[]) => void;
  clear: () => void;
}

const empty = { scope: null, ids: [] as string[], anchor: null, base: [] as string[] };

export const useSelection = create<SelectionState>()((set, get) => ({
  ...empty,

  toggle(scope, id) {
    const current = get().scope === scope ? get().ids : [];
    const ids = current.includes(id) ? current.filter((x) => x !== id) : [...current, id];
    set({ scope, ids, anchor: id, base: ids });
  },

  selectRange(scope, order, id) {
    const sameScope = get().scope === scope;
    const anchor = sameScope ? get().anchor : null;
    const from = anchor === null ? -1 : order.indexOf(anchor);
    const to = order.indexOf(id);
    if (to < 0) return;
    if (from < 0) {
      // No anchor among the files shown: the click starts one.
      get().toggle(scope, id);
      return;
    }
    const range = order.slice(Math.min(from, to), Math.max(from, to) + 1);
    const base = sameScope ? get().base : [];
    const inRange = new Set(range);
    set({ scope, ids: [...base.filter((x) => !inRange.has(x)), ...range], anchor, base });
  },

  selectAll(scope, order) {
    set({ scope, ids: [...order], anchor: get().scope === scope ? get().anchor : null, base: [...order] });
  },

  drop(gone) {
    const out = new Set(gone);
    const { ids, base, anchor } = get();
    if (!ids.some((x) => out.has(x)) && !(anchor && out.has(anchor))) return;
    const left = ids.filter((x) => !out.has(x));
    set({ ids: left, base: base.filter((x) => !out.has(x)), anchor: anchor && out.has(anchor) ? null : anchor, scope: left.length ? get().scope : null });
  },

  clear() {
    if (get().scope !== null || get().ids.length > 0) set({ ...empty });
  },
}));

/** The selected ids of one place (empty when the selection is elsewhere). */
export const selectedIn = (s: Pick<SelectionState, 'scope' | 'ids'>, scope: SelectionScope): string[] => (s.scope === scope ? s.ids : []);

// What is on screen changed under the selection: it no longer means anything.
useSearch.subscribe((now, before) => {
  // Filters live in the query text (chips rewrite it), so a new query is a new search.
  if (now.query !== before.query || now.similarTo !== before.similarTo) {
    if (useSelection.getState().scope === 'search') useSelection.getState().clear();
  }
});
useLibrary.subscribe((now, before) => {
  if (now.offset !== before.offset || now.fileType !== before.fileType || now.status !== before.status) {
    if (useSelection.getState().scope === 'library') useSelection.getState().clear();
  }
});
useNavigation.subscribe((now, before) => {
  if (now.view !== before.view) useSelection.getState().clear();
});
