// @vitest-environment happy-dom
/**
 * Multi-select and undo in the page: the selection store (toggle, Shift ranges from the anchor,
 * select all, cleared by a new search, a new library page or another view, deleted files leaving
 * it), the grid's clicks and keys, the selection bar (toolbar, count, batch delete with per-id
 * failures, retry of the failed ones), the toast's Undo and Recently deleted's Restore.
 */
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { ConfirmDeleteDialog } from '../../renderer/src/components/ConfirmDeleteDialog.tsx';
import { LibraryView } from '../../renderer/src/components/LibraryView.tsx';
import { RecentlyDeletedView } from '../../renderer/src/components/RecentlyDeletedView.tsx';
import { ResultsGrid } from '../../renderer/src/components/ResultsGrid.tsx';
import { SelectionBar } from '../../renderer/src/components/selection/SelectionBar.tsx';
import { Toast } from '../../renderer/src/components/Toast.tsx';
import { useShortcuts } from '../../renderer/src/components/useShortcuts.ts';
import { fromSearchResult, fromUpload, type GridItem } from '../../renderer/src/lib/items.ts';
import { useDeletion } from '../../renderer/src/stores/deletion.ts';
import { useLibrary } from '../../renderer/src/stores/library.ts';
import { useNavigation } from '../../renderer/src/stores/navigation.ts';
import { useSearch } from '../../renderer/src/stores/search.ts';
import { useSelection } from '../../renderer/src/stores/selection.ts';
import { fixedLayoutSize, result, setup, upload } from './helpers.tsx';

function Shortcuts() {
  useShortcuts();
  return null;
}

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const sel = () => useSelection.getState();

describe('the selection store', () => {
  it('toggles single files and extends ranges from the last toggled one, keeping what was selected before', () => {
    setup();
    sel().toggle('search', 'b');
    sel().toggle('search', 'd');
    expect(sel().ids).toEqual(['b', 'd']);
    // Shift-click on f: d..f added to what was selected when d became the anchor.
    sel().selectRange('search', ids, 'f');
    expect(sel().ids).toEqual(['b', 'd', 'e', 'f']);
    // Another Shift-click from the same anchor replaces that range, not the files before it.
    sel().selectRange('search', ids, 'c');
    expect(sel().ids).toEqual(['b', 'c', 'd']);
    // Toggling one off moves the anchor there.
    sel().toggle('search', 'c');
    expect(sel()).toMatchObject({ ids: ['b', 'd'], anchor: 'c' });
    sel().selectRange('search', ids, 'a');
    expect([...sel().ids].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts a range at the clicked file when there is no anchor, and selecting in another place starts afresh', () => {
    setup();
    sel().selectRange('search', ids, 'c');
    expect(sel().ids).toEqual(['c']);
    sel().toggle('library', 'x');
    expect(sel()).toMatchObject({ scope: 'library', ids: ['x'] });
    sel().selectRange('search', ids, 'e');
    expect(sel()).toMatchObject({ scope: 'search', ids: ['e'] });
  });

  it('selects all files shown, and drops files that went away', () => {
    setup();
    sel().selectAll('search', ids);
    expect(sel().ids).toEqual(ids);
    sel().drop(['a', 'c', 'zzz']);
    expect(sel().ids).toEqual(['b', 'd', 'e', 'f']);
    sel().drop(['b', 'd', 'e', 'f']);
    expect(sel()).toMatchObject({ scope: null, ids: [] });
  });

  it('is cleared by a new search, another library page or filter, and another view', () => {
    setup();
    sel().selectAll('search', ids);
    act(() => useSearch.getState().setQuery('beach'));
    expect(sel().ids).toEqual([]);

    useLibrary.setState({ total: 200 });
    sel().selectAll('library', ids);
    act(() => useLibrary.getState().nextPage());
    expect(sel().ids).toEqual([]);
    sel().selectAll('library', ids);
    act(() => useLibrary.getState().setStatus('failed'));
    expect(sel().ids).toEqual([]);

    sel().selectAll('library', ids);
    act(() => useNavigation.getState().go('deleted'));
    expect(sel().ids).toEqual([]);
  });
});

function gridItems(n: number, failed: number[] = []): GridItem[] {
  return Array.from({ length: n }, (_, i) => fromUpload(upload({ filename: `photo-${i}.jpg`, processing_status: failed.includes(i) ? 'failed' : 'completed' }), (u) => u));
}

const SIZE = { width: 1024, height: 768 };
fixedLayoutSize(SIZE);

function renderGrid(items: GridItem[]) {
  const opened: string[] = [];
  render(
    <>
      <SelectionBar scope="search" files={items.map((i) => ({ id: i.id, filename: i.filename, failed: i.status === 'failed' }))} />
      <ResultsGrid items={items} label="Results" onOpen={(i) => opened.push(i.id)} onDelete={() => undefined} selectionScope="search"
        initialSize={SIZE} />
      <ConfirmDeleteDialog />
      <Toast />
    </>,
  );
  const grid = screen.getByRole('grid', { name: 'Results' });
  const card = (i: number) => within(grid).getByRole('gridcell', { name: new RegExp(`^photo-${i}\\.jpg,`) });
  return { grid, card, opened };
}

describe('selecting in the grid', () => {
  it('opens on a plain click, toggles on Ctrl/Cmd-click and the checkbox, extends on Shift-click', () => {
    setup();
    const items = gridItems(5);
    const { grid, card, opened } = renderGrid(items);
    expect(grid.getAttribute('aria-multiselectable')).toBe('true');

    fireEvent.click(card(0));
    expect(opened).toEqual([items[0]!.id]);
    expect(sel().ids).toEqual([]);
    expect(screen.queryByRole('toolbar')).toBeNull();

    fireEvent.click(card(0), { ctrlKey: true });
    fireEvent.click(card(2), { metaKey: true });
    fireEvent.click(card(4), { shiftKey: true });
    expect(sel().ids).toEqual([0, 2, 3, 4].map((i) => items[i]!.id));
    expect(opened).toHaveLength(1);
    expect(card(3).getAttribute('aria-selected')).toBe('true');
    expect(card(1).getAttribute('aria-selected')).toBe('false');
    expect(card(3).className).toContain('is-selected');

    fireEvent.click(within(card(3)).getByRole('checkbox', { name: 'Select photo-3.jpg' }));
    expect(sel().ids).toEqual([0, 2, 4].map((i) => items[i]!.id));
    const bar = screen.getByRole('toolbar', { name: 'Selected files' });
    expect(within(bar).getByText('3 selected')).toBeTruthy();
  });

  it('Space toggles the focused card, Ctrl+A selects all, Esc clears', () => {
    setup();
    const items = gridItems(4);
    const { card, opened } = renderGrid(items);
    fireEvent.keyDown(card(0), { key: 'ArrowRight' });
    fireEvent.keyDown(card(1), { key: ' ' });
    expect(sel().ids).toEqual([items[1]!.id]);
    expect(opened).toEqual([]);
    fireEvent.keyDown(card(1), { key: 'a', ctrlKey: true });
    expect(sel().ids).toEqual(items.map((i) => i.id));
    fireEvent.keyDown(card(1), { key: 'Escape' });
    expect(sel().ids).toEqual([]);
    // Enter still opens.
    fireEvent.keyDown(card(1), { key: 'Enter' });
    expect(opened).toEqual([items[1]!.id]);
  });
});

describe('the selection bar', () => {
  it('is a toolbar the arrow keys move through; Retry is enabled only when a selected file failed', async () => {
    const { api } = setup();
    const items = gridItems(4, [1, 3]);
    renderGrid(items);
    act(() => sel().selectAll('search', [items[0]!.id, items[2]!.id]));
    const bar = screen.getByRole('toolbar', { name: 'Selected files' });
    const retry = within(bar).getByRole('button', { name: /Retry/ });
    expect((retry as HTMLButtonElement).disabled).toBe(true);

    act(() => sel().toggle('search', items[3]!.id));
    expect(within(bar).getByRole('button', { name: 'Retry 1 failed' })).toBeTruthy();
    api.batch.mockResolvedValue({ action: 'retry', results: [{ id: items[3]!.id, ok: true }], succeeded: 1, failed: 0 });
    await act(async () => {
      fireEvent.click(within(bar).getByRole('button', { name: 'Retry 1 failed' }));
    });
    expect(api.batch).toHaveBeenCalledWith({ action: 'retry', ids: [items[3]!.id] });
    expect(within(bar).getByRole('status').textContent).toBe('Processing the file again.');

    const buttons = within(bar).getAllByRole('button').filter((b) => !(b as HTMLButtonElement).disabled);
    buttons[0]!.focus();
    fireEvent.keyDown(buttons[0]!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(buttons[1]);
    fireEvent.keyDown(buttons[1]!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(buttons[0]);
    fireEvent.keyDown(buttons[0]!, { key: 'Escape' });
    expect(screen.queryByRole('toolbar')).toBeNull();
  });

  it('deletes the selection in one batch after asking; a refused id stays with its reason; Undo restores the rest', async () => {
    const { api } = setup();
    const items = gridItems(4);
    useSearch.setState({ recent: items });
    renderGrid(items);
    const [a, b, c] = items;
    act(() => sel().selectAll('search', [a!.id, b!.id, c!.id]));
    fireEvent.click(within(screen.getByRole('toolbar')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete 3 files?' });

    api.batch.mockResolvedValueOnce({
      action: 'delete', succeeded: 2, failed: 1,
      results: [{ id: a!.id, ok: true }, { id: b!.id, ok: false, code: 'INTERNAL_ERROR', message: 'This file could not be changed just now; try again.' }, { id: c!.id, ok: true }],
    });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    });
    expect(api.batch).toHaveBeenCalledWith({ action: 'delete', ids: [a!.id, b!.id, c!.id] });
    expect(within(dialog).getByRole('alert').textContent).toContain('1 of 3 files could not be deleted');
    expect(screen.getByRole('heading', { name: 'Delete \u201cphoto-1.jpg\u201d?' })).toBeTruthy();
    expect(useSearch.getState().recent.map((i) => i.id)).toEqual([b!.id, items[3]!.id]);
    expect(sel().ids).toEqual([b!.id]);
    const toast = screen.getByRole('status', { name: '' });
    expect(toast.textContent).toContain('Deleted 2 files.');

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    api.batch.mockResolvedValueOnce({ action: 'restore', succeeded: 2, failed: 0, results: [{ id: a!.id, ok: true }, { id: c!.id, ok: true }] });
    api.listUploads.mockResolvedValue({ uploads: [], total: 0, has_more: false });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    });
    expect(api.batch).toHaveBeenLastCalledWith({ action: 'restore', ids: [a!.id, c!.id] });
    expect(api.listUploads).toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(toast.textContent).toBe('Restored 2 files.');
  });

  it('a single delete is undone with Ctrl+Z through POST /upload/{id}/restore; a refusal is said', async () => {
    const { api } = setup();
    const r = result({ filename: 'holiday.jpg' });
    useSearch.setState({ query: 'holiday', status: 'ready', results: [fromSearchResult(r, (u) => u)] });
    render(<><ConfirmDeleteDialog /><Toast /><Shortcuts /></>);
    api.deleteUpload.mockResolvedValue({ upload_id: r.upload_id, deleted: true, purged: false, purge_after: null });
    act(() => useDeletion.getState().request(r.upload_id, 'holiday.jpg'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    });
    expect(screen.getByRole('status').textContent).toContain('Deleted \u201choliday.jpg\u201d.');
    api.restoreUpload.mockRejectedValue(new ApiError('RESTORE_EXPIRED', 'This file was removed for good and cannot be restored.'));
    await act(async () => {
      fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    });
    expect(api.restoreUpload).toHaveBeenCalledWith(r.upload_id);
    expect(screen.getByRole('status').textContent).toContain('removed for good');
  });
});

describe('Recently deleted', () => {
  it('lists deleted files with their purge dates and restores one', async () => {
    const { api } = setup();
    const gone = { ...upload({ filename: 'old-scan.pdf', file_type: 'document' }), deleted_at: '2026-11-20T10:00:00.000Z', purge_after: '2026-12-20T10:00:00.000Z' };
    api.listUploads.mockResolvedValueOnce({ uploads: [gone], total: 1, has_more: false });
    await act(async () => {
      render(<RecentlyDeletedView />);
    });
    expect(api.listUploads).toHaveBeenCalledWith({ deleted: true, limit: 100, offset: 0 });
    const row = screen.getByRole('row', { name: /old-scan\.pdf/ });
    expect(row.textContent).toContain(new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(gone.purge_after)));

    api.restoreUpload.mockResolvedValue({ upload_id: gone.id, restored: true, processing_status: 'completed', job_id: null });
    api.listUploads.mockResolvedValue({ uploads: [], total: 0, has_more: false });
    await act(async () => {
      fireEvent.click(within(row).getByRole('button', { name: 'Restore old-scan.pdf' }));
    });
    expect(api.restoreUpload).toHaveBeenCalledWith(gone.id);
    expect(screen.queryByRole('row', { name: /old-scan\.pdf/ })).toBeNull();
    expect(screen.getByText('Nothing was deleted recently.')).toBeTruthy();
  });
});

describe('selecting in the library', () => {
  it('checkboxes toggle, Shift-click takes a range, the header box takes the page, Esc clears; the bar knows the failed ones', async () => {
    const { api } = setup();
    const rows = [0, 1, 2, 3].map((i) => upload({ filename: `scan-${i}.pdf`, file_type: 'document', processing_status: i === 2 ? 'failed' : 'completed' }));
    api.listUploads.mockResolvedValue({ uploads: rows, total: 4, has_more: false });
    await act(async () => {
      render(<LibraryView />);
    });
    const box = (i: number) => screen.getByRole('checkbox', { name: `Select scan-${i}.pdf` });
    fireEvent.click(box(0));
    fireEvent.click(box(2), { shiftKey: true });
    expect(sel()).toMatchObject({ scope: 'library', ids: [0, 1, 2].map((i) => rows[i]!.id) });
    expect((box(1) as HTMLInputElement).checked).toBe(true);
    expect((box(3) as HTMLInputElement).checked).toBe(false);
    const bar = screen.getByRole('toolbar', { name: 'Selected files' });
    expect(within(bar).getByText('3 selected')).toBeTruthy();
    expect(within(bar).getByRole('button', { name: 'Retry 1 failed' })).toBeTruthy();

    fireEvent.click(screen.getByRole('checkbox', { name: 'Select all files on this page' }));
    expect(sel().ids).toEqual(rows.map((r) => r.id));
    fireEvent.keyDown(box(1), { key: 'Escape' });
    expect(sel().ids).toEqual([]);
    fireEvent.keyDown(box(1), { key: 'a', ctrlKey: true });
    expect(sel().ids).toEqual(rows.map((r) => r.id));
  });
});
