import { useShallow } from 'zustand/react/shallow';
import { FILE_TYPES } from '../../../../shared/file-types.ts';
import { TYPE_LABELS } from '../../lib/items.ts';
import { useSearch, type SortOrder } from '../../stores/search.ts';

/** File types, a date range and the sort order (hidden while showing files similar to one). */
export function SearchFilters() {
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
