/**
 * Renews Firebase ID tokens from main, without the window: Firebase's secure token endpoint
 * (`POST securetoken.googleapis.com/v1/token?key=…`, grant_type=refresh_token — the call the web
 * SDK itself makes; the Auth emulator serves it under its own origin). The renderer signs in with
 * the SDK; main only keeps the sign-in alive.
 */

export const GOOGLE_SECURE_TOKEN_URL = 'https://securetoken.googleapis.com/v1/token';

/** The token endpoint of an Auth emulator at `origin` (e.g. http://127.0.0.1:9099). */
export const emulatorSecureTokenUrl = (origin: string): string => `${origin.replace(/\/+$/, '')}/securetoken.googleapis.com/v1/token`;

export interface TokenGrant {
  idToken: string;
  /** Firebase may hand out a new refresh token; keep this one from now on. */
  refreshToken: string;
  expiresInS: number;
  uid: string;
}

/**
 * A renewal that failed. `permanent`: Firebase said the sign-in is over (revoked, account disabled or
 * deleted, password changed) — asking again cannot help; otherwise (network, 5xx, 429) it may.
 */
export class RenewalError extends Error {
  constructor(readonly permanent: boolean, readonly reason: string, message: string) {
    super(message);
    this.name = 'RenewalError';
  }
}

const ENDED: Record<string, string> = {
  TOKEN_EXPIRED: 'Your sign-in has expired (your password was changed, or you were signed out everywhere). Sign in again.',
  INVALID_REFRESH_TOKEN: 'Your sign-in is no longer valid. Sign in again.',
  USER_DISABLED: 'This account has been disabled. Contact the administrator of this Trove server.',
  USER_NOT_FOUND: 'This account no longer exists. Sign in with another one.',
  PROJECT_NUMBER_MISMATCH: 'This sign-in belongs to another Trove service. Sign in again.',
};

export async function renewIdToken(tokenUrl: string, apiKey: string, refreshToken: string, timeoutMs = 15_000): Promise<TokenGrant> {
  let res: Response;
  try {
    res = await fetch(`${tokenUrl}?key=${encodeURIComponent(apiKey)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new RenewalError(false, 'NETWORK', `Google's sign-in service could not be reached (${err instanceof Error ? err.message : String(err)}).`);
  }
  const body = await res.json().catch(() => null) as Record<string, unknown> | null;
  if (res.ok && body && typeof body.id_token === 'string' && typeof body.refresh_token === 'string') {
    return {
      idToken: body.id_token,
      refreshToken: body.refresh_token,
      expiresInS: Number(body.expires_in ?? 3600) || 3600,
      uid: typeof body.user_id === 'string' ? body.user_id : '',
    };
  }
  // Firebase answers `{error: {message: "USER_DISABLED"}}` (sometimes "CODE : detail").
  const raw = (body?.error as { message?: unknown } | undefined)?.message;
  const reason = typeof raw === 'string' ? raw.split(/\s*:\s*/)[0]!.trim() : `HTTP_${res.status}`;
  if (res.status === 429 || res.status >= 500) {
    throw new RenewalError(false, reason, `Google's sign-in service is busy (${reason}); Trove tries again shortly.`);
  }
  throw new RenewalError(true, reason, ENDED[reason] ?? `Your sign-in could not be renewed (${reason}). Sign in again.`);
}
