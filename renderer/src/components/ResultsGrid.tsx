import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { GridItem } from '../lib/items.ts';
import { ResultCard } from './ResultCard.tsx';

export const CARD_MIN_WIDTH = 188;
export const GRID_GAP = 16;
export const GRID_PADDING = 20;
/** Name and date under the picture. */
const META_HEIGHT = 58;

export interface GridLayout {
  columns: number;
  cardWidth: number;
  rowHeight: number;
}

/** Columns and row height for a container width: cards at least CARD_MIN_WIDTH wide, 4:3 pictures. */
export function gridLayout(width: number): GridLayout {
  const inner = Math.max(0, width - GRID_PADDING * 2);
  const columns = Math.max(1, Math.floor((inner + GRID_GAP) / (CARD_MIN_WIDTH + GRID_GAP)));
  const cardWidth = Math.max(120, (inner - GRID_GAP * (columns - 1)) / columns);
  return { columns, cardWidth, rowHeight: Math.round(cardWidth * 0.75 + META_HEIGHT + GRID_GAP) };
}

interface ResultsGridProps {
  items: GridItem[];
  label: string;
  onOpen: (item: GridItem) => void;
  onDelete: (item: GridItem) => void;
  /** Called when the last rows come into view (to load more). */
  onEndReached?: () => void;
  /** For tests: the size to assume before the browser measured anything. */
  initialSize?: { width: number; height: number };
}

/**
 * The results as a virtualised grid (only the rows in view are in the DOM, so 10 000 files scroll
 * like 10). Keyboard: arrows move, Home/End, Page Up/Down, Enter opens, Delete deletes.
 */
export function ResultsGrid({ items, label, onOpen, onDelete, onEndReached, initialSize }: ResultsGridProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initialSize?.width ?? 0);
  const [active, setActive] = useState(0);
  const focusPending = useRef(false);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      if (el.clientWidth > 0) setWidth(el.clientWidth);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const layout = gridLayout(width || 1024);
  const { columns, rowHeight } = layout;
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

  // Keep the keyboard position on a real item when the list changes under it.
  useEffect(() => {
    setActive((a) => Math.min(a, Math.max(0, items.length - 1)));
  }, [items]);

  const rows = virtualizer.getVirtualItems();
  const lastRow = rows.length > 0 ? rows[rows.length - 1]!.index : -1;
  useEffect(() => {
    if (onEndReached && rowCount > 0 && lastRow >= rowCount - 3) onEndReached();
  }, [lastRow, rowCount, onEndReached]);

  // Move DOM focus to the active card once its row is rendered.
  useEffect(() => {
    if (!focusPending.current) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (el) {
      focusPending.current = false;
      el.focus({ preventScroll: true });
    }
  });

  const moveTo = useCallback((index: number) => {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, index));
    setActive(next);
    focusPending.current = true;
    virtualizer.scrollToIndex(Math.floor(next / columns), { align: 'auto' });
  }, [items.length, columns, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (items.length === 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? rowHeight * 3) / rowHeight));
    let handled = true;
    switch (e.key) {
      case 'ArrowRight': moveTo(active + 1); break;
      case 'ArrowLeft': moveTo(active - 1); break;
      case 'ArrowDown': moveTo(active + columns < items.length ? active + columns : active); break;
      case 'ArrowUp': moveTo(active - columns >= 0 ? active - columns : active); break;
      case 'Home': moveTo(0); break;
      case 'End': moveTo(items.length - 1); break;
      case 'PageDown': moveTo(Math.min(items.length - 1, active + columns * pageRows)); break;
      case 'PageUp': moveTo(Math.max(0, active - columns * pageRows)); break;
      case 'Enter':
      case ' ': {
        const item = items[active];
        if (item) onOpen(item);
        break;
      }
      case 'Delete': {
        const item = items[active];
        if (item) onDelete(item);
        break;
      }
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  };

  const openIndex = useCallback((index: number) => {
    const item = items[index];
    if (item) onOpen(item);
  }, [items, onOpen]);
  const focusIndex = useCallback((index: number) => setActive(index), []);

  const activeRow = Math.floor(active / columns);
  const activeRendered = rows.some((r) => r.index === activeRow);

  return (
    <div
      ref={scrollRef}
      className="grid-scroll"
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount}
      aria-colcount={columns}
      tabIndex={activeRendered ? -1 : 0}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        // Tabbing onto the grid while its active card is scrolled away: bring the card back.
        if (e.target === e.currentTarget && items.length > 0) moveTo(active);
      }}
    >
      <div className="grid-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map((row) => {
          const start = row.index * columns;
          const cells = items.slice(start, start + columns);
          return (
            <div
              key={row.key}
              role="row"
              aria-rowindex={row.index + 1}
              className="grid-row"
              style={{
                transform: `translateY(${row.start}px)`,
                height: rowHeight - GRID_GAP,
                gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
                padding: `0 ${GRID_PADDING}px`,
                columnGap: GRID_GAP,
              }}
            >
              {cells.map((item, i) => (
                <ResultCard key={item.id} item={item} index={start + i} active={start + i === active}
                  onOpen={openIndex} onFocusIndex={focusIndex} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
