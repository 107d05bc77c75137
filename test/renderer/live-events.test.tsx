// @vitest-environment happy-dom
/**
 * Events in one direction: the session opens the one live stream once the server takes the token;
 * each event goes to the bridge (whose own queue reacts, or not) and to the stores that show
 * uploads. The stream's state is what the header shows; leaving closes it.
 */
import { act, render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { UploadAccepted, UploadEvent } from '../../shared/api/schemas.ts';
import type { TroveBridge } from '../../shared/ipc/contract.ts';
import type { StreamState } from '../../renderer/src/api/sse.ts';
import { ElectronBridge } from '../../renderer/src/bridge/electron-bridge.ts';
import type { Bridge } from '../../renderer/src/bridge/types.ts';
import { WebBridge } from '../../renderer/src/bridge/web-bridge.ts';
import { WebUploadQueue } from '../../renderer/src/bridge/web-queue.ts';
import { Header } from '../../renderer/src/components/Header.tsx';
import { useLibrary } from '../../renderer/src/stores/library.ts';
import { useLiveEvents } from '../../renderer/src/stores/live-events.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { useUploads } from '../../renderer/src/stores/uploads.ts';
import { setup, upload } from './helpers.tsx';

const event = (over: Partial<UploadEvent> & Pick<UploadEvent, 'upload_id'>): UploadEvent =>
  ({ job_id: 'job-1', status: 'processing', progress: 0, stage: null, error: null, ...over });

/** Starts a session with a stored token; returns what the page handed to GET /events. */
async function startWithStream() {
  const h = setup();
  h.session.setItem('trove.token', 'tok');
  useSession.setState({ status: 'starting' });
  window.history.replaceState(null, '', '/');
  await act(() => useSession.getState().start());
  expect(useSession.getState().status).toBe('ready');
  expect(h.api.events).toHaveBeenCalledTimes(1);
  const [deliver, report] = h.api.events.mock.calls[0]! as unknown as [(ev: UploadEvent) => void, (s: StreamState) => void];
  const stream = h.api.events.mock.results[0]!.value as { close: ReturnType<typeof vi.fn> };
  return { ...h, deliver, report, stream };
}

describe('live events', () => {
  it('hand each event to the bridge and to the upload panel, the recent files and the library', async () => {
    const { api, bridge, deliver } = await startWithStream();
    const [one, two] = [upload({ id: 'up-1', processing_status: 'processing' }), upload({ id: 'up-2' })];
    useLibrary.setState({ loaded: true, items: [one, two], total: 2 });
    api.listUploads.mockClear();
    api.listUploads.mockResolvedValue({ uploads: [{ ...one, processing_status: 'completed' }, two], total: 2, has_more: false });

    const reading = event({ upload_id: 'up-1', progress: 40, stage: 'reading text' });
    act(() => deliver(reading));
    expect(bridge.applyServerEvent).toHaveBeenCalledWith(reading);
    expect(useUploads.getState().stages['up-1']).toEqual({ stage: 'reading text', progress: 40 });

    // A finished file: the library shows it at once and fetches a fresh page (thumbnail, summary).
    act(() => deliver(event({ upload_id: 'up-1', status: 'completed', progress: 100, stage: 'completed' })));
    expect(useLibrary.getState().items.find((u) => u.id === 'up-1')?.processing_status).toBe('completed');
    await waitFor(() => expect(api.listUploads).toHaveBeenCalledWith(expect.objectContaining({ offset: 0 })), { timeout: 3000 });

    // Deleted elsewhere (another tab, the desktop app's folder sync): gone from the library.
    act(() => deliver(event({ upload_id: 'up-2', status: 'completed', deleted: true })));
    expect(useLibrary.getState().items.map((u) => u.id)).toEqual(['up-1']);
    expect(bridge.applyServerEvent).toHaveBeenCalledTimes(3);
  });

  it('show in the header whether live updates are on, and stop when the user leaves', async () => {
    const { report, stream } = await startWithStream();
    render(<Header />);
    act(() => report('connecting'));
    expect(screen.getByText('Reconnecting to live updates')).toBeTruthy();
    act(() => report('open'));
    expect(screen.getByText('Live updates on')).toBeTruthy();

    act(() => useSession.getState().disconnect());
    expect(stream.close).toHaveBeenCalled();
    expect(useLiveEvents.getState().state).toBe('closed');
  });

  it('reach the page\'s own queue through the web bridge; the desktop app\'s queue is main\'s business', async () => {
    const accepted: UploadAccepted = { job_id: 'job-a', upload_id: 'up-a', status: 'queued', duplicate: false, estimated_time: 1 };
    const queue = new WebUploadQueue({
      transport: () => ({ attempt: async () => accepted, abort: () => undefined }),
      retryProcessing: async () => ({ job_id: 'job-b' }),
      jobStatus: async () => { throw new Error('not asked: the events say it all'); },
      pollAfterMs: 60_000,
    });
    const web = new WebBridge(queue, { origin: 'http://127.0.0.1:8787', token: () => 'tok', storage: null });
    await web.addFiles([new File(['hello'], 'note.txt')], { keepLocal: false });
    await waitFor(async () => expect((await web.listQueue())[0]?.state).toBe('processing'));
    web.applyServerEvent(event({ upload_id: 'up-a', job_id: 'job-a', status: 'completed', progress: 100, stage: 'completed' }));
    expect((await web.listQueue())[0]?.state).toBe('completed');

    const invoke = vi.fn();
    const trove: TroveBridge = { invoke: invoke as TroveBridge['invoke'], on: () => () => undefined, pathForFile: () => '' };
    const desktop = new ElectronBridge(trove);
    const bridge: Bridge = desktop;
    bridge.applyServerEvent(event({ upload_id: 'up-a', status: 'completed', progress: 100 }));
    expect(invoke).not.toHaveBeenCalled();
    desktop.dispose();
  });
});
