/**
 * Cloud-mode sign-in, with Firebase's web SDK (api/firebase-auth.ts): email and password, new
 * accounts that confirm their address first, password reset, and Google. Who keeps the sign-in:
 *  - in a browser tab, the SDK (sessionStorage: a reload keeps it, closing the tab ends it), and
 *    this store renews the ID token a few minutes before it expires;
 *  - in the desktop app, main (bridge.desktopAuth): the page hands it the sign-in, main keeps the
 *    refresh token in the OS keychain and renews tokens itself — also with the window closed — and
 *    tells the page about each new one.
 * Every new ID token goes to `onToken` (the session's bearer); `onExpired` when it cannot go on.
 */
import { create } from 'zustand';
import type { AuthConfig } from '../../../shared/api/schemas.ts';
import { AuthError, authMessage, toAuthError } from '../api/auth-errors.ts';
import type { FirebaseAuthClient } from '../api/firebase-auth.ts';
import type { AuthSession, DesktopAuth } from '../bridge/types.ts';

/** Renew this long before expiry (ms), and retry this soon after a refresh that could not reach Firebase. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const RETRY_MS = 30_000;

type FirebaseSettings = NonNullable<AuthConfig['firebase']>;

export interface AuthHandlers {
  /** A new ID token (sign-in or renewal): it becomes the bearer token of every API call. */
  onToken(idToken: string): void;
  /** The sign-in cannot go on: the user must sign in again (the message says why). */
  onExpired(message: string): void;
}

export type Refresh = { token: string } | { ended: string } | { unavailable: string };

/** `unverified`: signed in with a password whose address is not confirmed yet — the app waits for it. */
export type AuthPhase = 'signed-out' | 'unverified' | 'signed-in';

export interface AuthState {
  settings: FirebaseSettings | null;
  phase: AuthPhase;
  email: string | null;
  busy: boolean;
  /** What is going on while busy, for the button ("Waiting for Google in your browser…"). */
  activity: string | null;
  error: string | null;
  /** Something done that the user should know (an email was sent). */
  notice: string | null;
  /** Desktop: whether the sign-in survives quitting (the OS keychain holds it); null in a browser. */
  kept: boolean | null;
  /** How Google sign-in works here, or null when this server does not offer it. */
  google: 'popup' | 'browser' | null;

  /** A (new) server's settings: a fresh SDK instance, which finds the sign-in it saved (browser). */
  configure: (settings: FirebaseSettings, handlers: AuthHandlers, desktop: DesktopAuth | null) => Promise<void>;
  /** Signs back in (browser: the SDK's saved sign-in; desktop: the one main kept); the ID token or null. */
  restore: () => Promise<string | null>;
  /** Email/password sign-in, or a new account with `create`; the ID token, or null (see `error`, `phase`). */
  signIn: (email: string, password: string, create: boolean) => Promise<string | null>;
  /** Google: a popup in the browser, the system browser in the desktop app. */
  signInWithGoogle: () => Promise<string | null>;
  /** Stops waiting for Google (the desktop flow goes on in the browser until it times out or is replaced). */
  cancelGoogle: () => void;
  /** "I confirmed it": asks Firebase again; the ID token once the address is confirmed. */
  continueVerified: () => Promise<string | null>;
  resendVerification: () => Promise<void>;
  /** Sends a password-reset link; says so without telling whether the address has an account. */
  resetPassword: (email: string) => Promise<void>;
  /** Renews the ID token now (the server refused it): a new token, the end of the sign-in, or "not now". */
  refreshNow: () => Promise<Refresh>;
  signOut: () => void;
  /** The app left cloud mode: stop using the sign-in here, but let main keep it for a switch back. */
  detach: () => void;
  clearMessages: () => void;
}

let client: FirebaseAuthClient | null = null;
let handlers: AuthHandlers | null = null;
let desktop: DesktopAuth | null = null;
let offDesktop: (() => void) | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by each Google attempt and by cancelling: a late answer of an older attempt is ignored. */
let googleAttempt = 0;

const messageOf = (err: unknown): string => (err instanceof Error && err.message ? err.message.replace(/^.*\[[A-Z_]+\] /s, '') : authMessage('auth/network-request-failed'));

export const useAuth = create<AuthState>()((set, get) => {
  /** Browser: renew a few minutes before expiry; a network failure retries, anything else ends it. */
  const schedule = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void renew(), Math.max(30_000, ms));
  };

  const renew = async (): Promise<void> => {
    if (!client || desktop) return;
    try {
      const { token, expiresAt } = await client.idToken(true);
      schedule(expiresAt - Date.now() - REFRESH_MARGIN_MS);
      handlers?.onToken(token);
    } catch (err) {
      const e = toAuthError(err);
      if (e.isNetwork) {
        schedule(RETRY_MS);
        return;
      }
      end(e.message);
    }
  };

  const end = (message: string): void => {
    clearTimeout(timer);
    void client?.signOut();
    set({ phase: 'signed-out', email: null, kept: null, busy: false, activity: null });
    handlers?.onExpired(message);
  };

  const adoptDesktop = (s: AuthSession): string => {
    set({ phase: 'signed-in', email: s.email, kept: s.kept, error: null });
    return s.idToken;
  };

  /**
   * A Firebase user is signed in (any way). Unconfirmed password accounts wait on the
   * confirmation screen; otherwise the sign-in goes to its keeper and its ID token is returned.
   */
  const finish = async (c: FirebaseAuthClient): Promise<string | null> => {
    const user = c.user;
    if (!user) return null;
    if (!user.emailVerified) {
      set({ phase: 'unverified', email: user.email, error: null });
      return null;
    }
    const { token, expiresAt } = await c.idToken(true);
    if (desktop) {
      const session = await desktop.adopt(token, user.refreshToken);
      // Main keeps and renews it from now on: one keeper, not two.
      await c.signOut();
      return adoptDesktop(session);
    }
    set({ phase: 'signed-in', email: user.email, error: null });
    schedule(expiresAt - Date.now() - REFRESH_MARGIN_MS);
    return token;
  };

  /** Runs a sign-in step with the busy flag and error handling; null when it failed. */
  const attempt = async <T>(activity: string, fn: () => Promise<T>): Promise<T | null> => {
    set({ busy: true, activity, error: null, notice: null });
    try {
      return await fn();
    } catch (err) {
      set({ error: err instanceof AuthError ? err.message : messageOf(err) });
      return null;
    } finally {
      set({ busy: false, activity: null });
    }
  };

  return {
    settings: null,
    phase: 'signed-out',
    email: null,
    busy: false,
    activity: null,
    error: null,
    notice: null,
    kept: null,
    google: null,

    async configure(settings, h, desktopAuth) {
      clearTimeout(timer);
      handlers = h;
      desktop = desktopAuth;
      offDesktop?.();
      offDesktop = null;
      // The previous instance goes first: the new one takes its name, under which the SDK saved the sign-in.
      const previous = client;
      client = null;
      if (previous) await previous.dispose();
      // The SDK is loaded on first use: a local Trove's page never needs it.
      let sdk: { FirebaseAuthClient: typeof FirebaseAuthClient };
      try {
        sdk = await import('../api/firebase-auth.ts');
      } catch {
        set({ settings, phase: 'signed-out', google: null, error: 'Part of the sign-in page could not be loaded (the server may have been updated). Reload the page.' });
        return;
      }
      client = new sdk.FirebaseAuthClient(settings, desktopAuth ? 'memory' : 'session');
      if (desktopAuth) {
        offDesktop = desktopAuth.onChanged((session, reason) => {
          if (session) {
            if (get().phase !== 'signed-in') return; // a sign-in in progress hands its token over itself
            adoptDesktop(session);
            handlers?.onToken(session.idToken);
          } else if (reason && get().phase === 'signed-in') {
            end(reason);
          }
        });
      }
      const google = settings.google === false ? null : desktopAuth ? (settings.google_desktop_client ? 'browser' : null) : 'popup';
      set({ settings, phase: 'signed-out', email: null, kept: null, google, error: null, notice: null, busy: false, activity: null });
    },

    async restore() {
      if (!client) return null;
      try {
        if (desktop) {
          const session = await desktop.current();
          return session ? adoptDesktop(session) : null;
        }
        const user = await client.restoredUser();
        return user ? await finish(client) : null;
      } catch (err) {
        set({ phase: 'signed-out', email: null, error: messageOf(toAuthError(err)) });
        return null;
      }
    },

    async signIn(email, password, createAccount) {
      const c = client;
      if (!c) return null;
      const address = email.trim();
      return attempt(createAccount ? 'Creating your account\u2026' : 'Signing in\u2026', async () => {
        // A new account lands on the confirmation screen, which says where the link went.
        if (createAccount) await c.signUp(address, password);
        else await c.signIn(address, password);
        return finish(c);
      });
    },

    async signInWithGoogle() {
      const c = client;
      const how = get().google;
      if (!c || !how) return null;
      const mine = ++googleAttempt;
      return attempt(how === 'browser' ? 'Waiting for Google in your browser\u2026' : 'Signing in with Google\u2026', async () => {
        if (how === 'browser') {
          const googleIdToken = await desktop!.google();
          if (mine !== googleAttempt) return null;
          await c.googleCredential(googleIdToken);
        } else {
          await c.googlePopup();
        }
        if (mine !== googleAttempt) return null;
        return finish(c);
      });
    },

    cancelGoogle() {
      googleAttempt += 1;
      set({ busy: false, activity: null });
    },

    async continueVerified() {
      const c = client;
      if (!c) return null;
      return attempt('Checking\u2026', async () => {
        const user = await c.reloadUser();
        if (!user.emailVerified) throw new AuthError('trove/not-verified', authMessage('trove/not-verified'));
        return finish(c);
      });
    },

    async resendVerification() {
      const c = client;
      if (!c) return;
      const sent = await attempt('Sending\u2026', async () => {
        await c.sendVerification();
        return true;
      });
      if (sent) set({ notice: `We sent a new link to ${get().email ?? 'your address'}. It may take a minute; check your spam folder too.` });
    },

    async resetPassword(email) {
      const c = client;
      const address = email.trim();
      if (!c) return;
      if (address === '') {
        set({ error: 'Enter your email address above, then choose \u201cForgot your password?\u201d again.', notice: null });
        return;
      }
      const sent = await attempt('Sending\u2026', async () => {
        try {
          await c.resetPassword(address);
        } catch (err) {
          // Whether an address has an account is not told to whoever types it in.
          if (toAuthError(err).code !== 'auth/user-not-found') throw err;
        }
        return true;
      });
      if (sent) set({ notice: `If an account uses ${address}, an email with a link to choose a new password is on its way.` });
    },

    async refreshNow() {
      try {
        if (desktop) {
          const session = await desktop.renew();
          return session ? { token: adoptDesktop(session) } : { ended: authMessage('auth/user-token-expired') };
        }
        if (!client?.user) return { ended: authMessage('auth/user-token-expired') };
        const { token, expiresAt } = await client.idToken(true);
        schedule(expiresAt - Date.now() - REFRESH_MARGIN_MS);
        return { token };
      } catch (err) {
        // Google unreachable for now: the sign-in stands, and the next refusal asks again.
        if ((err instanceof AuthError && err.isNetwork) || /SERVICE_UNAVAILABLE/.test(String(err))) return { unavailable: messageOf(err) };
        return { ended: messageOf(toAuthError(err)) };
      }
    },

    signOut() {
      clearTimeout(timer);
      googleAttempt += 1;
      void client?.signOut();
      if (desktop) void desktop.end().catch(() => undefined);
      set({ phase: 'signed-out', email: null, kept: null, busy: false, activity: null, error: null, notice: null });
    },

    detach() {
      clearTimeout(timer);
      googleAttempt += 1;
      offDesktop?.();
      offDesktop = null;
      handlers = null;
      void client?.signOut();
      set({ phase: 'signed-out', email: null, kept: null, busy: false, activity: null, error: null, notice: null });
    },

    clearMessages() {
      set({ error: null, notice: null });
    },
  };
});
