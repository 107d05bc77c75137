import type { GridItem } from '../../lib/items.ts';
import { ResultCard, type CardHandlers } from '../ResultCard.tsx';
import { GRID_GAP, GRID_PADDING } from './layout.ts';
import type { CardSelection } from './useGridSelection.ts';

interface GridRowProps extends CardHandlers {
  /** The row's place in the whole grid (0-based) and its offset from the top, in pixels. */
  index: number;
  top: number;
  /** The cards in this row; the first is item number `firstIndex` of the grid. */
  cells: GridItem[];
  firstIndex: number;
  columns: number;
  rowHeight: number;
  /** The item the keyboard is on. */
  active: number;
  /** Multi-select, when the grid has it. */
  selection?: CardSelection | undefined;
}

/** One row of cards, placed where the virtualiser put it. */
export function GridRow({ index, top, cells, firstIndex, columns, rowHeight, active, onOpen, onFocusIndex, selection }: GridRowProps) {
  return (
    <div
      role="row"
      aria-rowindex={index + 1}
      className="grid-row"
      style={{
        transform: `translateY(${top}px)`,
        height: rowHeight - GRID_GAP,
        gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
        padding: `0 ${GRID_PADDING}px`,
        columnGap: GRID_GAP,
      }}
    >
      {cells.map((item, i) => (
        <ResultCard key={item.id} item={item} index={firstIndex + i} active={firstIndex + i === active}
          onOpen={onOpen} onFocusIndex={onFocusIndex} selected={selection?.selected.has(item.id)} onSelect={selection?.onSelect} />
      ))}
    </div>
  );
}
