// @vitest-environment happy-dom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { UploadPanel } from '../../renderer/src/components/UploadPanel.tsx';
import { uploadTotals, useUploads } from '../../renderer/src/stores/uploads.ts';
import { queueItem, setup } from './helpers.tsx';

describe('UploadPanel', () => {
  it('shows each file in its state, with progress, stage, errors and suggested actions', async () => {
    const { bridge } = setup();
    bridge.queue = [
      queueItem({ name: 'queued.jpg', state: 'queued' }),
      queueItem({ name: 'sending.mov', state: 'uploading', progress: 42 }),
      queueItem({ name: 'reading.pdf', state: 'processing', progress: 60, uploadId: 'u-1', stage: 'describing' }),
      queueItem({ name: 'done.png', state: 'completed', progress: 100, uploadId: 'u-2' }),
      queueItem({ name: 'again.png', state: 'duplicate', progress: 100, uploadId: 'u-3' }),
      queueItem({ name: 'huge.mkv', state: 'failed', error: { code: 'FILE_TOO_LARGE', message: 'The file is larger than the 100 MB upload limit.', action: 'Compress or split it.' } }),
    ];
    await act(() => useUploads.getState().init());
    useUploads.setState({ panelOpen: true });
    render(<UploadPanel />);
    const panel = screen.getByRole('complementary', { name: 'Uploads' });
    const row = (name: string) => within(panel).getByRole('listitem', { name: new RegExp(`^${name.replace('.', '\\.')}:`) });

    expect(row('queued.jpg').getAttribute('aria-label')).toBe('queued.jpg: Queued');
    expect(row('sending.mov').getAttribute('aria-label')).toBe('sending.mov: Uploading 42 %');
    expect(within(row('sending.mov')).getByRole('progressbar', { name: 'Progress of sending.mov' }).getAttribute('aria-valuenow')).toBe('42');
    expect(row('reading.pdf').getAttribute('aria-label')).toBe('reading.pdf: Processing 60 % · Describing');
    expect(row('done.png').getAttribute('aria-label')).toBe('done.png: Completed');
    expect(row('again.png').getAttribute('aria-label')).toBe('again.png: Already in your Trove');
    const failed = row('huge.mkv');
    expect(failed.getAttribute('aria-label')).toBe('huge.mkv: Failed: The file is larger than the 100 MB upload limit.');
    expect(within(failed).getByText('Compress or split it.')).toBeTruthy();

    // Totals: completed and duplicate count as done; the failed one is not.
    expect(within(panel).getByText('2 of 6 done')).toBeTruthy();
    expect(within(panel).getByText('1 completed · 1 already there · 1 failed')).toBeTruthy();

    fireEvent.click(within(failed).getByRole('button', { name: 'Retry huge.mkv' }));
    expect(bridge.retry).toHaveBeenCalledWith(bridge.queue[5]!.id);
    fireEvent.click(within(row('sending.mov')).getByRole('button', { name: 'Cancel sending.mov' }));
    expect(bridge.cancel).toHaveBeenCalledWith(bridge.queue[1]!.id);
    expect(within(row('reading.pdf')).queryByRole('button', { name: /Cancel/ })).toBeNull();

    fireEvent.click(within(panel).getByRole('button', { name: 'Pause all' }));
    expect(bridge.pauseAll).toHaveBeenCalled();
    fireEvent.click(await within(panel).findByRole('button', { name: 'Resume all' }));
    expect(bridge.resumeAll).toHaveBeenCalled();
  });

  it('follows queue events and live processing stages', async () => {
    const { bridge } = setup();
    await act(() => useUploads.getState().init());
    render(<UploadPanel />);
    expect(screen.queryByRole('complementary', { name: 'Uploads' })).toBeNull();

    const item = queueItem({ name: 'talk.mp3', state: 'uploading', progress: 10 });
    act(() => bridge.emit(item));
    const panel = screen.getByRole('complementary', { name: 'Uploads' });
    expect(within(panel).getByRole('listitem', { name: 'talk.mp3: Uploading 10 %' })).toBeTruthy();

    // Electron's queue items carry no stage: it comes from the live events, by upload id.
    act(() => bridge.emit({ ...item, state: 'processing', progress: 0, uploadId: 'up-9' }));
    act(() => useUploads.getState().applyEvent({ upload_id: 'up-9', job_id: null, status: 'processing', progress: 35, stage: 'transcribing', error: null }));
    expect(within(panel).getByRole('listitem', { name: 'talk.mp3: Processing 35 % · Transcribing' })).toBeTruthy();

    act(() => bridge.emit({ ...item, state: 'completed', progress: 100, uploadId: 'up-9' }));
    expect(within(panel).getByRole('listitem', { name: 'talk.mp3: Completed' })).toBeTruthy();
    expect(within(panel).getByText('All done')).toBeTruthy();

    // Collapsing hides the list but keeps the summary.
    fireEvent.click(within(panel).getByRole('button', { name: /Uploads/, expanded: true }));
    expect(within(panel).queryByRole('list')).toBeNull();
  });

  it('computes totals across states', () => {
    const items = [queueItem({ state: 'completed' }), queueItem({ state: 'uploading', progress: 50 }), queueItem({ state: 'cancelled' }), queueItem({ state: 'failed' })];
    const t = uploadTotals({ items: Object.fromEntries(items.map((i) => [i.id, i])), order: items.map((i) => i.id) });
    expect(t).toMatchObject({ total: 4, completed: 1, active: 1, cancelled: 1, failed: 1 });
    // completed 1 + uploading half of the first half (0.25) + failed 1, over 3 files not cancelled.
    expect(t.percent).toBe(75);
  });
});
