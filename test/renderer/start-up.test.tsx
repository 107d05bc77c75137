// @vitest-environment happy-dom
import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { App } from '../../renderer/src/App.tsx';
import { useSession } from '../../renderer/src/stores/session.ts';
import { deferred, setup } from './helpers.tsx';

describe('a server that is still starting', () => {
  it('shows the start-up screen, not an error, and connects once the server is ready', async () => {
    const { api, session } = setup();
    session.setItem('trove.token', 'tok');
    const asked = deferred<void>();
    // What the server answers while it opens its database (http/start-listener.ts), then the library.
    api.listUploads
      .mockImplementationOnce(async () => {
        asked.resolve();
        throw new ApiError('SERVICE_STARTING', 'Trove is starting (opening its database); try again in a moment.', 503, undefined, { retryAfterMs: 50 });
      })
      .mockResolvedValue({ uploads: [], total: 0, has_more: false });
    useSession.setState({ status: 'starting' });
    window.history.replaceState(null, '', '/');
    let started!: Promise<void>;
    act(() => {
      started = useSession.getState().start();
    });
    await act(() => asked.promise);
    render(<App />);
    expect(screen.getByRole('status', { name: 'Starting Trove' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
    await act(() => started);
    expect(useSession.getState().status).toBe('ready');
    expect(screen.getByRole('searchbox', { name: 'Search your files…' })).toBeTruthy();
  });
});
