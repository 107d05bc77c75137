/**
 * Firebase Authentication through Google's web SDK (`firebase/auth`): email and password, account
 * creation with e-mail verification, password reset, and Google — a popup in the browser, or in the
 * desktop app Google's ID token from the system-browser flow (signInWithCredential). Against the
 * Auth emulator when the server names one. Errors become AuthError with Firebase's stable code and
 * a message a person can act on.
 */
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  browserPopupRedirectResolver, browserSessionPersistence, connectAuthEmulator, createUserWithEmailAndPassword, getIdTokenResult,
  GoogleAuthProvider, initializeAuth, inMemoryPersistence, reload, sendEmailVerification, sendPasswordResetEmail,
  signInWithCredential, signInWithEmailAndPassword, signInWithPopup, signOut, type Auth, type User,
} from 'firebase/auth';
import type { AuthConfig } from '../../../shared/api/schemas.ts';

export type FirebaseSettings = NonNullable<AuthConfig['firebase']>;

/** A failed auth call: Firebase's code (`auth/wrong-password`…, or `trove/…`) and a message for people. */
export class AuthError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'AuthError';
  }

  get isNetwork(): boolean {
    return this.code === 'auth/network-request-failed' || this.code === 'auth/timeout';
  }
}

const MESSAGES: Record<string, string> = {
  'auth/invalid-credential': 'The email address or the password is not right.',
  'auth/invalid-login-credentials': 'The email address or the password is not right.',
  'auth/wrong-password': 'The password is not right for this account.',
  'auth/user-not-found': 'No account uses this email address. Check it, or create an account.',
  'auth/email-already-in-use': 'An account with this email address exists already. Sign in instead.',
  'auth/weak-password': 'Choose a longer password (at least 6 characters).',
  'auth/password-does-not-meet-requirements': 'Choose a stronger password: this server asks for more (e.g. length, digits or symbols).',
  'auth/invalid-email': 'That is not a valid email address.',
  'auth/missing-email': 'Enter your email address.',
  'auth/missing-password': 'Enter your password.',
  'auth/user-disabled': 'This account has been disabled. Contact the administrator of this Trove server.',
  'auth/too-many-requests': 'Too many attempts. Wait a few minutes, then try again.',
  'auth/operation-not-allowed': 'This way of signing in is not enabled for this Trove server.',
  'auth/network-request-failed': 'The sign-in service could not be reached. Check your connection, then try again.',
  'auth/timeout': 'The sign-in service did not answer in time. Try again.',
  'auth/popup-blocked': 'The browser blocked the Google sign-in window. Allow pop-ups for this site, then try again.',
  'auth/popup-closed-by-user': 'The Google sign-in window was closed before you finished.',
  'auth/cancelled-popup-request': 'The Google sign-in window was closed before you finished.',
  'auth/account-exists-with-different-credential': 'An account with this email address exists already, with another way of signing in. Sign in with your password.',
  'auth/unauthorized-domain': 'This Trove server\u2019s address is not allowed to use Google sign-in. Ask its administrator to add it to the Firebase project\u2019s authorized domains.',
  'auth/user-token-expired': 'Your sign-in has expired. Sign in again.',
  'auth/invalid-user-token': 'Your sign-in has expired. Sign in again.',
  'auth/requires-recent-login': 'Sign in again to continue.',
  'auth/invalid-api-key': 'This server\u2019s Firebase Web API key is not valid (FIREBASE_WEB_API_KEY).',
  'auth/api-key-not-valid.-please-pass-a-valid-api-key.': 'This server\u2019s Firebase Web API key is not valid (FIREBASE_WEB_API_KEY).',
  'auth/web-storage-unsupported': 'This browser blocks the storage Google sign-in needs (third-party cookies or site data). Allow it, or sign in with your email address.',
  'auth/invalid-action-code': 'This link was already used or has expired. Ask for a new one.',
  'auth/internal-error': 'The sign-in service had a problem. Try again in a moment.',
  'trove/google-unreachable': 'Google\u2019s sign-in could not be loaded. Check your connection (and that nothing blocks apis.google.com), then try again.',
  'trove/no-api-key': 'This server has no Firebase Web API key configured (FIREBASE_WEB_API_KEY), so signing in is not possible.',
  'trove/not-verified': 'Your email address is not confirmed yet. Open the link in the email we sent, then press Continue.',
};

export function authMessage(code: string): string {
  return MESSAGES[code] ?? `Signing in failed (${code}).`;
}

/** Any error from the SDK (a FirebaseError with `code`) or the network, as an AuthError. */
export function toAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'auth/network-request-failed';
  return new AuthError(code, authMessage(code));
}

let apps = 0;

export class FirebaseAuthClient {
  private readonly app: FirebaseApp | null;
  readonly auth: Auth | null;
  readonly emulated: boolean;

  /**
   * `persistence`: 'session' keeps the browser tab's sign-in in sessionStorage (a reload keeps it,
   * closing the tab ends it); 'memory' keeps nothing — the desktop app's main process keeps it.
   */
  constructor(settings: FirebaseSettings, persistence: 'session' | 'memory') {
    const emulator = settings.emulator_url?.replace(/\/+$/, '') ?? null;
    this.emulated = emulator !== null;
    // The emulator accepts any key; Google's endpoints need the project's.
    const apiKey = settings.api_key ?? (emulator ? 'emulator-key' : null);
    if (!apiKey) {
      this.app = null;
      this.auth = null;
      return;
    }
    // A stable name in the browser, so a reload finds the sign-in the SDK saved under it.
    const options = { apiKey, projectId: settings.project_id, authDomain: settings.auth_domain ?? `${settings.project_id}.firebaseapp.com` };
    const name = persistence === 'session' ? `trove-${settings.project_id}` : `trove-desktop-${++apps}`;
    let app: FirebaseApp;
    try {
      app = initializeApp(options, name);
    } catch {
      // That name is taken by other settings (the server changed its own): a fresh instance.
      app = initializeApp(options, `${name}-${++apps}`);
    }
    this.app = app;
    this.auth = initializeAuth(this.app, { persistence: persistence === 'session' ? browserSessionPersistence : inMemoryPersistence });
    // Nothing else may run before this; no banner: the sign-in screen says so itself.
    if (emulator) connectAuthEmulator(this.auth, emulator, { disableWarnings: true });
  }

  private need(): Auth {
    if (!this.auth) throw new AuthError('trove/no-api-key', authMessage('trove/no-api-key'));
    return this.auth;
  }

  private async run<T>(fn: (auth: Auth) => Promise<T>): Promise<T> {
    try {
      return await fn(this.need());
    } catch (err) {
      throw toAuthError(err);
    }
  }

  /** The user the SDK restored (browser: from sessionStorage), once it has looked. */
  async restoredUser(): Promise<User | null> {
    if (!this.auth) return null;
    await this.auth.authStateReady();
    return this.auth.currentUser;
  }

  get user(): User | null {
    return this.auth?.currentUser ?? null;
  }

  signIn(email: string, password: string): Promise<User> {
    return this.run(async (auth) => (await signInWithEmailAndPassword(auth, email, password)).user);
  }

  /** A new account; the confirmation email goes out at once. */
  signUp(email: string, password: string): Promise<User> {
    return this.run(async (auth) => {
      const { user } = await createUserWithEmailAndPassword(auth, email, password);
      await sendEmailVerification(user);
      return user;
    });
  }

  sendVerification(): Promise<void> {
    return this.run(async (auth) => {
      if (!auth.currentUser) throw new AuthError('auth/user-token-expired', authMessage('auth/user-token-expired'));
      await sendEmailVerification(auth.currentUser);
    });
  }

  /** Asks Firebase whether the address was confirmed meanwhile; the user, fresh. */
  reloadUser(): Promise<User> {
    return this.run(async (auth) => {
      const user = auth.currentUser;
      if (!user) throw new AuthError('auth/user-token-expired', authMessage('auth/user-token-expired'));
      await reload(user);
      return user;
    });
  }

  resetPassword(email: string): Promise<void> {
    return this.run((auth) => sendPasswordResetEmail(auth, email));
  }

  /** Google in a popup (browser). Firebase's helper frame needs Google's API loader (CSP script-src). */
  googlePopup(): Promise<User> {
    return this.run(async (auth) => {
      try {
        return (await signInWithPopup(auth, new GoogleAuthProvider(), browserPopupRedirectResolver)).user;
      } catch (err) {
        // The SDK reports a Google API loader that did not load as an internal error.
        if ((err as { code?: unknown }).code === 'auth/internal-error') throw new AuthError('trove/google-unreachable', authMessage('trove/google-unreachable'));
        throw err;
      }
    });
  }

  /** Google's ID token from the desktop app's system-browser flow, exchanged for a Firebase sign-in. */
  googleCredential(googleIdToken: string): Promise<User> {
    return this.run(async (auth) => (await signInWithCredential(auth, GoogleAuthProvider.credential(googleIdToken))).user);
  }

  /** The current ID token (`force`: a new one from Firebase) and when it expires (ms since epoch). */
  idToken(force = false): Promise<{ token: string; expiresAt: number }> {
    return this.run(async (auth) => {
      if (!auth.currentUser) throw new AuthError('auth/user-token-expired', authMessage('auth/user-token-expired'));
      const result = await getIdTokenResult(auth.currentUser, force);
      return { token: result.token, expiresAt: Date.parse(result.expirationTime) };
    });
  }

  async signOut(): Promise<void> {
    if (this.auth) await signOut(this.auth).catch(() => undefined);
  }

  /** Lets go of the SDK instance (another server, or the page is leaving cloud mode). */
  async dispose(): Promise<void> {
    if (this.app) await deleteApp(this.app).catch(() => undefined);
  }
}
