import { useShallow } from 'zustand/react/shallow';
import { queryChips } from '../../lib/query-chips.ts';
import { SORT_ORDERS, useSearch, type SortOrder } from '../../stores/search.ts';
import { CloseIcon } from '../Icons.tsx';

const SORT_LABELS: Record<SortOrder, string> = {
  relevance: 'Relevance', newest: 'Newest first', oldest: 'Oldest first', name: 'Name', size: 'Largest first',
};

/**
 * What the query was understood to ask for, as chips (× searches again without that part), what
 * could not be taken the way it reads, and the sort order. Hidden while showing files similar to one.
 */
export function SearchFilters() {
  const { interpreted, sort, query, similar } = useSearch(useShallow((s) => ({
    interpreted: s.interpreted, sort: s.sort, query: s.query, similar: s.similarTo,
  })));
  const { setSort, removeChip } = useSearch.getState();
  if (similar) return null;
  const searching = query.trim() !== '';
  const chips = searching && interpreted ? queryChips(interpreted) : [];
  const notes = searching && interpreted ? interpreted.notes : [];
  return (
    <div className="filters" role="toolbar" aria-label="Filters">
      {chips.length > 0 && (
        <ul className="chip-group query-chips" aria-label="Understood as">
          {chips.map((c) => (
            <li key={`${c.kind}:${c.value ?? ''}`} className={`chip query-chip chip-${c.kind}`}>
              <span>{c.label}</span>
              <button type="button" className="query-chip-remove" aria-label={`Remove filter ${c.label}`} onClick={() => removeChip(c)}>
                <CloseIcon size={12} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {notes.length > 0 && <p className="query-notes">{notes.map((n) => n.message).join(' ')}</p>}
      <label className="field-inline sort">
        <span>Sort by</span>
        <select value={sort} disabled={!searching} onChange={(e) => setSort(e.target.value as SortOrder)}>
          {SORT_ORDERS.map((o) => <option key={o} value={o}>{SORT_LABELS[o]}</option>)}
        </select>
      </label>
    </div>
  );
}
