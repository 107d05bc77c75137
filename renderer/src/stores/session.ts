/**
 * The session: which bridge this page runs with, which server and token it uses, whether that
 * token works, and the one live event stream that feeds the other stores.
 */
import { create } from 'zustand';
import type { AuthConfig, UploadEvent } from '../../../shared/api/schemas.ts';
import { ApiError } from '../api/errors.ts';
import type { StreamState } from '../api/sse.ts';
import { WebBridge } from '../bridge/web-bridge.ts';
import { parseTokenInput, takeTokenFromLocation } from '../lib/token.ts';
import { getServices } from '../services.ts';
import { useAuth } from './auth.ts';
import { useDetail } from './detail.ts';
import { useLibrary } from './library.ts';
import { useNavigation } from './navigation.ts';
import { useSearch } from './search.ts';
import { useSettings } from './settings.ts';
import { useUploads } from './uploads.ts';

/** `needs-sign-in`: a cloud server, and nobody signed in with Firebase (see stores/auth.ts). */
export type SessionStatus = 'starting' | 'needs-token' | 'needs-sign-in' | 'checking' | 'ready' | 'offline';

export interface SessionState {
  status: SessionStatus;
  bridgeKind: 'web' | 'electron' | null;
  serverUrl: string;
  mode: 'local' | 'cloud';
  remembered: boolean;
  error: string | null;
  live: StreamState;
  /** A token typed on the connect screen is being checked (the screen stays up meanwhile). */
  connecting: boolean;

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

let stream: { close(): void } | null = null;
let offConnection: (() => void) | null = null;
/** Electron: the cloud server the sign-in was set up for ('' when none), so a health flip does not redo it. */
let cloudServer = '';

function dispatch(ev: UploadEvent): void {
  const { bridge } = getServices();
  if (bridge instanceof WebBridge) bridge.applyEvent(ev);
  useUploads.getState().applyEvent(ev);
  useSearch.getState().applyEvent(ev);
  useLibrary.getState().applyEvent(ev);
  useDetail.getState().applyEvent(ev);
}

function stopLive(): void {
  stream?.close();
  stream = null;
}

export const useSession = create<SessionState>()((set, get) => {
  const verify = async (): Promise<void> => {
    const { api } = getServices();
    set({ status: 'checking', error: null });
    try {
      await api.listUploads({ limit: 1 });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'UNAUTHORIZED' && get().mode === 'cloud') {
        useAuth.getState().signOut();
        set({ status: 'needs-sign-in', error: `This Trove server did not accept your sign-in: ${err.message}` });
      } else if (err instanceof ApiError && err.code === 'UNAUTHORIZED') {
        if (getServices().bridge.kind === 'web') getServices().vault.clear();
        set({ status: 'needs-token', error: 'That token was not accepted by this Trove server. Copy the link again from the terminal running "trove serve".' });
      } else {
        set({ status: 'offline', error: err instanceof ApiError ? err.message : 'Trove could not be reached.' });
      }
      return;
    }
    set({ status: 'ready', error: null });
    stopLive();
    stream = api.events(dispatch, (live) => set({ live }));
    await Promise.all([
      useUploads.getState().init(),
      useSearch.getState().loadRecent(),
      useSettings.getState().load(),
    ]);
  };

  /** Empties what the previous user saw (stores and the page's finished uploads). */
  const forgetUserData = (): void => {
    stopLive();
    void getServices().bridge.clearFinished().catch(() => undefined);
    useUploads.getState().reset();
    useSearch.getState().reset();
    useLibrary.getState().reset();
    useDetail.getState().close();
    // The next user starts where everyone starts, not on the previous one's Settings page.
    useNavigation.getState().go('search');
  };

  /**
   * A cloud server (`base`: '' for the page's own origin, the configured URL in Electron): sign back
   * in (the browser's saved sign-in, or the one Electron main kept), or ask the user to sign in.
   * Every new ID token becomes the bearer of the page's calls.
   */
  const startCloud = async (firebase: NonNullable<AuthConfig['firebase']>, base = ''): Promise<void> => {
    const { api, bridge } = getServices();
    await useAuth.getState().configure(firebase, {
      // A renewed token replaces the old one for every later call; the open event stream stays as is.
      onToken: (token) => api.setConnection(base, token),
      onExpired: (message) => {
        forgetUserData();
        api.setConnection(base, null);
        set({ status: 'needs-sign-in', error: message, live: 'closed' });
      },
    }, bridge.desktopAuth);
    set({ status: 'checking' });
    const token = await useAuth.getState().restore();
    if (!token) {
      set({ status: 'needs-sign-in', error: null });
      return;
    }
    api.setConnection(base, token);
    await verify();
  };

  /** A sign-in step's outcome: with a token, the server checks it; without, the sign-in screen stays. */
  const enter = async (token: string | null): Promise<boolean> => {
    if (!token) {
      set({ error: null });
      return false;
    }
    getServices().api.setConnection(getServices().api.baseUrl, token);
    set({ connecting: true, error: null });
    try {
      await verify();
    } finally {
      set({ connecting: false });
    }
    return get().status === 'ready';
  };

  /** The token was refused: renew once; if the sign-in is over, sign in again; if Google is unreachable, carry on. */
  const renewOrSignOut = (): void => {
    void useAuth.getState().refreshNow().then((outcome) => {
      if ('token' in outcome) {
        getServices().api.setConnection(getServices().api.baseUrl, outcome.token);
        // The stream may have stopped at the same 401; reopen it with the new token.
        stopLive();
        stream = getServices().api.events(dispatch, (live) => set({ live }));
        return;
      }
      if ('unavailable' in outcome) return;
      forgetUserData();
      useAuth.getState().signOut();
      set({ status: 'needs-sign-in', live: 'closed', error: outcome.ended });
    });
  };

  /**
   * Electron in cloud mode: the same sign-in as the web page, against the configured server's
   * /auth/config. Redone only when the server changes; a server coming back is checked again.
   */
  const applyCloud = async (c: { url: string; online: boolean }): Promise<void> => {
    const { api, auth } = getServices();
    set({ serverUrl: c.url, mode: 'cloud' });
    if (!c.online) {
      set({ status: 'offline', error: `Trove is not answering at ${c.url}.` });
      return;
    }
    if (cloudServer === c.url) {
      if (api.hasToken) await verify();
      else set({ status: 'needs-sign-in' });
      return;
    }
    cloudServer = c.url;
    api.setConnection(c.url, null);
    let config: AuthConfig | null = null;
    try {
      config = (await auth?.loadConfig()) ?? null;
    } catch (err) {
      cloudServer = '';
      set({ status: 'offline', error: err instanceof ApiError ? err.message : `Trove is not answering at ${c.url}.` });
      return;
    }
    if (config?.mode !== 'cloud' || !config.firebase) {
      set({ status: 'needs-token', error: `The server at ${c.url} does not offer sign-in (it is not a cloud Trove).` });
      return;
    }
    await startCloud(config.firebase, c.url);
  };

  return {
    status: 'starting',
    bridgeKind: null,
    serverUrl: '',
    mode: 'local',
    remembered: false,
    error: null,
    live: 'closed',
    connecting: false,

    async start() {
      const { bridge, api, vault } = getServices();
      set({ bridgeKind: bridge.kind });
      if (bridge.kind === 'web') {
        const auth = getServices().auth;
        if (auth) {
          let config: AuthConfig | null = null;
          try {
            config = await auth.loadConfig();
          } catch (err) {
            // An older server has no /auth/config (404): it takes local tokens. Unreachable is offline.
            if (err instanceof ApiError && err.code === 'NETWORK_ERROR') {
              set({ serverUrl: window.location.origin, status: 'offline', error: err.message });
              return;
            }
          }
          if (config?.mode === 'cloud' && config.firebase) {
            set({ serverUrl: window.location.origin, mode: 'cloud' });
            await startCloud(config.firebase);
            return;
          }
        }
        const fromUrl = takeTokenFromLocation(window.location, window.history);
        if (fromUrl) vault.set(fromUrl, vault.get()?.remembered ?? false);
        const stored = vault.get();
        set({ serverUrl: window.location.origin, remembered: stored?.remembered ?? false });
        if (!stored) {
          set({ status: 'needs-token' });
          return;
        }
        api.setConnection('', stored.token);
        await verify();
        return;
      }
      const apply = async (c: { url: string; token: string | null; mode: 'local' | 'cloud'; online: boolean }) => {
        if (c.mode === 'cloud') return applyCloud(c);
        if (cloudServer) {
          // Left cloud mode: stop using a sign-in that no longer applies (main keeps it for a switch back).
          cloudServer = '';
          forgetUserData();
          useAuth.getState().detach();
        }
        api.setConnection(c.url, c.token);
        set({ serverUrl: c.url, mode: c.mode });
        if (!c.token) {
          set({ status: 'needs-token', error: null });
          return;
        }
        if (!c.online) {
          set({ status: 'offline', error: `Trove is not answering at ${c.url}.` });
          return;
        }
        await verify();
      };
      // A (re)start asks the server how to sign in again rather than trusting an earlier answer.
      cloudServer = '';
      offConnection?.();
      offConnection = bridge.onConnectionChanged((c) => void apply(c));
      try {
        await apply(await bridge.connection());
      } catch (err) {
        set({ status: 'offline', error: err instanceof Error ? err.message : String(err) });
      }
    },

    async connect(input, remember) {
      const token = parseTokenInput(input);
      if (!token) {
        set({ error: 'Paste the access token, or the whole link that "trove serve" printed.' });
        return false;
      }
      const { api, vault } = getServices();
      vault.set(token, remember);
      api.setConnection('', token);
      set({ remembered: remember, connecting: true });
      try {
        await verify();
      } finally {
        set({ connecting: false });
      }
      return get().status === 'ready';
    },

    setRemember(remember) {
      const { vault } = getServices();
      const current = vault.get();
      if (current) vault.set(current.token, remember);
      set({ remembered: remember });
    },

    disconnect() {
      const { vault, api } = getServices();
      stopLive();
      vault.clear();
      api.setConnection(api.baseUrl, null);
      useUploads.getState().reset();
      useSearch.getState().reset();
      useLibrary.getState().reset();
      useDetail.getState().close();
      set({ status: 'needs-token', error: null, remembered: false, live: 'closed' });
    },

    unauthorized() {
      if (get().status !== 'ready') return;
      if (get().mode === 'cloud') {
        // An ID token can lapse between renewals (a sleeping laptop): renew once before giving up.
        renewOrSignOut();
        return;
      }
      stopLive();
      if (getServices().bridge.kind === 'web') getServices().vault.clear();
      set({ status: 'needs-token', live: 'closed', error: 'This Trove server no longer accepts your token (it may have been changed). Open the link "trove serve" prints again.' });
    },

    async signIn(email, password, create) {
      return enter(await useAuth.getState().signIn(email, password, create));
    },

    async signInWithGoogle() {
      return enter(await useAuth.getState().signInWithGoogle());
    },

    async continueVerified() {
      return enter(await useAuth.getState().continueVerified());
    },

    signOut() {
      forgetUserData();
      useAuth.getState().signOut();
      getServices().api.setConnection(getServices().api.baseUrl, null);
      set({ status: 'needs-sign-in', error: null, live: 'closed' });
    },

    async retry() {
      await get().start();
    },
  };
});
