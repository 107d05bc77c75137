import { ConfigError, type Env } from './config-errors.ts';

/**
 * How a cloud server's users sign in besides email and password — all public settings the sign-in
 * page reads from GET /auth/config: the Google provider, the host of Firebase's popup helper, and
 * the Google OAuth client the desktop app uses through the system browser.
 */
export interface SignInConfig {
  /** FIREBASE_AUTH_DOMAIN: host of Firebase's sign-in helper pages; default `<project>.firebaseapp.com`. */
  authDomain: string | undefined;
  /** FIREBASE_GOOGLE_SIGN_IN: offer "Continue with Google" (default on; the project must enable the provider). */
  google: boolean;
  /** GOOGLE_OAUTH_DESKTOP_CLIENT_ID (+ _SECRET): an OAuth client of type "Desktop app" in the same Google Cloud project. */
  googleDesktopClient: { clientId: string; clientSecret: string | undefined } | undefined;
}

const trimmed = (env: Env, name: string): string | undefined => env[name]?.trim() || undefined;

export function loadSignInConfig(env: Env): SignInConfig {
  for (const name of ['FIREBASE_AUTH_DOMAIN', 'FIREBASE_GOOGLE_SIGN_IN', 'GOOGLE_OAUTH_DESKTOP_CLIENT_ID']) {
    if (trimmed(env, name) !== undefined && trimmed(env, 'FIREBASE_PROJECT_ID') === undefined) {
      throw new ConfigError(name, 'is set but FIREBASE_PROJECT_ID is not; set FIREBASE_PROJECT_ID too, or remove it.');
    }
  }
  if (trimmed(env, 'GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET') !== undefined && trimmed(env, 'GOOGLE_OAUTH_DESKTOP_CLIENT_ID') === undefined) {
    throw new ConfigError('GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET', 'is set but GOOGLE_OAUTH_DESKTOP_CLIENT_ID is not; set the client id too, or remove it.');
  }
  const authDomain = trimmed(env, 'FIREBASE_AUTH_DOMAIN');
  if (authDomain !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$/i.test(authDomain)) {
    throw new ConfigError('FIREBASE_AUTH_DOMAIN', `must be a host name such as my-project.firebaseapp.com (no https://, no path), got '${authDomain}'.`);
  }
  const rawGoogle = trimmed(env, 'FIREBASE_GOOGLE_SIGN_IN')?.toLowerCase();
  let google = true;
  if (rawGoogle !== undefined) {
    if (['1', 'true', 'yes', 'on'].includes(rawGoogle)) google = true;
    else if (['0', 'false', 'no', 'off'].includes(rawGoogle)) google = false;
    else throw new ConfigError('FIREBASE_GOOGLE_SIGN_IN', `must be true or false, got '${rawGoogle}'.`);
  }
  const clientId = trimmed(env, 'GOOGLE_OAUTH_DESKTOP_CLIENT_ID');
  if (clientId !== undefined && !/^[\w.-]+$/.test(clientId)) {
    throw new ConfigError('GOOGLE_OAUTH_DESKTOP_CLIENT_ID', `must be an OAuth client id such as 1234-abc.apps.googleusercontent.com, got '${clientId}'.`);
  }
  return {
    authDomain,
    google,
    googleDesktopClient: clientId === undefined ? undefined : { clientId, clientSecret: trimmed(env, 'GOOGLE_OAUTH_DESKTOP_CLIENT_SECRET') },
  };
}
