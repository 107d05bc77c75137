import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, type ReactNode } from 'react';
import type { GridItem } from '../lib/items.ts';
import { GridRow } from './grid/GridRow.tsx';
import { GRID_PADDING, gridLayout } from './grid/layout.ts';
import { useGridKeyboard } from './grid/useGridKeyboard.ts';
import { useGridSelection } from './grid/useGridSelection.ts';
import type { SelectionScope } from '../stores/selection.ts';
import { useGridWidth } from './grid/useGridWidth.ts';

interface ResultsGridProps {
  items: GridItem[];
  label: string;
  onOpen: (item: GridItem) => void;
  onDelete: (item: GridItem) => void;
  /** Called when the last rows come into view (to load more). */
  onEndReached?: () => void;
  /** Where this grid's multi-select lives (stores/selection.ts); none: no selection. */
  selectionScope?: SelectionScope;
  /** For tests: the size to assume before the browser measured anything. */
  initialSize?: { width: number; height: number };
  /** Shown after the last row, inside the scroller (loading more results). */
  footer?: ReactNode;
}

/**
 * The results as a virtualised grid (only the rows in view are in the DOM, so 10 000 files scroll
 * like 10). Keyboard: arrows move, Home/End, Page Up/Down, Enter opens, Delete deletes; with a
 * selection scope, Space toggles the card, Ctrl/Cmd+A selects all and Esc clears (grid/useGridSelection.ts).
 */
export function ResultsGrid({ items, label, onOpen, onDelete, onEndReached, selectionScope, initialSize, footer }: ResultsGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useGridWidth(scrollRef, initialSize?.width ?? 0);
  const { columns, rowHeight } = gridLayout(width || 1024);
  const rowCount = Math.ceil(items.length / columns);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
    paddingStart: GRID_PADDING,
    paddingEnd: GRID_PADDING,
    initialRect: initialSize ?? { width: 1024, height: 768 },
  });
  useEffect(() => {
    virtualizer.measure();
  }, [rowHeight, virtualizer]);

  const { active, setActive, moveTo, onKeyDown } = useGridKeyboard({ items, columns, rowHeight, scrollRef, virtualizer, onOpen, onDelete });

  const selection = useGridSelection(items, selectionScope);

  const rows = virtualizer.getVirtualItems();
  const lastRow = rows.length > 0 ? rows[rows.length - 1]!.index : -1;
  useEffect(() => {
    if (onEndReached && rowCount > 0 && lastRow >= rowCount - 3) onEndReached();
  }, [lastRow, rowCount, onEndReached]);

  const openIndex = useCallback((index: number) => {
    const item = items[index];
    if (item) onOpen(item);
  }, [items, onOpen]);
  const activeRendered = rows.some((r) => r.index === Math.floor(active / columns));

  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      role="grid"
      aria-label={label}
      aria-multiselectable={selectionScope ? true : undefined}
      aria-rowcount={rowCount}
      aria-colcount={columns}
      tabIndex={activeRendered ? -1 : 0}
      onKeyDown={selection.wrapKeys(onKeyDown, active)}
      onFocus={(e) => {
        // Tabbing onto the grid while its active card is scrolled away: bring the card back.
        if (e.target === e.currentTarget && items.length > 0) moveTo(active);
      }}
    >
      <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => (
          <GridRow key={row.key} index={row.index} top={row.start} cells={items.slice(row.index * columns, (row.index + 1) * columns)}
            firstIndex={row.index * columns} columns={columns} rowHeight={rowHeight} active={active} onOpen={openIndex} onFocusIndex={setActive} selection={selection.cards} />
        ))}
      </div>
      {footer}
    </div>
  );
}
