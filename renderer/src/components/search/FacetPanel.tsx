import { useShallow } from 'zustand/react/shallow';
import type { FileType } from '../../../../shared/file-types.ts';
import { TYPE_LABELS } from '../../lib/items.ts';
import { facetActive, type FacetKey } from '../../lib/query-chips.ts';
import { useSearch } from '../../stores/search.ts';

const TITLES: Record<FacetKey, string> = {
  file_type: 'Type', year: 'Year', month: 'Month', camera: 'Camera', folder: 'Folder', collection: 'Collection',
};
/** Months beyond these (the most recent first) would make the panel a calendar. */
const MAX_MONTHS = 12;
const MAX_VALUES = 12;
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });

function label(key: FacetKey, value: string): string {
  if (key === 'file_type') return TYPE_LABELS[value as FileType]?.many ?? value;
  if (key === 'month') {
    const [y, m] = value.split('-').map(Number);
    return y && m ? monthFormat.format(new Date(y, m - 1, 15)) : value;
  }
  return value;
}

/** A facet's values in the order people scan them: dates newest first, the rest most files first. */
function ordered(key: FacetKey, counts: Record<string, number>): [string, number][] {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (key === 'year' || key === 'month') return entries.sort(([a], [b]) => b.localeCompare(a)).slice(0, key === 'month' ? MAX_MONTHS : MAX_VALUES);
  return entries.sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, MAX_VALUES);
}

/** Counts over every match of the query, by type, year, month, camera (and folder, collection when the server has them); a value narrows the search, pressed again widens it. */
export function FacetPanel() {
  const { facets, interpreted } = useSearch(useShallow((s) => ({ facets: s.facets, interpreted: s.interpreted })));
  const applyFacet = useSearch((s) => s.applyFacet);
  if (!facets || !interpreted) return null;
  const groups = (Object.keys(TITLES) as FacetKey[])
    .map((key) => [key, ordered(key, facets[key] ?? {})] as const)
    .filter(([, values]) => values.length > 0);
  if (groups.length === 0) return null;
  return (
    <aside className="facet-panel" aria-label="Refine">
      {groups.map(([key, values]) => (
        <section key={key} className="facet-group" aria-labelledby={`facet-${key}`}>
          <h2 id={`facet-${key}`}>{TITLES[key]}</h2>
          <ul>
            {values.map(([value, n]) => (
              <li key={value}>
                <button type="button" className="facet-value" aria-pressed={facetActive(interpreted, key, value)}
                  aria-label={`${label(key, value)}, ${n.toLocaleString()} ${n === 1 ? 'file' : 'files'}`} onClick={() => applyFacet(key, value)}>
                  <span className="facet-label">{label(key, value)}</span>
                  <span className="facet-count">{n.toLocaleString()}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
