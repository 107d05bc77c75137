// @vitest-environment happy-dom
import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../renderer/src/api/errors.ts';
import { App } from '../../renderer/src/App.tsx';
import { useSession } from '../../renderer/src/stores/session.ts';
import { setup } from './helpers.tsx';

describe('session and the connect screen', () => {
  it('takes the token from the URL fragment, removes it from the address bar and connects', async () => {
    const { api, session } = setup();
    useSession.setState({ status: 'starting' });
    window.history.replaceState(null, '', '/#token=tok-from-link');
    await act(() => useSession.getState().start());
    expect(window.location.hash).toBe('');
    expect(window.location.href).not.toContain('tok-from-link');
    expect(session.getItem('trove.token')).toBe('tok-from-link');
    expect(api.setConnection).toHaveBeenCalledWith('', 'tok-from-link');
    expect(useSession.getState().status).toBe('ready');
    expect(api.events).toHaveBeenCalledTimes(1);
  });

  it('without a token explains how to connect, and a pasted link connects', async () => {
    const { api, local } = setup();
    useSession.setState({ status: 'starting' });
    window.history.replaceState(null, '', '/');
    await act(() => useSession.getState().start());
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Connect to your Trove' })).toBeTruthy();
    expect(screen.getAllByText('npx trove serve').length).toBeGreaterThan(0);

    fireEvent.change(screen.getByLabelText('Access link or token'), { target: { value: 'http://127.0.0.1:8787/#token=pasted-token' } });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Remember on this device' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    });
    expect(api.setConnection).toHaveBeenLastCalledWith('', 'pasted-token');
    expect(local.getItem('trove.token')).toBe('pasted-token');
    expect(screen.getByRole('searchbox', { name: 'Search your files…' })).toBeTruthy();
  });

  it('a refused token sends the user back to the connect screen with a reason', async () => {
    const { api, session } = setup();
    session.setItem('trove.token', 'old-token');
    api.listUploads.mockRejectedValue(new ApiError('UNAUTHORIZED', 'The access token is not valid for this server.', 401));
    useSession.setState({ status: 'starting' });
    window.history.replaceState(null, '', '/');
    await act(() => useSession.getState().start());
    render(<App />);
    expect(screen.getByRole('alert').textContent).toMatch(/not accepted/);
    expect(session.getItem('trove.token')).toBeNull();
  });

  it('an unreachable server says so, with a way to try again', async () => {
    const { api, session } = setup();
    session.setItem('trove.token', 'tok');
    api.listUploads.mockRejectedValue(new ApiError('NETWORK_ERROR', 'Trove could not be reached. Is the server running?'));
    useSession.setState({ status: 'starting' });
    await act(() => useSession.getState().start());
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Trove is not reachable' })).toBeTruthy();
    api.listUploads.mockResolvedValue({ uploads: [], total: 0, has_more: false });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    });
    expect(screen.getByRole('searchbox', { name: 'Search your files…' })).toBeTruthy();
  });

  it('the shell: / and Ctrl+K focus the search box; Escape closes dialogs', async () => {
    setup();
    render(<App />);
    const box = screen.getByRole('searchbox', { name: 'Search your files…' });
    (document.activeElement as HTMLElement | null)?.blur();
    fireEvent.keyDown(window, { key: '/' });
    expect(document.activeElement).toBe(box);
    (document.activeElement as HTMLElement).blur();
    fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    expect(document.activeElement).toBe(box);
    // Every control has a role and a name.
    for (const b of screen.getAllByRole('button')) expect(b.textContent?.trim() || b.getAttribute('aria-label')).toBeTruthy();
    vi.useRealTimers();
  });
});
