// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ConfirmDeleteDialog } from '../../renderer/src/components/ConfirmDeleteDialog.tsx';
import { DetailDialog } from '../../renderer/src/components/DetailDialog.tsx';
import { useDetail } from '../../renderer/src/stores/detail.ts';
import { useSearch } from '../../renderer/src/stores/search.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { result, setup, upload } from './helpers.tsx';

describe('DetailDialog', () => {
  it('shows a document with its text and summary; no similar button while the route is missing; Esc closes', async () => {
    const { api } = setup();
    const u = upload({ filename: 'lease.pdf', file_type: 'document', mime_type: 'application/pdf', summary: 'A flat lease.', tags: ['lease'] });
    api.metadata.mockResolvedValue({ ...u, extracted_text: 'The tenant shall water the plants.' });
    render(<DetailDialog />);
    await act(() => useDetail.getState().open(u.id));
    const dialog = screen.getByRole('dialog', { name: 'lease.pdf' });
    expect(within(dialog).getByText('The tenant shall water the plants.')).toBeTruthy();
    expect(within(dialog).getByText('A flat lease.')).toBeTruthy();
    expect(within(dialog).queryByRole('button', { name: 'Find similar' })).toBeNull();
    // Reveal/open are for the desktop app only.
    expect(within(dialog).queryByRole('button', { name: 'Show in folder' })).toBeNull();
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('offers "Find similar" when the server answers it, and shows those files', async () => {
    const { api } = setup();
    const u = upload({ filename: 'beach.jpg' });
    api.metadata.mockResolvedValue({ ...u, extracted_text: null });
    api.similar.mockResolvedValue({ results: [result({ filename: 'beach-2.jpg' })], search_id: '00000000-0000-4000-8000-000000000000', processing_time_ms: 1 });
    render(<DetailDialog />);
    await act(() => useDetail.getState().open(u.id));
    fireEvent.click(screen.getByRole('button', { name: 'Find similar' }));
    expect(useSearch.getState().similarTo).toEqual({ id: u.id, filename: 'beach.jpg' });
    expect(useSearch.getState().results.map((r) => r.filename)).toEqual(['beach-2.jpg']);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('in the desktop app reveals and opens the original where it came from', async () => {
    const { api, bridge } = setup();
    useSession.setState({ bridgeKind: 'electron' });
    const u = upload({ filename: 'scan.png', user_metadata: { source_path: '/home/me/scan.png' } });
    api.metadata.mockResolvedValue({ ...u, extracted_text: null });
    render(<DetailDialog />);
    await act(() => useDetail.getState().open(u.id));
    fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    await act(async () => undefined);
    expect(bridge.reveal).toHaveBeenCalledWith('/home/me/scan.png');
    expect(bridge.open).toHaveBeenCalledWith('/home/me/scan.png');
  });

  it('deletes from the detail view only after confirmation, then closes', async () => {
    const { api } = setup();
    const u = upload({ filename: 'old.txt', file_type: 'document' });
    api.metadata.mockResolvedValue({ ...u, extracted_text: 'hello' });
    api.deleteUpload.mockResolvedValue({ upload_id: u.id, deleted: true, purged: false, purge_after: null });
    render(<><DetailDialog /><ConfirmDeleteDialog /></>);
    await act(() => useDetail.getState().open(u.id));
    fireEvent.click(within(screen.getByRole('dialog', { name: 'old.txt' })).getByRole('button', { name: 'Delete' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Delete “old.txt”?' });
    expect(api.deleteUpload).not.toHaveBeenCalled();
    // Escape closes only the confirmation, not the detail view under it.
    fireEvent.keyDown(confirm, { key: 'Escape' });
    expect(screen.getByRole('dialog', { name: 'old.txt' })).toBeTruthy();
    fireEvent.click(within(screen.getByRole('dialog', { name: 'old.txt' })).getByRole('button', { name: 'Delete' }));
    await act(async () => {
      fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    });
    expect(api.deleteUpload).toHaveBeenCalledWith(u.id);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});
