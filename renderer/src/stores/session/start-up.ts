/**
 * How the page finds its server and signs in, by where it runs: a browser tab talks to the server
 * that served it; the desktop app is told by main which server it is connected to, and again at
 * every change (another mode or server, the server going away or coming back).
 */
import type { AuthConfig } from '../../../../shared/api/schemas.ts';
import { ApiError } from '../../api/errors.ts';
import type { Connection } from '../../bridge/types.ts';
import { takeTokenFromLocation } from '../../lib/token.ts';
import { getServices } from '../../services.ts';
import { useAuth } from '../auth.ts';
import { checkAccess, forgetUserData } from './access.ts';
import { startCloud } from './cloud-sign-in.ts';
import type { SessionControl } from './types.ts';

export function startUp(s: SessionControl): Promise<void> {
  const { bridge } = getServices();
  s.set({ bridgeKind: bridge.kind });
  switch (bridge.kind) {
    case 'web': return startInBrowserTab(s);
    case 'electron': return startInDesktopApp(s);
  }
}

/**
 * The server that served this page: a cloud server's users sign in with Firebase; otherwise the
 * token comes from the link `trove serve` printed, or from this device's storage.
 */
async function startInBrowserTab(s: SessionControl): Promise<void> {
  const { api, vault, auth } = getServices();
  const serverUrl = window.location.origin;
  if (auth) {
    let config: AuthConfig | null = null;
    try {
      config = await auth.loadConfig();
    } catch (err) {
      // An older server has no /auth/config (404): it takes local tokens. Unreachable is offline.
      if (err instanceof ApiError && err.code === 'NETWORK_ERROR') {
        s.set({ serverUrl, status: 'offline', error: err.message });
        return;
      }
    }
    if (config?.mode === 'cloud' && config.firebase) {
      s.set({ serverUrl, mode: 'cloud' });
      await startCloud(s, config.firebase);
      return;
    }
  }
  const fromUrl = takeTokenFromLocation(window.location, window.history);
  if (fromUrl) vault.set(fromUrl, vault.get()?.remembered ?? false);
  const stored = vault.get();
  s.set({ serverUrl, remembered: stored?.remembered ?? false });
  if (!stored) {
    s.set({ status: 'needs-token' });
    return;
  }
  api.setConnection('', stored.token);
  await checkAccess(s);
}

let offConnection: (() => void) | null = null;
/** The cloud server the sign-in was set up for ('' when none), so a health flip does not redo it. */
let cloudServer = '';

async function startInDesktopApp(s: SessionControl): Promise<void> {
  const { bridge } = getServices();
  // A (re)start asks the server how to sign in again rather than trusting an earlier answer.
  cloudServer = '';
  offConnection?.();
  offConnection = bridge.onConnectionChanged((c) => void applyConnection(s, c));
  try {
    await applyConnection(s, await bridge.connection());
  } catch (err) {
    s.set({ status: 'offline', error: err instanceof Error ? err.message : String(err) });
  }
}

async function applyConnection(s: SessionControl, c: Connection): Promise<void> {
  if (c.mode === 'cloud') return applyCloud(s, c);
  if (cloudServer) {
    // Left cloud mode: stop using a sign-in that no longer applies (main keeps it for a switch back).
    cloudServer = '';
    forgetUserData();
    useAuth.getState().detach();
  }
  getServices().api.setConnection(c.url, c.token);
  s.set({ serverUrl: c.url, mode: c.mode });
  if (!c.token) {
    s.set({ status: 'needs-token', error: null });
    return;
  }
  if (!c.online) {
    s.set({ status: 'offline', error: `Trove is not answering at ${c.url}.` });
    return;
  }
  await checkAccess(s);
}

/**
 * Cloud mode: the same sign-in as the web page, against the configured server's /auth/config.
 * Redone only when the server changes; a server coming back is checked again.
 */
async function applyCloud(s: SessionControl, c: Connection): Promise<void> {
  const { api, auth } = getServices();
  s.set({ serverUrl: c.url, mode: 'cloud' });
  if (!c.online) {
    s.set({ status: 'offline', error: `Trove is not answering at ${c.url}.` });
    return;
  }
  if (cloudServer === c.url) {
    if (api.hasToken) await checkAccess(s);
    else s.set({ status: 'needs-sign-in' });
    return;
  }
  cloudServer = c.url;
  api.setConnection(c.url, null);
  let config: AuthConfig | null = null;
  try {
    config = (await auth?.loadConfig()) ?? null;
  } catch (err) {
    cloudServer = '';
    s.set({ status: 'offline', error: err instanceof ApiError ? err.message : `Trove is not answering at ${c.url}.` });
    return;
  }
  if (config?.mode !== 'cloud' || !config.firebase) {
    s.set({ status: 'needs-token', error: `The server at ${c.url} does not offer sign-in (it is not a cloud Trove).` });
    return;
  }
  await startCloud(s, config.firebase, c.url);
}
