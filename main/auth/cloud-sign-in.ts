/**
 * What main needs to know about a cloud server's sign-in, from its GET /auth/config: where to renew
 * ID tokens and the Google OAuth client for the desktop flow. The answer comes from the server, so
 * main trusts an Auth emulator only on this computer: a server naming a remote "emulator" would
 * otherwise receive the refresh tokens main sends there.
 */
import type { AuthConfig } from '../../shared/api/schemas.ts';
import { isLoopbackHost } from '../../shared/ipc/server-url.ts';
import { emulatorSecureTokenUrl, GOOGLE_SECURE_TOKEN_URL } from './secure-token.ts';

export interface CloudSignIn {
  /** The Trove server (base URL) these settings came from. */
  server: string;
  tokenUrl: string;
  apiKey: string;
  googleDesktopClient: { clientId: string; clientSecret: string | null } | null;
}

function loopbackOrigin(url: string): string | null {
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHost(u.hostname) ? u.origin : null;
  } catch {
    return null;
  }
}

export function cloudSignInOf(server: string, firebase: AuthConfig['firebase']): CloudSignIn | null {
  if (!firebase) return null;
  const emulator = firebase.emulator_url ? loopbackOrigin(firebase.emulator_url) : null;
  // The emulator takes any key; Google's endpoint needs the project's.
  const apiKey = firebase.api_key ?? (emulator ? 'emulator' : null);
  if (!apiKey) return null;
  const desktop = firebase.google === false ? null : firebase.google_desktop_client ?? null;
  return {
    server,
    tokenUrl: emulator ? emulatorSecureTokenUrl(emulator) : GOOGLE_SECURE_TOKEN_URL,
    apiKey,
    googleDesktopClient: desktop ? { clientId: desktop.client_id, clientSecret: desktop.client_secret } : null,
  };
}
