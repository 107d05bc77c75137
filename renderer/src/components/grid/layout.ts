/** The grid's geometry: how many cards fit across a width, and how tall a row is. */

const CARD_MIN_WIDTH = 188;
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
