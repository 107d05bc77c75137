import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FILE_TYPES } from '../../../shared/file-types.ts';
import { TYPE_LABELS, type GridItem } from '../lib/items.ts';
import { useDeletion } from '../stores/deletion.ts';
import { useDetail } from '../stores/detail.ts';
import { useNavigation } from '../stores/navigation.ts';
import { useSearch, visibleItems, type SortOrder } from '../stores/search.ts';
import { useUploads } from '../stores/uploads.ts';
import { BrowseButton } from './BrowseButton.tsx';
import { CloseIcon, SearchIcon, SparkleIcon } from './Icons.tsx';
import { ResultsGrid } from './ResultsGrid.tsx';

export const SEARCH_LABEL = 'Search your files\u2026';

export function SearchBox() {
  const query = useSearch((s) => s.query);
  const setQuery = useSearch((s) => s.setQuery);
  const runNow = useSearch((s) => s.runNow);
  const focusRequest = useNavigation((s) => s.searchFocus);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusRequest > 0) {
      input.current?.focus();
      input.current?.select();
    }
  }, [focusRequest]);

  return (
    <form className="search-box" role="search" onSubmit={(e) => { e.preventDefault(); void runNow(); }}>
      <SearchIcon className="search-box-icon" size={20} />
      <input
        ref={input}
        type="search"
        aria-label={SEARCH_LABEL}
        placeholder={SEARCH_LABEL}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && query !== '') {
            e.preventDefault();
            setQuery('');
          } else if (e.key === 'ArrowDown') {
            // Down from the box goes into the results.
            const grid = document.querySelector<HTMLElement>('.grid-scroll [tabindex="0"], .grid-scroll[tabindex="0"]');
            if (grid) {
              e.preventDefault();
              grid.focus();
            }
          }
        }}
        autoComplete="off"
        spellCheck={false}
        maxLength={1000}
      />
      {query === '' ? <kbd className="search-box-hint" aria-hidden="true">/</kbd> : (
        <button type="button" className="icon-button search-box-clear" aria-label="Clear search" onClick={() => { setQuery(''); input.current?.focus(); }}>
          <CloseIcon size={16} />
        </button>
      )}
    </form>
  );
}

function Filters() {
  const { types, dateFrom, dateTo, sort, query, similar } = useSearch(useShallow((s) => ({
    types: s.types, dateFrom: s.dateFrom, dateTo: s.dateTo, sort: s.sort, query: s.query, similar: s.similarTo,
  })));
  const { toggleType, setDateFrom, setDateTo, setSort, clearFilters } = useSearch.getState();
  const filtered = types.length > 0 || dateFrom !== '' || dateTo !== '';
  if (similar) return null;
  return (
    <div className="filters" role="toolbar" aria-label="Filters">
      <div className="chip-group" role="group" aria-label="File types">
        {FILE_TYPES.map((t) => (
          <button key={t} type="button" className={`chip chip-${t}`} aria-pressed={types.includes(t)} onClick={() => toggleType(t)}>
            {TYPE_LABELS[t].many}
          </button>
        ))}
      </div>
      <div className="date-range" role="group" aria-label="Date range">
        <label className="field-inline">
          <span>From</span>
          <input type="date" value={dateFrom} max={dateTo || undefined} onChange={(e) => setDateFrom(e.target.value)} />
        </label>
        <label className="field-inline">
          <span>To</span>
          <input type="date" value={dateTo} min={dateFrom || undefined} onChange={(e) => setDateTo(e.target.value)} />
        </label>
      </div>
      <label className="field-inline sort">
        <span>Sort by</span>
        <select value={sort} disabled={query.trim() === ''} onChange={(e) => setSort(e.target.value as SortOrder)}>
          <option value="relevance">Relevance</option>
          <option value="date">Newest first</option>
        </select>
      </label>
      {filtered && <button type="button" className="link-button" onClick={clearFilters}>Clear filters</button>}
    </div>
  );
}

function ResultsStatus({ count }: { count: number }) {
  const { status, error, query, tookMs, similarTo, recentTotal, recentLoading, recentError } = useSearch(useShallow((s) => ({
    status: s.status, error: s.error, query: s.query, tookMs: s.tookMs, similarTo: s.similarTo,
    recentTotal: s.recentTotal, recentLoading: s.recentLoading, recentError: s.recentError,
  })));
  const clearSimilar = useSearch((s) => s.clearSimilar);
  let text: string;
  if (similarTo) text = `${count} ${count === 1 ? 'file' : 'files'} similar to \u201c${similarTo.filename}\u201d`;
  else if (query.trim() === '') text = recentError ?? (recentLoading && recentTotal === 0 ? 'Loading your files\u2026' : `Recent files \u00b7 ${recentTotal.toLocaleString()} in your Trove`);
  else if (status === 'loading') text = 'Searching\u2026';
  else if (status === 'error') text = error ?? 'The search failed.';
  else if (status === 'ready') text = `${count} ${count === 1 ? 'result' : 'results'} for \u201c${query.trim()}\u201d${tookMs !== null ? ` \u00b7 ${Math.round(tookMs)} ms` : ''}`;
  else text = '';
  return (
    <div className="results-status">
      <p role="status" aria-live="polite" className={status === 'error' || recentError ? 'is-error' : undefined}>
        {status === 'loading' && <span className="spinner spinner-small" aria-hidden="true" />}
        {text}
      </p>
      {similarTo && (
        <button type="button" className="link-button" onClick={clearSimilar}>
          Back to recent files
        </button>
      )}
    </div>
  );
}

function EmptyState({ searching, filtered }: { searching: boolean; filtered: boolean }) {
  const browse = useUploads((s) => s.addFiles);
  const clearFilters = useSearch((s) => s.clearFilters);
  if (!searching && filtered) {
    return (
      <div className="empty-state">
        <SearchIcon size={40} />
        <h2>No files match these filters</h2>
        <button type="button" className="button" onClick={clearFilters}>Clear filters</button>
      </div>
    );
  }
  if (searching) {
    return (
      <div className="empty-state">
        <SearchIcon size={40} />
        <h2>No matches</h2>
        <p>Try other words, fewer filters, or describe what the file shows or says.</p>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <SparkleIcon size={40} />
      <h2>Your Trove is empty</h2>
      <p>Drop images, videos, audio or documents anywhere in this window, or choose them. Trove reads what they show and say, so you can find them by describing them.</p>
      <BrowseButton onFiles={(files) => void browse(files)} primary />
    </div>
  );
}

export function SearchView() {
  const state = useSearch(useShallow((s) => ({
    query: s.query, types: s.types, dateFrom: s.dateFrom, dateTo: s.dateTo, sort: s.sort, results: s.results,
    similarTo: s.similarTo, recent: s.recent, status: s.status, recentLoading: s.recentLoading, recentHasMore: s.recentHasMore,
  })));
  const items = useMemo(() => visibleItems({ ...useSearch.getState(), ...state }), [state]);
  const openDetail = useDetail((s) => s.open);
  const requestDelete = useDeletion((s) => s.request);
  const searching = state.query.trim() !== '' || state.similarTo !== null;

  const onOpen = useCallback((item: GridItem) => void openDetail(item.id, item), [openDetail]);
  const onDelete = useCallback((item: GridItem) => requestDelete(item.id, item.filename), [requestDelete]);
  const onEndReached = useCallback(() => {
    if (!searching && state.recentHasMore) void useSearch.getState().loadRecent({ more: true });
  }, [searching, state.recentHasMore]);

  const showEmpty = items.length === 0 && (searching ? state.status === 'ready' : !state.recentLoading);

  return (
    <section className="view search-view" aria-labelledby="search-heading">
      <h1 id="search-heading" className="visually-hidden">Search</h1>
      <div className="search-header">
        <SearchBox />
        <Filters />
        <ResultsStatus count={items.length} />
      </div>
      {showEmpty ? <EmptyState searching={searching} filtered={state.types.length > 0 || state.dateFrom !== '' || state.dateTo !== ''} /> : (
        <ResultsGrid items={items} label={searching ? 'Search results' : 'Recent files'} onOpen={onOpen} onDelete={onDelete} onEndReached={onEndReached} />
      )}
    </section>
  );
}
