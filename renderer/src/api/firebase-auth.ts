/**
 * Firebase Authentication's REST API, called with fetch: email/password sign-in and sign-up
 * (Identity Toolkit) and ID-token refresh (Secure Token). Three calls do not justify the Firebase
 * SDK's size, and the same paths work against the Auth emulator under its origin.
 */
import type { AuthConfig } from '../../../shared/api/schemas.ts';

export type FirebaseSettings = NonNullable<AuthConfig['firebase']>;

export interface FirebaseSession {
  idToken: string;
  refreshToken: string;
  /** Seconds the ID token is valid for (Firebase: 3600). */
  expiresIn: number;
  uid: string;
  email: string | null;
}

/** A failed auth call: Firebase's code (`EMAIL_EXISTS`…, or NETWORK_ERROR) and a message for people. */
export class AuthError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'AuthError';
  }
}

const MESSAGES: Record<string, string> = {
  EMAIL_NOT_FOUND: 'No account uses this email address. Check it, or create an account.',
  INVALID_PASSWORD: 'The password is not right for this account.',
  INVALID_LOGIN_CREDENTIALS: 'The email address or the password is not right.',
  EMAIL_EXISTS: 'An account with this email address exists already. Sign in instead.',
  WEAK_PASSWORD: 'Choose a longer password (at least 6 characters).',
  INVALID_EMAIL: 'That is not a valid email address.',
  MISSING_EMAIL: 'Enter your email address.',
  MISSING_PASSWORD: 'Enter your password.',
  USER_DISABLED: 'This account has been disabled.',
  TOO_MANY_ATTEMPTS_TRY_LATER: 'Too many attempts. Wait a few minutes, then try again.',
  OPERATION_NOT_ALLOWED: 'Email and password sign-in is not enabled for this Firebase project.',
  TOKEN_EXPIRED: 'Your sign-in has expired. Sign in again.',
  INVALID_REFRESH_TOKEN: 'Your sign-in has expired. Sign in again.',
  USER_NOT_FOUND: 'This account no longer exists.',
  NETWORK_ERROR: 'The sign-in service could not be reached. Check your connection, then try again.',
  API_KEY_MISSING: 'This server has no Firebase Web API key configured (FIREBASE_WEB_API_KEY), so signing in is not possible.',
};

export function authMessage(code: string): string {
  return MESSAGES[code] ?? `Signing in failed (${code}).`;
}

export class FirebaseAuthClient {
  private readonly identity: string;
  private readonly secureToken: string;
  private readonly apiKey: string | null;

  constructor(settings: FirebaseSettings, private readonly doFetch: typeof fetch = (i, init) => fetch(i, init)) {
    const emulator = settings.emulator_url?.replace(/\/+$/, '');
    this.identity = emulator ? `${emulator}/identitytoolkit.googleapis.com` : 'https://identitytoolkit.googleapis.com';
    this.secureToken = emulator ? `${emulator}/securetoken.googleapis.com` : 'https://securetoken.googleapis.com';
    // The emulator accepts any key; Google's endpoints need the project's.
    this.apiKey = settings.api_key ?? (emulator ? 'emulator' : null);
  }

  signIn(email: string, password: string): Promise<FirebaseSession> {
    return this.account('accounts:signInWithPassword', email, password);
  }

  signUp(email: string, password: string): Promise<FirebaseSession> {
    return this.account('accounts:signUp', email, password);
  }

  /** A fresh ID token for a refresh token (which may itself be replaced). */
  async refresh(refreshToken: string): Promise<FirebaseSession> {
    const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const data = await this.post(`${this.secureToken}/v1/token`, body.toString(), 'application/x-www-form-urlencoded');
    return {
      idToken: str(data.id_token), refreshToken: str(data.refresh_token), expiresIn: Number(data.expires_in ?? 3600),
      uid: str(data.user_id), email: null,
    };
  }

  private async account(method: string, email: string, password: string): Promise<FirebaseSession> {
    const data = await this.post(`${this.identity}/v1/${method}`, JSON.stringify({ email, password, returnSecureToken: true }), 'application/json');
    return {
      idToken: str(data.idToken), refreshToken: str(data.refreshToken), expiresIn: Number(data.expiresIn ?? 3600),
      uid: str(data.localId), email: typeof data.email === 'string' ? data.email : email,
    };
  }

  private async post(url: string, body: string, contentType: string): Promise<Record<string, unknown>> {
    if (!this.apiKey) throw new AuthError('API_KEY_MISSING', authMessage('API_KEY_MISSING'));
    let res: Response;
    try {
      res = await this.doFetch(`${url}?key=${encodeURIComponent(this.apiKey)}`, { method: 'POST', headers: { 'Content-Type': contentType }, body, cache: 'no-store' });
    } catch {
      throw new AuthError('NETWORK_ERROR', authMessage('NETWORK_ERROR'));
    }
    let data: Record<string, unknown> = {};
    try {
      data = (await res.json()) as Record<string, unknown>;
    } catch {
      // handled below
    }
    if (res.ok && typeof (data.idToken ?? data.id_token) === 'string') return data;
    // Firebase sends `{error: {message: "WEAK_PASSWORD : Password should be at least 6 characters"}}`.
    const raw = (data.error as { message?: unknown } | undefined)?.message;
    const code = typeof raw === 'string' ? raw.split(/\s*:\s*/)[0]!.trim() : `HTTP_${res.status}`;
    throw new AuthError(code, authMessage(code));
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
