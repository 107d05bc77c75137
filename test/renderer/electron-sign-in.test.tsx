// @vitest-environment happy-dom
/**
 * Cloud mode in the desktop app's renderer: through the real ElectronBridge (over a stand-in for the
 * preload's `window.trove`), the page reads /auth/config from the configured cloud server, signs in
 * against Firebase Auth's REST API (the local fake, reached with the page's real fetch), and hands
 * every ID token — at sign-in, on each renewal, after main reported a 401 — to main over
 * `session:setAuthToken`; sign-out hands over null.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthConfig } from '../../shared/api/schemas.ts';
import type { Connection, Settings, TroveBridge } from '../../shared/ipc/contract.ts';
import { App } from '../../renderer/src/App.tsx';
import { ElectronBridge } from '../../renderer/src/bridge/electron-bridge.ts';
import { getServices, setServices } from '../../renderer/src/services.ts';
import { useAuth } from '../../renderer/src/stores/auth.ts';
import { useNavigation } from '../../renderer/src/stores/navigation.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { setup, startFakeFirebaseAuth, type FakeApi, type FakeFirebaseAuth } from './helpers.tsx';

const CLOUD_URL = 'https://trove.example.com';
let fake: FakeFirebaseAuth;
beforeAll(async () => {
  fake = await startFakeFirebaseAuth();
});
afterAll(async () => {
  useAuth.getState().signOut();
  await fake?.close();
});

/** What the preload would put on `window.trove`, answering as main does in cloud mode. */
function fakeTrove() {
  const listeners = new Map<string, (payload: unknown) => void>();
  const connection: Connection = { mode: 'cloud', url: CLOUD_URL, token: null, online: true };
  const settings: Settings = { mode: 'cloud', cloudUrl: CLOUD_URL, theme: 'system', startAtLogin: false, syncPaused: false };
  const invoke = vi.fn(async (method: string, ..._args: unknown[]): Promise<unknown> => {
    switch (method) {
      case 'app:connection': return connection;
      case 'settings:get': return settings;
      case 'queue:list':
      case 'sync:folders': return [];
      default: return null;
    }
  });
  const trove = {
    invoke,
    on: vi.fn((event: string, listener: (payload: unknown) => void) => {
      listeners.set(event, listener);
      return () => listeners.delete(event);
    }),
    pathForFile: () => '',
  };
  /** Tokens handed to main, in order. */
  const lent = () => invoke.mock.calls.filter(([m]) => m === 'session:setAuthToken').map(([, arg]) => (arg as { token: string | null }).token);
  return { trove: trove as unknown as TroveBridge, listeners, lent };
}

/** A desktop window in cloud mode whose server says `config`. */
async function openWindow(config: AuthConfig = { mode: 'cloud', firebase: { project_id: 'demo-trove', api_key: 'web-key', emulator_url: fake.url } }) {
  const doubles = setup();
  const { trove, listeners, lent } = fakeTrove();
  const bridge = new ElectronBridge(trove);
  const api = doubles.api as FakeApi & { baseUrl: string };
  // Like the real client: the base URL follows setConnection (the session reads it back).
  api.setConnection.mockImplementation((base: string) => void (api.baseUrl = base));
  const loadConfig = vi.fn(async () => {
    // /auth/config is asked of the configured cloud server, not of some other origin.
    expect(api.baseUrl).toBe(CLOUD_URL);
    return config;
  });
  setServices({ ...getServices(), bridge, auth: { loadConfig, storage: doubles.session } });
  useSession.setState({ status: 'starting', mode: 'local', error: null, bridgeKind: 'electron' });
  useAuth.setState({ settings: null, email: null, error: null, busy: false });
  await act(() => useSession.getState().start());
  render(<App />);
  return { ...doubles, bridge, listeners, lent, loadConfig };
}

async function signIn(email: string, password: string, button: 'Sign in' | 'Create account') {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: button }));
  });
  await waitFor(() => expect(useSession.getState().status).toBe('ready'));
}

describe('cloud sign-in in the desktop app', () => {
  it('shows the sign-in screen for the configured cloud server and hands the ID token to main', async () => {
    const { api, lent, loadConfig } = await openWindow();
    expect(loadConfig).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(screen.queryByText(/Sign in to your cloud Trove/)).toBeNull();
    expect(lent()).toEqual([]);

    await signIn('grace@example.com', 'correct horse', 'Create account');
    const token = fake.issued.at(-1)!;
    expect(lent()).toEqual([token]);
    expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, token);
    expect(api.listUploads).toHaveBeenCalled();
  });

  it('hands main each renewed token, and the token renewed after main met a 401', async () => {
    fake.expiresIn = 3600;
    const first = await openWindow();
    await signIn('grace@example.com', 'correct horse', 'Sign in');
    const stored = first.session.getItem('trove.auth')!;

    // A reload of the window under fake timers (as in sign-in.test.tsx), so the hour can pass.
    first.session.setItem('trove.auth', stored);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { lent, listeners } = await openWindowWithStorage(first.session);
    const restored = fake.issued.at(-1)!;
    expect(useSession.getState().status).toBe('ready');
    expect(lent()).toEqual([restored]);

    // Five minutes before the hour is up, the renewal goes to main as well.
    await vi.advanceTimersByTimeAsync(3300 * 1000);
    vi.useRealTimers();
    await waitFor(() => expect(lent()).toHaveLength(2));
    const renewed = lent()[1]!;
    expect(renewed).not.toBe(restored);
    expect(renewed).toBe(fake.issued.at(-1));

    // Main's upload got a 401: the page renews at once and hands the new token over.
    act(() => listeners.get('session:authExpired')!({ message: 'The Trove server did not accept your sign-in.' }));
    await waitFor(() => expect(lent()).toHaveLength(3));
    expect(lent()[2]).toBe(fake.issued.at(-1));
    expect(lent()[2]).not.toBe(renewed);
    expect(useSession.getState().status).toBe('ready');
  });

  it('tells main on sign-out, and a restored sign-in (reload) is handed over again', async () => {
    const first = await openWindow();
    await signIn('grace@example.com', 'correct horse', 'Sign in');
    const stored = first.session.getItem('trove.auth')!;

    // "Reload": the same sessionStorage, a fresh page.
    first.session.setItem('trove.auth', stored);
    const again = await openWindowWithStorage(first.session);
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));
    expect(again.lent()).toEqual([fake.issued.at(-1)]);

    act(() => useNavigation.setState({ view: 'settings' }));
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    });
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(again.lent().at(-1)).toBeNull();
  });

  it('a configured server that is not a cloud Trove says so instead of offering sign-in', async () => {
    const { lent } = await openWindow({ mode: 'local', firebase: null });
    expect(useSession.getState().status).toBe('needs-token');
    expect(useSession.getState().error).toMatch(/does not offer sign-in/);
    expect(lent()).toEqual([]);
  });
});

/** openWindow, keeping a given sessionStorage (a reload of the same window). */
async function openWindowWithStorage(storage: Storage) {
  cleanup(); // the previous page is gone
  const doubles = setup();
  const { trove, listeners, lent } = fakeTrove();
  const api = doubles.api as FakeApi & { baseUrl: string };
  api.setConnection.mockImplementation((base: string) => void (api.baseUrl = base));
  const config: AuthConfig = { mode: 'cloud', firebase: { project_id: 'demo-trove', api_key: 'web-key', emulator_url: fake.url } };
  setServices({ ...getServices(), bridge: new ElectronBridge(trove), auth: { loadConfig: async () => config, storage } });
  useSession.setState({ status: 'starting', mode: 'local', error: null, bridgeKind: 'electron' });
  await act(() => useSession.getState().start());
  render(<App />);
  return { listeners, lent };
}
