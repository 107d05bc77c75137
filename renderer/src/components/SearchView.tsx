import { useCallback, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { GridItem } from '../lib/items.ts';
import { useDeletion } from '../stores/deletion.ts';
import { useDetail } from '../stores/detail.ts';
import { useSearch, visibleItems } from '../stores/search.ts';
import { ResultsGrid } from './ResultsGrid.tsx';
import { SelectionBar } from './selection/SelectionBar.tsx';
import { EmptyState } from './search/EmptyState.tsx';
import { FacetPanel } from './search/FacetPanel.tsx';
import { LoadMore } from './search/LoadMore.tsx';
import { ResultsStatus } from './search/ResultsStatus.tsx';
import { SearchBox } from './search/SearchBox.tsx';
import { SearchFilters } from './search/SearchFilters.tsx';

/** The home view: the search box, what it was understood to ask, what it found and its counts — or the recent files while nothing is asked. */
export function SearchView() {
  const state = useSearch(useShallow((s) => ({
    query: s.query, results: s.results, similarTo: s.similarTo, recent: s.recent, status: s.status, recentLoading: s.recentLoading,
    recentHasMore: s.recentHasMore,
  })));
  const items = useMemo(() => visibleItems(state), [state]);
  const selectable = useMemo(() => items.map((i) => ({ id: i.id, filename: i.filename, failed: i.status === 'failed' })), [items]);
  const openDetail = useDetail((s) => s.open);
  const requestDelete = useDeletion((s) => s.request);
  const searching = state.query.trim() !== '' || state.similarTo !== null;
  const textSearch = state.query.trim() !== '' && state.similarTo === null;

  const onOpen = useCallback((item: GridItem) => void openDetail(item.id, item), [openDetail]);
  const onDelete = useCallback((item: GridItem) => requestDelete(item.id, item.filename), [requestDelete]);
  const onEndReached = useCallback(() => {
    if (textSearch) void useSearch.getState().loadMore();
    else if (!searching && state.recentHasMore) void useSearch.getState().loadRecent({ more: true });
  }, [searching, textSearch, state.recentHasMore]);

  const showEmpty = items.length === 0 && (searching ? state.status === 'ready' : !state.recentLoading);

  return (
    <section className="view search-view" aria-labelledby="search-heading">
      <h1 id="search-heading" className="visually-hidden">Search</h1>
      <div className="search-header">
        <SearchBox />
        <SearchFilters />
        <ResultsStatus count={items.length} />
        <SelectionBar scope="search" files={selectable} />
      </div>
      <div className="search-body">
        {showEmpty ? <EmptyState searching={searching} /> : (
          <ResultsGrid items={items} label={searching ? 'Search results' : 'Recent files'} onOpen={onOpen} onDelete={onDelete} onEndReached={onEndReached} selectionScope="search"
            footer={textSearch ? <LoadMore /> : undefined} />
        )}
        {textSearch && <FacetPanel />}
      </div>
    </section>
  );
}
