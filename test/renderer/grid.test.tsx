// @vitest-environment happy-dom
import { fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { gridLayout } from '../../renderer/src/components/grid/layout.ts';
import { ResultsGrid } from '../../renderer/src/components/ResultsGrid.tsx';
import type { GridItem } from '../../renderer/src/lib/items.ts';
import { fixedLayoutSize, setup } from './helpers.tsx';

const SIZE = { width: 1040, height: 700 };

function items(n: number): GridItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`, filename: `photo-${i}.jpg`, fileType: 'image', mimeType: 'image/jpeg', summary: null, thumbnailUrl: null,
    createdAt: '2024-01-01T00:00:00.000Z', score: null, status: 'completed', cloudStatus: null, keepLocal: false,
  }));
}

fixedLayoutSize(SIZE);

function renderGrid(list: GridItem[]) {
  const onOpen = vi.fn();
  const onDelete = vi.fn();
  render(<ResultsGrid items={list} label="Results" onOpen={onOpen} onDelete={onDelete} initialSize={SIZE} />);
  return { onOpen, onDelete, grid: screen.getByRole('grid', { name: 'Results' }) };
}

describe('ResultsGrid', () => {
  it('lays cards out in as many columns as fit', () => {
    expect(gridLayout(1040).columns).toBe(4);
    expect(gridLayout(400).columns).toBe(1);
    expect(gridLayout(2000).columns).toBeGreaterThan(8);
  });

  it('keeps only the rows in view in the DOM, even for 10 000 files', () => {
    setup();
    const { grid } = renderGrid(items(10_000));
    const { columns } = gridLayout(SIZE.width);
    expect(grid.getAttribute('aria-rowcount')).toBe(String(Math.ceil(10_000 / columns)));
    const cells = within(grid).getAllByRole('gridcell');
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.length).toBeLessThan(80);
    expect(cells[0]).toHaveProperty('tabIndex', 0);
    expect(cells[1]).toHaveProperty('tabIndex', -1);
  });

  it('moves with the arrow keys, opens with Enter and asks to delete with Delete', () => {
    setup();
    const list = items(30);
    const { grid, onOpen, onDelete } = renderGrid(list);
    const columns = gridLayout(SIZE.width).columns;
    const cell = (i: number) => grid.querySelector<HTMLElement>(`[data-index="${i}"]`)!;
    cell(0).focus();

    fireEvent.keyDown(cell(0), { key: 'ArrowRight' });
    expect(document.activeElement).toBe(cell(1));
    fireEvent.keyDown(cell(1), { key: 'ArrowDown' });
    expect(document.activeElement).toBe(cell(1 + columns));
    fireEvent.keyDown(cell(1 + columns), { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(cell(columns));
    fireEvent.keyDown(cell(columns), { key: 'ArrowUp' });
    expect(document.activeElement).toBe(cell(0));
    // Up from the first row and left from the first card stay put.
    fireEvent.keyDown(cell(0), { key: 'ArrowUp' });
    fireEvent.keyDown(cell(0), { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(cell(0));
    expect(cell(0).getAttribute('aria-selected')).toBe('true');

    fireEvent.keyDown(cell(0), { key: 'ArrowRight' });
    fireEvent.keyDown(cell(1), { key: 'Enter' });
    expect(onOpen).toHaveBeenCalledWith(list[1]);
    fireEvent.keyDown(cell(1), { key: 'Delete' });
    expect(onDelete).toHaveBeenCalledWith(list[1]);
    fireEvent.keyDown(cell(1), { key: 'Home' });
    expect(document.activeElement).toBe(cell(0));
  });

  it('opens a card on click and names each card by file and type', () => {
    setup();
    const list = items(3);
    const { onOpen } = renderGrid(list);
    const card = screen.getByRole('gridcell', { name: 'photo-2.jpg, Image' });
    fireEvent.click(card);
    expect(onOpen).toHaveBeenCalledWith(list[2]);
  });
});
