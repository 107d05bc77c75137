/**
 * Firebase Authentication through Google's web SDK (`firebase/auth`): email and password, account
 * creation with e-mail verification, password reset, and Google — a popup in the browser, or in the
 * desktop app Google's ID token from the system-browser flow (signInWithCredential). Against the
 * Auth emulator when the server names one. Errors become AuthError with Firebase's stable code and
 * a message a person can act on (auth-errors.ts). The page loads this module only in cloud mode,
 * so a local Trove's page does not carry the SDK.
 */
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  browserPopupRedirectResolver, browserSessionPersistence, connectAuthEmulator, createUserWithEmailAndPassword, getIdTokenResult,
  GoogleAuthProvider, initializeAuth, inMemoryPersistence, reload, sendEmailVerification, sendPasswordResetEmail,
  signInWithCredential, signInWithEmailAndPassword, signInWithPopup, signOut, type Auth, type User,
} from 'firebase/auth';
import type { AuthConfig } from '../../../shared/api/schemas.ts';
import { AuthError, authMessage, toAuthError } from './auth-errors.ts';

export type FirebaseSettings = NonNullable<AuthConfig['firebase']>;

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
