/**
 * The session: which server and credential this page uses and whether they work. Its parts live in
 * stores/session/: start-up (by where the page runs), the local token, the cloud sign-in, and the
 * access check that opens the live events (stores/live-events.ts) and loads the other stores.
 */
import { create } from 'zustand';
import { useAuth } from './auth.ts';
import { connectWithToken, disconnect, rememberToken, tokenRefused } from './session/local-token.ts';
import { enter, renewOrSignOut, signOut } from './session/cloud-sign-in.ts';
import { startUp } from './session/start-up.ts';
import type { SessionControl, SessionFields } from './session/types.ts';

export interface SessionState extends SessionFields {
  /** Reads the token (URL fragment, storage, or the desktop app), then checks it. */
  start: () => Promise<void>;
  /** The connect screen: a pasted token or link. */
  connect: (input: string, remember: boolean) => Promise<boolean>;
  setRemember: (remember: boolean) => void;
  /** Forget the token on this device (web). */
  disconnect: () => void;
  /** The server refused the token mid-session. */
  unauthorized: () => void;
  /** Cloud mode: email/password sign-in (or a new account with `create`); true once the server accepts it. */
  signIn: (email: string, password: string, create: boolean) => Promise<boolean>;
  /** Cloud mode: Google (a popup in the browser, the system browser in the desktop app). */
  signInWithGoogle: () => Promise<boolean>;
  /** Cloud mode: the user says they confirmed their address; true once signed in. */
  continueVerified: () => Promise<boolean>;
  /** Cloud mode: forget the Firebase sign-in and everything shown for that user. */
  signOut: () => void;
  retry: () => Promise<void>;
}

export const useSession = create<SessionState>()((set, get) => {
  const s: SessionControl = { get, set };
  return {
    status: 'starting',
    bridgeKind: null,
    serverUrl: '',
    mode: 'local',
    remembered: false,
    error: null,
    connecting: false,

    start: () => startUp(s),
    connect: (input, remember) => connectWithToken(s, input, remember),
    setRemember: (remember) => rememberToken(s, remember),
    disconnect: () => disconnect(s),
    unauthorized() {
      if (get().status !== 'ready') return;
      if (get().mode === 'cloud') renewOrSignOut(s);
      else tokenRefused(s);
    },
    signIn: async (email, password, create) => enter(s, await useAuth.getState().signIn(email, password, create)),
    signInWithGoogle: async () => enter(s, await useAuth.getState().signInWithGoogle()),
    continueVerified: async () => enter(s, await useAuth.getState().continueVerified()),
    signOut: () => signOut(s),
    retry: () => startUp(s),
  };
});
