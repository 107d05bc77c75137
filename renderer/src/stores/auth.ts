/**
 * Cloud-mode sign-in: who is signed in with Firebase, and a fresh ID token for the session to send.
 * The ID token lives in memory only; the refresh token in sessionStorage (never localStorage), so a
 * reload keeps the user signed in but closing the tab signs them out. The token is renewed a few
 * minutes before it expires (Firebase ID tokens last an hour).
 */
import { create } from 'zustand';
import { AuthError, authMessage, FirebaseAuthClient, type FirebaseSession, type FirebaseSettings } from '../api/firebase-auth.ts';
import { getServices } from '../services.ts';

const KEY = 'trove.auth';
/** Renew this long before expiry (s), and retry this soon after a refresh that could not reach Firebase (ms). */
const REFRESH_MARGIN_S = 300;
const RETRY_MS = 30_000;

export interface AuthHandlers {
  /** A new ID token (sign-in or refresh): it becomes the bearer token of every API call. */
  onToken(idToken: string): void;
  /** The sign-in cannot be renewed any more: the user must sign in again. */
  onExpired(message: string): void;
}

export interface AuthState {
  settings: FirebaseSettings | null;
  email: string | null;
  busy: boolean;
  error: string | null;

  configure: (settings: FirebaseSettings, handlers: AuthHandlers) => void;
  /** Signs back in from the stored refresh token; the ID token, or null when there is none (or it is dead). */
  restore: () => Promise<string | null>;
  /** Email/password sign-in, or account creation with `create`; the ID token, or null (see `error`). */
  signIn: (email: string, password: string, create: boolean) => Promise<string | null>;
  /** Renews the ID token now (e.g. after the server refused it); null when that failed. */
  refreshNow: () => Promise<string | null>;
  signOut: () => void;
  clearError: () => void;
}

interface Stored {
  refreshToken: string;
  email: string | null;
}

let client: FirebaseAuthClient | null = null;
let handlers: AuthHandlers | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let refreshToken: string | null = null;

function storage(): Storage | null {
  return getServices().auth?.storage ?? null;
}

function readStored(): Stored | null {
  try {
    const raw = storage()?.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Stored>) : null;
    return parsed && typeof parsed.refreshToken === 'string' ? { refreshToken: parsed.refreshToken, email: parsed.email ?? null } : null;
  } catch {
    return null;
  }
}

function writeStored(value: Stored | null): void {
  try {
    if (value) storage()?.setItem(KEY, JSON.stringify(value));
    else storage()?.removeItem(KEY);
  } catch {
    // Storage may be disabled: the sign-in then lasts as long as the page.
  }
}

export const useAuth = create<AuthState>()((set, get) => {
  /** Keeps a new session and schedules its renewal. */
  const adopt = (s: FirebaseSession, email: string | null): string => {
    refreshToken = s.refreshToken;
    writeStored({ refreshToken: s.refreshToken, email });
    set({ email, error: null });
    schedule(Math.max(30, s.expiresIn - REFRESH_MARGIN_S) * 1000);
    return s.idToken;
  };

  const schedule = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void renew(), ms);
  };

  /** The timer's refresh: hands the new token on, or ends the session when Firebase says so. */
  const renew = async (): Promise<void> => {
    try {
      const token = await refresh();
      if (token) handlers?.onToken(token);
    } catch (err) {
      if (err instanceof AuthError && err.code === 'NETWORK_ERROR') {
        schedule(RETRY_MS);
        return;
      }
      get().signOut();
      handlers?.onExpired(err instanceof AuthError ? err.message : authMessage('TOKEN_EXPIRED'));
    }
  };

  const refresh = async (): Promise<string | null> => {
    if (!client || !refreshToken) return null;
    const s = await client.refresh(refreshToken);
    return adopt(s, get().email);
  };

  return {
    settings: null,
    email: null,
    busy: false,
    error: null,

    configure(settings, h) {
      clearTimeout(timer);
      client = new FirebaseAuthClient(settings, getServices().auth?.fetch);
      handlers = h;
      refreshToken = null;
      set({ settings, error: null });
    },

    async restore() {
      const stored = readStored();
      if (!stored || !client) return null;
      refreshToken = stored.refreshToken;
      set({ email: stored.email });
      try {
        return await refresh();
      } catch (err) {
        // A network failure keeps the stored token for the next try; anything else means it is dead.
        if (!(err instanceof AuthError && err.code === 'NETWORK_ERROR')) writeStored(null);
        refreshToken = null;
        set({ email: null, error: err instanceof AuthError ? err.message : authMessage('TOKEN_EXPIRED') });
        return null;
      }
    },

    async signIn(email, password, createAccount) {
      if (!client) return null;
      const trimmed = email.trim();
      set({ busy: true, error: null });
      try {
        const s = createAccount ? await client.signUp(trimmed, password) : await client.signIn(trimmed, password);
        return adopt(s, s.email ?? trimmed);
      } catch (err) {
        set({ error: err instanceof AuthError ? err.message : authMessage('NETWORK_ERROR') });
        return null;
      } finally {
        set({ busy: false });
      }
    },

    async refreshNow() {
      try {
        return await refresh();
      } catch {
        return null;
      }
    },

    signOut() {
      clearTimeout(timer);
      refreshToken = null;
      writeStored(null);
      set({ email: null, busy: false });
    },

    clearError() {
      set({ error: null });
    },
  };
});
