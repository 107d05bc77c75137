// @vitest-environment happy-dom
/**
 * Cloud-mode sign-in in the browser: the page learns from the server that it is a cloud Trove and
 * signs in with Firebase's web SDK (its browser build, as the page bundles it) against the real
 * Firebase Auth emulator: new accounts confirm their address first, passwords can be reset, a
 * reload keeps the sign-in (sessionStorage, never localStorage), and the ID token is the bearer.
 */
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuthConfig } from '../../shared/api/schemas.ts';
import { App } from '../../renderer/src/App.tsx';
import { getServices, setServices } from '../../renderer/src/services.ts';
import { useAuth } from '../../renderer/src/stores/auth.ts';
import { useNavigation } from '../../renderer/src/stores/navigation.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { confirmEmail, emulatorLinks, setup, startAuthEmulator, type AuthEmulator } from './helpers.tsx';

// The page bundles the SDK's browser build (sessionStorage persistence); Node's resolution would pick its Node build.
vi.mock('firebase/auth', () => import('../../node_modules/@firebase/auth/dist/esm/index.js'));

let emulator: AuthEmulator;
beforeAll(async () => {
  emulator = await startAuthEmulator();
}, 120_000);
afterAll(async () => {
  useAuth.getState().signOut();
  await emulator?.stop();
});
beforeEach(() => {
  window.sessionStorage.clear();
  window.localStorage.clear();
});

function cloud(emulatorUrl: string | null = `http://${emulator.host}`): AuthConfig {
  return { mode: 'cloud', firebase: { project_id: emulator.projectId, api_key: 'web-key', emulator_url: emulatorUrl, google: true } };
}

/** A fresh page whose server says `config` (the window's sessionStorage is kept: a reload). */
async function openPage(config: AuthConfig = cloud()) {
  cleanup(); // the previous page is gone
  const doubles = setup();
  setServices({ ...getServices(), auth: { loadConfig: async () => config } });
  useSession.setState({ status: 'starting', mode: 'local', error: null });
  window.history.replaceState(null, '', '/');
  await act(() => useSession.getState().start());
  render(<App />);
  return doubles;
}

function fill(email: string, password: string) {
  fireEvent.change(screen.getByLabelText('Email'), { target: { value: email } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
}

async function press(name: string) {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name }));
  });
}

const claims = (token: string) => JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
const searchbox = () => screen.getByRole('searchbox', { name: 'Search your files…' });

/** An account whose address is already confirmed (made through the emulator, not the page). */
async function confirmedAccount(email: string, password = 'correct horse battery'): Promise<void> {
  const res = await fetch(`http://${emulator.host}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=k`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  const { localId } = (await res.json()) as { localId: string };
  await fetch(`http://${emulator.host}/identitytoolkit.googleapis.com/v1/projects/${emulator.projectId}/accounts:update`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer owner' }, body: JSON.stringify({ localId, emailVerified: true }),
  });
}

describe('cloud sign-in in the browser', () => {
  it('a new account confirms its address before it gets in; then its ID token is the bearer', async () => {
    const { api } = await openPage();
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(api.listUploads).not.toHaveBeenCalled();

    fill('ada@example.com', 'correct horse');
    await press('Create account');
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Confirm your email address' })).toBeTruthy());
    expect(screen.getByText(/We sent a link to/).textContent).toMatch(/We sent a link to ada@example\.com\. Open it/);
    expect(api.listUploads).not.toHaveBeenCalled();
    expect((await emulatorLinks(emulator)).filter((l) => l.email === 'ada@example.com').map((l) => l.requestType)).toEqual(['VERIFY_EMAIL']);

    // Not confirmed yet: says so, and stays.
    await press('Continue');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/not confirmed yet/));
    expect(api.listUploads).not.toHaveBeenCalled();

    await press('Send the link again');
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/We sent a new link to ada@example\.com/));
    expect((await emulatorLinks(emulator)).filter((l) => l.email === 'ada@example.com')).toHaveLength(2);

    await confirmEmail(emulator, 'ada@example.com');
    await press('Continue');
    await waitFor(() => expect(searchbox()).toBeTruthy());
    const token = api.setConnection.mock.calls.at(-1)![1] as string;
    expect(claims(token)).toMatchObject({ email: 'ada@example.com', email_verified: true, aud: emulator.projectId });
    expect(api.events).toHaveBeenCalledTimes(1);
    // The SDK keeps the sign-in in sessionStorage only.
    expect(Object.keys(window.sessionStorage).some((k) => k.startsWith('firebase:authUser:'))).toBe(true);
    expect(Object.keys(window.localStorage)).toEqual([]);
  });

  it.each([
    ['a wrong password', 'ada@example.com', 'wrong password', 'Sign in', /password is not right/],
    ['an unknown email', 'nobody@example.com', 'whatever1', 'Sign in', /No account uses this email address|email address or the password is not right/],
    ['an existing email', 'ada@example.com', 'another one', 'Create account', /exists already\. Sign in instead/],
    ['a short password', 'bob@example.com', '123', 'Create account', /longer password/],
    // (Sign in submits the form, where the browser's own check on type=email stops a malformed address first.)
    ['a malformed email', 'bob@', 'whatever1', 'Create account', /not a valid email address/],
  ])('explains %s', async (_what, email, password, button, message) => {
    const { api } = await openPage();
    fill(email, password);
    await press(button);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(message));
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(api.listUploads).not.toHaveBeenCalled();
  });

  it('says so when Firebase cannot be reached', async () => {
    await openPage(cloud('http://127.0.0.1:9'));
    fill('ada@example.com', 'correct horse');
    await press('Sign in');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/could not be reached/), { timeout: 20_000 });
  });

  it('sends a password-reset link without telling whether the address has an account', async () => {
    await openPage();
    await press('Forgot your password?');
    expect(screen.getByRole('alert').textContent).toMatch(/Enter your email address above/);

    fill('ada@example.com', '');
    await press('Forgot your password?');
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/If an account uses ada@example\.com, an email with a link to choose a new password is on its way/));
    expect((await emulatorLinks(emulator)).filter((l) => l.email === 'ada@example.com' && l.requestType === 'PASSWORD_RESET')).toHaveLength(1);

    fill('stranger@example.com', '');
    await press('Forgot your password?');
    await waitFor(() => expect(screen.getByRole('status').textContent).toMatch(/If an account uses stranger@example\.com/));
    expect(screen.queryByRole('alert')).toBeNull();
    expect((await emulatorLinks(emulator)).filter((l) => l.email === 'stranger@example.com')).toEqual([]);
  });

  it('a reload signs back in from sessionStorage; the token is renewed five minutes before it expires', async () => {
    await confirmedAccount('grace@example.com');
    await openPage();
    fill('grace@example.com', 'correct horse battery');
    await press('Sign in');
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));

    // "Reload": the same sessionStorage, fresh stores and page.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { api } = await openPage();
    expect(useSession.getState().status).toBe('ready');
    expect(screen.queryByRole('heading', { name: 'Sign in to Trove' })).toBeNull();
    expect(useAuth.getState().email).toBe('grace@example.com');
    const restored = api.setConnection.mock.calls.at(-1)![1] as string;
    expect(claims(restored)).toMatchObject({ email: 'grace@example.com' });

    // 55 minutes on, a new ID token replaces it (the emulator stamps tokens by the second).
    await vi.advanceTimersByTimeAsync(3300 * 1000);
    vi.useRealTimers();
    await waitFor(() => expect(api.setConnection.mock.calls.length).toBeGreaterThan(1));
    const renewed = api.setConnection.mock.calls.at(-1)![1] as string;
    expect(claims(renewed)).toMatchObject({ email: 'grace@example.com', user_id: claims(restored).user_id });
    expect(api.setConnection).toHaveBeenLastCalledWith('', renewed);
  });

  it('Sign out in Settings forgets the sign-in and shows the sign-in screen again', async () => {
    await confirmedAccount('hedy@example.com');
    const { api } = await openPage();
    fill('hedy@example.com', 'correct horse battery');
    await press('Sign in');
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));
    act(() => useNavigation.setState({ view: 'settings' }));
    expect(screen.getByText('hedy@example.com')).toBeTruthy();
    await press('Sign out');
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    await waitFor(() => expect(Object.keys(window.sessionStorage).filter((k) => k.startsWith('firebase:authUser:'))).toEqual([]));
    expect(api.setConnection).toHaveBeenLastCalledWith('', null);

    // And a reload stays signed out.
    await openPage();
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
  });

  it('offers Google only when the server does, and a local server keeps the token screen', async () => {
    await openPage();
    expect(screen.getByRole('button', { name: 'Continue with Google' })).toBeTruthy();
    await openPage({ mode: 'cloud', firebase: { ...cloud().firebase!, google: false } });
    expect(screen.queryByRole('button', { name: 'Continue with Google' })).toBeNull();
    await openPage({ mode: 'local', firebase: null });
    expect(screen.getByRole('heading', { name: 'Connect to your Trove' })).toBeTruthy();
  });
});
