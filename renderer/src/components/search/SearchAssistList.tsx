import type { MouseEvent } from 'react';
import { CloseIcon, SearchIcon, SparkleIcon } from '../Icons.tsx';

export interface AssistOption {
  id: string;
  label: string;
  /** Where a suggestion comes from and how many files carry it. */
  note?: string;
  onPick: () => void;
  /** Recent searches can be forgotten. */
  onRemove?: () => void;
}

/** Clicks inside the list must not take the focus from the box (its blur closes the list). */
const keepFocus = (e: MouseEvent) => e.preventDefault();

/** The list under the search box: recent searches or suggestions; the box's arrows choose, Enter picks. */
export function SearchAssistList({ id, title, options, active, onClearAll }: {
  id: string;
  title: string;
  options: AssistOption[];
  active: number;
  onClearAll?: (() => void) | undefined;
}) {
  return (
    <div className="search-assist" onMouseDown={keepFocus}>
      <div className="search-assist-head">
        <span id={`${id}-title`}>{title}</span>
        {onClearAll && <button type="button" className="link-button" onClick={onClearAll}>Clear all</button>}
      </div>
      <ul id={id} role="listbox" aria-labelledby={`${id}-title`}>
        {options.map((o, i) => (
          <li key={o.id} id={`${id}-${i}`} role="option" aria-selected={i === active} className={`search-assist-option${i === active ? ' is-active' : ''}`}
            onClick={o.onPick}>
            {o.onRemove ? <SearchIcon size={14} aria-hidden="true" /> : <SparkleIcon size={14} aria-hidden="true" />}
            <span className="search-assist-label">{o.label}</span>
            {o.note && <span className="search-assist-note">{o.note}</span>}
            {o.onRemove && (
              <button type="button" className="icon-button search-assist-remove" aria-label={`Remove \u201c${o.label}\u201d from recent searches`}
                onClick={(e) => { e.stopPropagation(); o.onRemove?.(); }}>
                <CloseIcon size={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
