/**
 * Local mode's access token. In a browser tab it is the one `trove serve` prints (in a link, or
 * pasted on the connect screen), kept for the tab or remembered on the device (lib/token.ts); the
 * desktop app gets it from main, so there the page stores none.
 */
import { parseTokenInput } from '../../lib/token.ts';
import { getServices } from '../../services.ts';
import { closeLiveEvents } from '../live-events.ts';
import { checkGivenAccess, clearShownFiles } from './access.ts';
import type { SessionControl } from './types.ts';

/** The connect screen: a pasted token or link. True once the server accepted it. */
export async function connectWithToken(s: SessionControl, input: string, remember: boolean): Promise<boolean> {
  const token = parseTokenInput(input);
  if (!token) {
    s.set({ error: 'Paste the access token, or the whole link that "trove serve" printed.' });
    return false;
  }
  const { api, vault } = getServices();
  vault.set(token, remember);
  api.setConnection('', token);
  return checkGivenAccess(s, { remembered: remember });
}

export function rememberToken(s: SessionControl, remember: boolean): void {
  const { vault } = getServices();
  const current = vault.get();
  if (current) vault.set(current.token, remember);
  s.set({ remembered: remember });
}

/** Forget the token on this device. */
export function disconnect(s: SessionControl): void {
  const { vault, api } = getServices();
  closeLiveEvents();
  vault.clear();
  api.setConnection(api.baseUrl, null);
  clearShownFiles();
  s.set({ status: 'needs-token', error: null, remembered: false });
}

/** The server no longer takes the token (it was changed): back to the connect screen. */
export function tokenRefused(s: SessionControl): void {
  closeLiveEvents();
  getServices().vault.clear();
  s.set({ status: 'needs-token', error: 'This Trove server no longer accepts your token (it may have been changed). Open the link "trove serve" prints again.' });
}
