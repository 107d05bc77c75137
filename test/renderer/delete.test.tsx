// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { ConfirmDeleteDialog } from '../../renderer/src/components/ConfirmDeleteDialog.tsx';
import { fromSearchResult } from '../../renderer/src/lib/items.ts';
import { useDeletion } from '../../renderer/src/stores/deletion.ts';
import { useSearch } from '../../renderer/src/stores/search.ts';
import { result, setup } from './helpers.tsx';

function seed() {
  const r = result({ filename: 'holiday.jpg' });
  useSearch.setState({ query: 'holiday', status: 'ready', results: [fromSearchResult(r, (u) => u)] });
  return r.upload_id;
}

describe('delete confirmation', () => {
  it('asks first, with Cancel focused; Cancel and Escape delete nothing', () => {
    const { api } = setup();
    const id = seed();
    render(<ConfirmDeleteDialog />);
    expect(screen.queryByRole('alertdialog')).toBeNull();

    act(() => useDeletion.getState().request(id, 'holiday.jpg'));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete “holiday.jpg”?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();

    act(() => useDeletion.getState().request(id, 'holiday.jpg'));
    fireEvent.keyDown(screen.getByRole('alertdialog'), { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(api.deleteUpload).not.toHaveBeenCalled();
    expect(useSearch.getState().results).toHaveLength(1);
  });

  it('deletes on confirm and removes the file from the results', async () => {
    const { api } = setup();
    const id = seed();
    api.deleteUpload.mockResolvedValue({ upload_id: id, deleted: true, purged: false, purge_after: null });
    render(<ConfirmDeleteDialog />);
    act(() => useDeletion.getState().request(id, 'holiday.jpg'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    });
    expect(api.deleteUpload).toHaveBeenCalledWith(id);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(useSearch.getState().results).toHaveLength(0);
    expect(useDeletion.getState().lastDeleted).toEqual({ ids: [id], label: '\u201choliday.jpg\u201d' });
  });

  it('keeps the dialog open with the error when the delete fails', async () => {
    const { api } = setup();
    const id = seed();
    api.deleteUpload.mockRejectedValue(new ApiError('NETWORK_ERROR', 'Trove could not be reached. Is the server running?'));
    render(<ConfirmDeleteDialog />);
    act(() => useDeletion.getState().request(id, 'holiday.jpg'));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    });
    expect(screen.getByRole('alert').textContent).toContain('could not be reached');
    expect(screen.getByRole('alertdialog')).toBeTruthy();
    expect(useSearch.getState().results).toHaveLength(1);
  });
});
