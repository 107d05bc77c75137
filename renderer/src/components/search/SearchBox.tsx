import { useEffect, useRef } from 'react';
import { useNavigation } from '../../stores/navigation.ts';
import { useSearch } from '../../stores/search.ts';
import { CloseIcon, SearchIcon } from '../Icons.tsx';

const SEARCH_LABEL = 'Search your files\u2026';

/** The search box: searches as you type; Escape clears it, Down goes into the results; `/` and Ctrl+K focus it. */
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
