/**
 * The check every way in ends with (a local token, a Firebase sign-in): does the server take the
 * credential? Then the session is ready, live events start and the stores load. And what is left
 * behind when a user leaves.
 */
import { ApiError } from '../../api/errors.ts';
import { getServices } from '../../services.ts';
import { useAuth } from '../auth.ts';
import { useDetail } from '../detail.ts';
import { closeLiveEvents, openLiveEvents } from '../live-events.ts';
import { useLibrary } from '../library.ts';
import { useRecentlyDeleted } from '../recently-deleted.ts';
import { useSelection } from '../selection.ts';
import { useNavigation } from '../navigation.ts';
import { useSearch } from '../search.ts';
import { useSearchAssist } from '../search-assist.ts';
import { useSettings } from '../settings.ts';
import { useUploads } from '../uploads.ts';
import type { SessionControl, SessionFields } from './types.ts';

export async function checkAccess(s: SessionControl): Promise<void> {
  const { api, vault } = getServices();
  s.set({ status: 'checking', error: null });
  try {
    await api.listUploads({ limit: 1 });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHORIZED' && s.get().mode === 'cloud') {
      useAuth.getState().signOut();
      s.set({ status: 'needs-sign-in', error: `This Trove server did not accept your sign-in: ${err.message}` });
    } else if (err instanceof ApiError && err.code === 'SERVICE_STARTING') {
      // The server listens but is still opening its database: the start-up screen, not an error,
      // and the same question again when it said to ask (it answers within seconds).
      s.set({ status: 'starting', error: null });
      await new Promise((resolve) => setTimeout(resolve, err.retryAfterMs ?? 1000));
      return checkAccess(s);
    } else if (err instanceof ApiError && err.code === 'UNAUTHORIZED') {
      // A browser's stored token is useless now (the desktop app stores none: main has it).
      vault.clear();
      s.set({ status: 'needs-token', error: 'That token was not accepted by this Trove server. Copy the link again from the terminal running "trove serve".' });
    } else {
      s.set({ status: 'offline', error: err instanceof ApiError ? err.message : 'Trove could not be reached.' });
    }
    return;
  }
  s.set({ status: 'ready', error: null });
  openLiveEvents();
  await Promise.all([
    useUploads.getState().init(),
    useSearch.getState().loadRecent(),
    useSettings.getState().load(),
  ]);
}

/**
 * A credential the user just gave (a pasted token, a finished sign-in) goes to the server; the
 * screen stays up showing `connecting` meanwhile. `patch` is what the screen shows besides. True once in.
 */
export async function checkGivenAccess(s: SessionControl, patch: Partial<SessionFields>): Promise<boolean> {
  s.set({ ...patch, connecting: true });
  try {
    await checkAccess(s);
  } finally {
    s.set({ connecting: false });
  }
  return s.get().status === 'ready';
}

/** Empties the stores' copies of the user's files. */
export function clearShownFiles(): void {
  useUploads.getState().reset();
  useSearch.getState().reset();
  useSearchAssist.getState().reset();
  useLibrary.getState().reset();
  useRecentlyDeleted.getState().reset();
  useSelection.getState().clear();
  useDetail.getState().close();
}

/** Another user (or nobody) from now on: no live events, nothing the previous one saw, not even their Settings page. */
export function forgetUserData(): void {
  closeLiveEvents();
  void getServices().bridge.clearFinished().catch(() => undefined);
  clearShownFiles();
  // The next user starts where everyone starts, not on the previous one's Settings page.
  useNavigation.getState().go('search');
}
