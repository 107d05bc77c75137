// @vitest-environment happy-dom
/**
 * Cloud mode in the desktop app's renderer, through the real ElectronBridge over a stand-in for the
 * preload's `window.trove` that answers `session:*` as main does. The page signs in with Firebase's
 * web SDK against the real Auth emulator and hands the sign-in to main (`session:adopt`); a sign-in
 * main kept is used at once (no sign-in screen); main's renewals and its ending of the sign-in
 * reach the page; Google goes through main (the system browser) and Firebase's signInWithCredential.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthConfig } from '../../shared/api/schemas.ts';
import type { AuthSession, Connection, Settings, TroveBridge } from '../../shared/ipc/contract.ts';
import { App } from '../../renderer/src/App.tsx';
import { ElectronBridge, withCleanErrors } from '../../renderer/src/bridge/electron-bridge.ts';
import { getServices, setServices } from '../../renderer/src/services.ts';
import { useAuth } from '../../renderer/src/stores/auth.ts';
import { useNavigation } from '../../renderer/src/stores/navigation.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { confirmEmail, setup, startAuthEmulator, type AuthEmulator, type FakeApi } from './helpers.tsx';

vi.mock('firebase/auth', () => import('../../node_modules/@firebase/auth/dist/esm/index.js'));

const CLOUD_URL = 'https://trove.example.com';
let emulator: AuthEmulator;
beforeAll(async () => {
  emulator = await startAuthEmulator();
}, 120_000);
afterAll(async () => {
  await emulator?.stop();
});

const b64url = (s: string) => btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const claims = (token: string) => JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
/** What main answers for a Firebase ID token it adopted or renewed. */
const sessionOf = (idToken: string, kept = true): AuthSession => {
  const c = claims(idToken);
  return { idToken, uid: String(c.user_id), email: (c.email as string | undefined) ?? null, emailVerified: c.email_verified === true, expiresAt: new Date(Number(c.exp) * 1000).toISOString(), kept };
};
/** An ID token as Google's would look to Firebase: the emulator takes unsigned ones. */
const googleIdToken = (sub: string, email: string) => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ iss: 'https://accounts.google.com', aud: 'desktop-client', sub, email, email_verified: true }))}.`;

interface MainStandIn {
  /** The sign-in main keeps (null: none). */
  kept: AuthSession | null;
  /** What `session:google` does (default: Google's ID token for Grace). */
  google: () => Promise<{ idToken: string }>;
  renew: () => Promise<AuthSession | null>;
}

/** What the preload would put on `window.trove`, answering as main does in cloud mode. */
function fakeTrove(main: MainStandIn) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const connection: Connection = { mode: 'cloud', url: CLOUD_URL, token: null, online: true };
  const settings: Settings = { mode: 'cloud', cloudUrl: CLOUD_URL, theme: 'system', startAtLogin: false, syncPaused: false };
  const invoke = vi.fn(async (method: string, ...args: unknown[]): Promise<unknown> => {
    switch (method) {
      case 'app:connection': return connection;
      case 'settings:get': return settings;
      case 'queue:list':
      case 'sync:folders': return [];
      case 'session:get': return main.kept;
      case 'session:adopt': {
        const { idToken } = args[0] as { idToken: string; refreshToken: string };
        main.kept = sessionOf(idToken);
        return main.kept;
      }
      case 'session:renew': return main.renew();
      case 'session:end':
        main.kept = null;
        return null;
      case 'session:google': return main.google();
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
  const calls = (method: string) => invoke.mock.calls.filter(([m]) => m === method).map(([, ...a]) => a);
  return { trove: trove as unknown as TroveBridge, listeners, calls };
}

function cloud(extra: Partial<NonNullable<AuthConfig['firebase']>> = {}): AuthConfig {
  return { mode: 'cloud', firebase: { project_id: emulator.projectId, api_key: 'web-key', emulator_url: `http://${emulator.host}`, google: true, google_desktop_client: { client_id: 'desktop-client', client_secret: null }, ...extra } };
}

/** A desktop window in cloud mode whose server says `config`, with main keeping `kept`. */
async function openWindow(opts: { config?: AuthConfig; kept?: AuthSession | null; main?: Partial<MainStandIn> } = {}) {
  cleanup();
  const doubles = setup();
  const main: MainStandIn = {
    kept: opts.kept ?? null,
    google: async () => ({ idToken: googleIdToken('g-1', 'grace@gmail.com') }),
    renew: async () => main.kept,
    ...opts.main,
  };
  const { trove, listeners, calls } = fakeTrove(main);
  const bridge = new ElectronBridge(withCleanErrors(trove));
  const api = doubles.api as FakeApi & { baseUrl: string };
  // Like the real client: the base URL follows setConnection (the session reads it back).
  api.setConnection.mockImplementation((base: string) => void (api.baseUrl = base));
  const config = opts.config ?? cloud();
  const loadConfig = vi.fn(async () => {
    // /auth/config is asked of the configured cloud server, not of some other origin.
    expect(api.baseUrl).toBe(CLOUD_URL);
    return config;
  });
  setServices({ ...getServices(), bridge, auth: { loadConfig } });
  useSession.setState({ status: 'starting', mode: 'local', error: null, bridgeKind: 'electron' });
  await act(() => useSession.getState().start());
  render(<App />);
  return { ...doubles, api, main, listeners, calls, loadConfig };
}

async function press(name: string) {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name }));
  });
}

async function signInWithPassword(email: string, password: string, button: 'Sign in' | 'Create account') {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  await press(button);
}

describe('cloud sign-in in the desktop app', () => {
  it('signs in with the SDK and hands the sign-in to main, after the address is confirmed', async () => {
    const { api, calls, loadConfig } = await openWindow();
    expect(loadConfig).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(screen.getByText(/Google’s sign-in opens in your web browser/)).toBeTruthy();

    await signInWithPassword('ada@example.com', 'correct horse', 'Create account');
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Confirm your email address' })).toBeTruthy());
    // Not confirmed: main is not given a sign-in it would upload with.
    expect(calls('session:adopt')).toEqual([]);

    await confirmEmail(emulator, 'ada@example.com');
    await press('Continue');
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));
    const [[handed]] = calls('session:adopt') as [[{ idToken: string; refreshToken: string }]];
    expect(claims(handed.idToken)).toMatchObject({ email: 'ada@example.com', email_verified: true });
    expect(handed.refreshToken.length).toBeGreaterThan(16);
    expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, handed.idToken);
    expect(api.listUploads).toHaveBeenCalled();
    // Main keeps it now; the page's SDK let go of it (one keeper, not two).
    expect(useAuth.getState()).toMatchObject({ phase: 'signed-in', email: 'ada@example.com', kept: true });
  });

  it('uses the sign-in main kept (after a restart: no sign-in screen), follows main\'s renewals, and shows why main ended it', async () => {
    await signInWithPasswordAccount('kept@example.com');
    const idToken = useSession.getState().status === 'ready' ? (getServices().api as unknown as FakeApi).setConnection.mock.calls.at(-1)![1] as string : '';
    const { api, listeners, calls } = await openWindow({ kept: sessionOf(idToken) });
    expect(screen.queryByRole('heading', { name: 'Sign in to Trove' })).toBeNull();
    expect(useSession.getState().status).toBe('ready');
    expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, idToken);
    expect(calls('session:adopt')).toEqual([]);

    // Main renewed the token on its own: the page's calls use the new one.
    const renewed = `${idToken.split('.')[0]}.${b64url(JSON.stringify({ ...claims(idToken), iat: 1, n: 2 }))}.`;
    act(() => listeners.get('session:changed')!({ session: sessionOf(renewed), reason: null }));
    expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, renewed);

    act(() => useNavigation.setState({ view: 'settings' }));
    expect(screen.getByText(/keeps you signed in on this computer \(in its keychain\)/)).toBeTruthy();

    // Main could not renew it any more (the account was disabled): back to the sign-in screen, saying why.
    act(() => listeners.get('session:changed')!({ session: null, reason: 'This account has been disabled. Contact the administrator of this Trove server.' }));
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/account has been disabled/);
    expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, null);
  });

  it('renews through main when the server refuses the page\'s token; signs in again when the sign-in is over', async () => {
    await signInWithPasswordAccount('renew@example.com');
    const first = (getServices().api as unknown as FakeApi).setConnection.mock.calls.at(-1)![1] as string;
    const fresh = `${first.split('.')[0]}.${b64url(JSON.stringify({ ...claims(first), n: 3 }))}.`;
    const { api, calls, main } = await openWindow({ kept: sessionOf(first), main: { renew: async () => sessionOf(fresh) } });
    act(() => useSession.getState().unauthorized());
    await waitFor(() => expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, fresh));
    expect(calls('session:renew')).toHaveLength(1);
    expect(useSession.getState().status).toBe('ready');

    main.renew = async () => null;
    act(() => useSession.getState().unauthorized());
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy());
    expect(screen.getByRole('alert').textContent).toMatch(/expired\. Sign in again/);
  });

  it('Google: main runs the browser flow, the page turns Google\'s ID token into a Firebase sign-in and hands it to main', async () => {
    const { calls, api } = await openWindow();
    await press('Continue with Google');
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));
    expect(calls('session:google')).toHaveLength(1);
    const [[handed]] = calls('session:adopt') as [[{ idToken: string }]];
    expect(claims(handed.idToken)).toMatchObject({ email: 'grace@gmail.com', email_verified: true, firebase: { sign_in_provider: 'google.com' } });
    expect(api.setConnection).toHaveBeenLastCalledWith(CLOUD_URL, handed.idToken);
  });

  it('Google: waiting for the browser can be cancelled, and main\'s refusals are shown as they are', async () => {
    let answer: (v: { idToken: string }) => void = () => undefined;
    const { calls } = await openWindow({ main: { google: () => new Promise((resolve) => (answer = resolve)) } });
    await press('Continue with Google');
    expect(screen.getByText(/Waiting for Google in your browser… Finish there, then come back\./)).toBeTruthy();
    await press('Cancel');
    expect(screen.getByRole('button', { name: 'Continue with Google' })).toBeTruthy();
    // The browser finishes after all: too late, ignored.
    await act(async () => answer({ idToken: googleIdToken('g-2', 'late@gmail.com') }));
    expect(calls('session:adopt')).toEqual([]);
    expect(useSession.getState().status).toBe('needs-sign-in');

    await openWindow({ main: { google: () => Promise.reject(new Error("Error invoking remote method 'trove:session:google': Error: [GOOGLE_SIGN_IN_CANCELLED] Google sign-in was cancelled in the browser.")) } });
    await press('Continue with Google');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Google sign-in was cancelled in the browser.'));
  });

  it('offers Google only with the server\'s desktop client; sign-out tells main; a server that is not a cloud Trove says so', async () => {
    await openWindow({ config: cloud({ google_desktop_client: null }) });
    expect(screen.queryByRole('button', { name: 'Continue with Google' })).toBeNull();

    await signInWithPasswordAccount('out@example.com');
    const { calls } = await openWindow({ kept: sessionOf((getServices().api as unknown as FakeApi).setConnection.mock.calls.at(-1)![1] as string) });
    act(() => useNavigation.setState({ view: 'settings' }));
    await press('Sign out');
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(calls('session:end')).toHaveLength(1);

    const local = await openWindow({ config: { mode: 'local', firebase: null } });
    expect(useSession.getState().status).toBe('needs-token');
    expect(useSession.getState().error).toMatch(/does not offer sign-in/);
    expect(local.calls('session:adopt')).toEqual([]);
  });
});

/** A confirmed account signed in through a window (leaves that window signed in). */
async function signInWithPasswordAccount(email: string): Promise<void> {
  await openWindow();
  await signInWithPassword(email, 'correct horse battery', 'Create account');
  await waitFor(() => expect(screen.getByRole('heading', { name: 'Confirm your email address' })).toBeTruthy());
  await confirmEmail(emulator, email);
  await press('Continue');
  await waitFor(() => expect(useSession.getState().status).toBe('ready'));
}
