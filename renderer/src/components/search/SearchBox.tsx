import { useEffect, useId, useRef, useState } from 'react';
import { queryWithSuggestion } from '../../lib/query-chips.ts';
import { useNavigation } from '../../stores/navigation.ts';
import { useSearchAssist } from '../../stores/search-assist.ts';
import { useSearch } from '../../stores/search.ts';
import { CloseIcon, SearchIcon } from '../Icons.tsx';
import { SearchAssistList, type AssistOption } from './SearchAssistList.tsx';

const SEARCH_LABEL = 'Search your files\u2026';
const KIND_LABELS = { tag: 'Tag', camera: 'Camera', folder: 'Folder', collection: 'Collection' } as const;

/**
 * The search box: searches as you type; recent searches when it is empty and clicked (or Alt+Down),
 * suggestions from the user's own tags and cameras while typing (arrows move, Enter picks, Escape
 * closes, then clears); Down with nothing offered goes into the results; `/` and Ctrl+K focus it.
 */
export function SearchBox() {
  const query = useSearch((s) => s.query);
  const { setQuery, runNow, searchFor } = useSearch.getState();
  const history = useSearchAssist((s) => s.history);
  const suggestions = useSearchAssist((s) => s.suggestions);
  const focusRequest = useNavigation((s) => s.searchFocus);
  const input = useRef<HTMLInputElement>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = useId();

  useEffect(() => {
    if (focusRequest > 0) {
      input.current?.focus();
      input.current?.select();
    }
  }, [focusRequest]);

  const pick = (text: string) => {
    setOpen(false);
    useSearchAssist.getState().clearSuggestions();
    searchFor(text);
    input.current?.focus();
  };
  const options: AssistOption[] = query.trim() === ''
    ? history.map((h) => ({
      id: `h-${h.id}`, label: h.query, onPick: () => pick(h.query), onRemove: () => void useSearchAssist.getState().forget(h.id),
    }))
    : suggestions.map((s) => ({
      id: `s-${s.kind}-${s.value}`, label: s.value, note: `${KIND_LABELS[s.kind]} \u00b7 ${s.count.toLocaleString()}`,
      onPick: () => pick(queryWithSuggestion(query, s)),
    }));
  const shown = open && options.length > 0;
  const activeOption = shown && active >= 0 ? options[active] : undefined;

  const change = (value: string) => {
    setQuery(value);
    setOpen(true);
    setActive(-1);
    if (value.trim() === '') {
      useSearchAssist.getState().clearSuggestions();
      void useSearchAssist.getState().loadHistory();
    } else {
      useSearchAssist.getState().suggestFor(value);
    }
  };

  return (
    <form className="search-box" role="search" onSubmit={(e) => {
      e.preventDefault();
      if (activeOption) activeOption.onPick();
      else {
        setOpen(false);
        void runNow();
      }
    }}>
      <SearchIcon className="search-box-icon" size={20} />
      <input
        ref={input}
        type="search"
        aria-label={SEARCH_LABEL}
        placeholder={SEARCH_LABEL}
        value={query}
        aria-autocomplete="list"
        aria-controls={shown ? listId : undefined}
        aria-activedescendant={activeOption ? `${listId}-${active}` : undefined}
        onChange={(e) => change(e.target.value)}
        // Recent searches open on a click in the box (or Alt+Down); focus from `/` or Tab leaves Down for the results.
        onFocus={() => {
          if (query.trim() === '') void useSearchAssist.getState().loadHistory();
        }}
        onMouseDown={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && shown) {
            e.preventDefault();
            setOpen(false);
            setActive(-1);
          } else if (e.key === 'Escape' && query !== '') {
            e.preventDefault();
            change('');
            setOpen(false);
          } else if (e.key === 'ArrowDown' && e.altKey) {
            e.preventDefault();
            setOpen(true);
            if (query.trim() === '') void useSearchAssist.getState().loadHistory();
          } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && shown) {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : -1;
            // -1 is the box itself: the arrows cycle through the options and back to it.
            const n = options.length;
            setActive((i) => ((i + 1 + step + n + 1) % (n + 1)) - 1);
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
        <button type="button" className="icon-button search-box-clear" aria-label="Clear search" onClick={() => { change(''); input.current?.focus(); }}>
          <CloseIcon size={16} />
        </button>
      )}
      {shown && (
        <SearchAssistList id={listId} title={query.trim() === '' ? 'Recent searches' : 'Suggestions'} options={options} active={active}
          onClearAll={query.trim() === '' ? () => void useSearchAssist.getState().forget(null) : undefined} />
      )}
    </form>
  );
}
