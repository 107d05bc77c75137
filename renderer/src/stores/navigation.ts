import { create } from 'zustand';

export type View = 'search' | 'library' | 'deleted' | 'settings';

interface NavigationState {
  view: View;
  /** Bumped to ask the search box to take focus (`/`, Ctrl+K). */
  searchFocus: number;
  go: (view: View) => void;
  focusSearch: () => void;
}

export const useNavigation = create<NavigationState>()((set) => ({
  view: 'search',
  searchFocus: 0,
  go: (view) => set({ view }),
  focusSearch: () => set((s) => ({ view: 'search', searchFocus: s.searchFocus + 1 })),
}));
