/**
 * Cloud mode: the user signs in with Firebase (stores/auth.ts), and every new ID token becomes the
 * bearer of the page's calls. The same in a browser tab and in the desktop app.
 */
import type { AuthConfig } from '../../../../shared/api/schemas.ts';
import { getServices } from '../../services.ts';
import { useAuth } from '../auth.ts';
import { openLiveEvents } from '../live-events.ts';
import { checkAccess, checkGivenAccess, forgetUserData } from './access.ts';
import type { SessionControl } from './types.ts';

/**
 * A cloud server (`base`: '' for the page's own origin, the configured URL in the desktop app):
 * sign back in (the browser's saved sign-in, or the one main kept), or ask the user to sign in.
 */
export async function startCloud(s: SessionControl, firebase: NonNullable<AuthConfig['firebase']>, base = ''): Promise<void> {
  const { api, bridge } = getServices();
  await useAuth.getState().configure(firebase, {
    // A renewed token replaces the old one for every later call; the open event stream stays as is.
    onToken: (token) => api.setConnection(base, token),
    onExpired: (message) => {
      forgetUserData();
      api.setConnection(base, null);
      s.set({ status: 'needs-sign-in', error: message });
    },
  }, bridge.desktopAuth);
  s.set({ status: 'checking' });
  const token = await useAuth.getState().restore();
  if (!token) {
    s.set({ status: 'needs-sign-in', error: null });
    return;
  }
  api.setConnection(base, token);
  await checkAccess(s);
}

/** A sign-in step's outcome: with a token, the server checks it; without, the sign-in screen stays. True once in. */
export async function enter(s: SessionControl, token: string | null): Promise<boolean> {
  if (!token) {
    s.set({ error: null });
    return false;
  }
  const { api } = getServices();
  api.setConnection(api.baseUrl, token);
  return checkGivenAccess(s, { error: null });
}

/**
 * The server refused the token mid-session. An ID token can lapse between renewals (a sleeping
 * laptop): renew once; if the sign-in is over, sign in again; if Google is unreachable, carry on.
 */
export function renewOrSignOut(s: SessionControl): void {
  void useAuth.getState().refreshNow().then((outcome) => {
    if ('token' in outcome) {
      const { api } = getServices();
      api.setConnection(api.baseUrl, outcome.token);
      // The stream may have stopped at the same 401; reopen it with the new token.
      openLiveEvents();
      return;
    }
    if ('unavailable' in outcome) return;
    forgetUserData();
    useAuth.getState().signOut();
    s.set({ status: 'needs-sign-in', error: outcome.ended });
  });
}

/** Forget the Firebase sign-in and everything shown for that user. */
export function signOut(s: SessionControl): void {
  forgetUserData();
  useAuth.getState().signOut();
  const { api } = getServices();
  api.setConnection(api.baseUrl, null);
  s.set({ status: 'needs-sign-in', error: null });
}
