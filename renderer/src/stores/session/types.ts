/** What the session knows, and how its parts (start-up, sign-in, the access check) change it. */

/** `needs-sign-in`: a cloud server, and nobody signed in with Firebase (see stores/auth.ts). */
type SessionStatus = 'starting' | 'needs-token' | 'needs-sign-in' | 'checking' | 'ready' | 'offline';

export interface SessionFields {
  status: SessionStatus;
  bridgeKind: 'web' | 'electron' | null;
  serverUrl: string;
  mode: 'local' | 'cloud';
  remembered: boolean;
  error: string | null;
  /** A token typed on the connect screen is being checked (the screen stays up meanwhile). */
  connecting: boolean;
}

/** The session store as its parts see it (stores/session.ts hands itself in). */
export interface SessionControl {
  get(): SessionFields;
  set(patch: Partial<SessionFields>): void;
}
