// @vitest-environment happy-dom
/**
 * Cloud-mode sign-in: the page learns from the server that it is a cloud Trove, signs in against
 * Firebase Auth's REST API (a local fake on 127.0.0.1, reached with the page's real fetch), and
 * sends the ID token as its bearer token; the refresh token stays in sessionStorage only.
 */
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthConfig } from '../../shared/api/schemas.ts';
import { AuthError, FirebaseAuthClient } from '../../renderer/src/api/firebase-auth.ts';
import { App } from '../../renderer/src/App.tsx';
import { getServices, setServices } from '../../renderer/src/services.ts';
import { useAuth } from '../../renderer/src/stores/auth.ts';
import { useNavigation } from '../../renderer/src/stores/navigation.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { setup, startFakeFirebaseAuth, type FakeFirebaseAuth } from './helpers.tsx';

let fake: FakeFirebaseAuth;
beforeAll(async () => {
  fake = await startFakeFirebaseAuth();
});
afterAll(async () => {
  useAuth.getState().signOut();
  await fake?.close();
});

function cloud(emulatorUrl: string | null = fake.url): AuthConfig {
  return { mode: 'cloud', firebase: { project_id: 'demo-trove', api_key: 'web-key', emulator_url: emulatorUrl } };
}

/** A fresh page whose server says `config`; returns the test doubles. */
async function openPage(config: AuthConfig = cloud()) {
  const doubles = setup();
  setServices({ ...getServices(), auth: { loadConfig: async () => config, storage: doubles.session } });
  useSession.setState({ status: 'starting', mode: 'local', error: null });
  useAuth.setState({ settings: null, email: null, error: null, busy: false });
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

describe('cloud sign-in', () => {
  it('asks a cloud server\'s visitor to sign in; a new account gets in with its ID token as bearer', async () => {
    const { api, session, local } = await openPage();
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(api.listUploads).not.toHaveBeenCalled();

    fill('ada@example.com', 'correct horse');
    await press('Create account');
    await waitFor(() => expect(screen.getByRole('searchbox', { name: 'Search your files…' })).toBeTruthy());

    const signUp = fake.calls.at(-1)!;
    expect(signUp.path).toBe('/identitytoolkit.googleapis.com/v1/accounts:signUp');
    expect(signUp.key).toBe('web-key');
    expect(api.setConnection).toHaveBeenLastCalledWith('', fake.issued.at(-1));
    expect(JSON.parse(session.getItem('trove.auth')!)).toMatchObject({ email: 'ada@example.com', refreshToken: expect.stringMatching(/^refresh-/) });
    expect(local.length).toBe(0);
    expect(api.events).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['a wrong password', 'ada@example.com', 'wrong password', 'Sign in', /email address or the password is not right/],
    ['an unknown email', 'nobody@example.com', 'whatever1', 'Sign in', /email address or the password is not right/],
    ['an existing email', 'ada@example.com', 'another one', 'Create account', /exists already\. Sign in instead/],
    ['a short password', 'bob@example.com', '123', 'Create account', /longer password/],
  ])('explains %s', async (_what, email, password, button, message) => {
    const { api } = await openPage();
    fill(email, password);
    await press(button);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(message));
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(api.listUploads).not.toHaveBeenCalled();
  });

  it('says so when Firebase cannot be reached', async () => {
    const closed = await startFakeFirebaseAuth();
    await closed.close();
    await openPage(cloud(closed.url));
    fill('ada@example.com', 'correct horse');
    await press('Sign in');
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/could not be reached/));
  });

  it('maps Firebase\'s older codes too', async () => {
    const reply = (message: string) => async () => new Response(JSON.stringify({ error: { code: 400, message } }), { status: 400 });
    for (const [code, text] of [['EMAIL_NOT_FOUND', /No account/], ['INVALID_PASSWORD', /password is not right/]] as const) {
      const client = new FirebaseAuthClient(cloud(null).firebase!, reply(code));
      const err = await client.signIn('a@b.c', 'x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).message).toMatch(text);
    }
  });

  it('talks to Google\'s endpoints without an emulator', async () => {
    const urls: string[] = [];
    const client = new FirebaseAuthClient(cloud(null).firebase!, async (input) => {
      urls.push(input instanceof Request ? input.url : input.toString());
      return new Response(JSON.stringify({ idToken: 'i', refreshToken: 'r', expiresIn: '3600', localId: 'u' }));
    });
    await client.signIn('a@b.c', 'pw');
    await client.refresh('r');
    expect(urls).toEqual([
      'https://identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=web-key',
      'https://securetoken.googleapis.com/v1/token?key=web-key',
    ]);
  });

  it('a reload signs back in from sessionStorage; the token is renewed before it expires', async () => {
    fake.expiresIn = 3600;
    const first = await openPage();
    fill('ada@example.com', 'correct horse');
    await press('Sign in');
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));
    const stored = first.session.getItem('trove.auth')!;

    // "Reload": same sessionStorage, fresh stores.
    const { api } = setup();
    first.session.setItem('trove.auth', stored);
    setServices({ ...getServices(), auth: { loadConfig: async () => cloud(), storage: first.session } });
    useSession.setState({ status: 'starting', mode: 'local' });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await act(() => useSession.getState().start());
    expect(fake.calls.at(-1)!.path).toBe('/securetoken.googleapis.com/v1/token');
    expect(useSession.getState().status).toBe('ready');
    expect(useAuth.getState().email).toBe('ada@example.com');
    const restored = fake.issued.at(-1);
    expect(api.setConnection).toHaveBeenLastCalledWith('', restored);

    // Five minutes before the hour is up, a new ID token replaces it.
    await vi.advanceTimersByTimeAsync(3300 * 1000);
    vi.useRealTimers();
    await waitFor(() => expect(fake.issued.at(-1)).not.toBe(restored));
    await waitFor(() => expect(api.setConnection).toHaveBeenLastCalledWith('', fake.issued.at(-1)));
  });

  it('Sign out in Settings forgets the sign-in and shows the sign-in screen again', async () => {
    const { api, session } = await openPage();
    fill('ada@example.com', 'correct horse');
    await press('Sign in');
    await waitFor(() => expect(useSession.getState().status).toBe('ready'));
    act(() => useNavigation.setState({ view: 'settings' }));
    expect(screen.getByText('ada@example.com')).toBeTruthy();
    await press('Sign out');
    expect(screen.getByRole('heading', { name: 'Sign in to Trove' })).toBeTruthy();
    expect(session.getItem('trove.auth')).toBeNull();
    expect(api.setConnection).toHaveBeenLastCalledWith('', null);
  });

  it('a local server keeps the token screen', async () => {
    await openPage({ mode: 'local', firebase: null });
    expect(screen.getByRole('heading', { name: 'Connect to your Trove' })).toBeTruthy();
  });
});
