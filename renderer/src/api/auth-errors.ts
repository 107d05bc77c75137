/**
 * Sign-in failures as people read them: Firebase's stable codes (`auth/wrong-password`…) and Trove's
 * own (`trove/…`), each with a message a person can act on. Kept apart from the SDK wrapper
 * (firebase-auth.ts), which the page loads only when it needs it.
 */

/** A failed auth call: Firebase's code (`auth/wrong-password`…, or `trove/…`) and a message for people. */
export class AuthError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'AuthError';
  }

  get isNetwork(): boolean {
    return this.code === 'auth/network-request-failed' || this.code === 'auth/timeout';
  }
}

const MESSAGES: Record<string, string> = {
  'auth/invalid-credential': 'The email address or the password is not right.',
  'auth/invalid-login-credentials': 'The email address or the password is not right.',
  'auth/wrong-password': 'The password is not right for this account.',
  'auth/user-not-found': 'No account uses this email address. Check it, or create an account.',
  'auth/email-already-in-use': 'An account with this email address exists already. Sign in instead.',
  'auth/weak-password': 'Choose a longer password (at least 6 characters).',
  'auth/password-does-not-meet-requirements': 'Choose a stronger password: this server asks for more (e.g. length, digits or symbols).',
  'auth/invalid-email': 'That is not a valid email address.',
  'auth/missing-email': 'Enter your email address.',
  'auth/missing-password': 'Enter your password.',
  'auth/user-disabled': 'This account has been disabled. Contact the administrator of this Trove server.',
  'auth/too-many-requests': 'Too many attempts. Wait a few minutes, then try again.',
  'auth/operation-not-allowed': 'This way of signing in is not enabled for this Trove server.',
  'auth/network-request-failed': 'The sign-in service could not be reached. Check your connection, then try again.',
  'auth/timeout': 'The sign-in service did not answer in time. Try again.',
  'auth/popup-blocked': 'The browser blocked the Google sign-in window. Allow pop-ups for this site, then try again.',
  'auth/popup-closed-by-user': 'The Google sign-in window was closed before you finished.',
  'auth/cancelled-popup-request': 'The Google sign-in window was closed before you finished.',
  'auth/account-exists-with-different-credential': 'An account with this email address exists already, with another way of signing in. Sign in with your password.',
  'auth/unauthorized-domain': 'This Trove server\u2019s address is not allowed to use Google sign-in. Ask its administrator to add it to the Firebase project\u2019s authorized domains.',
  'auth/user-token-expired': 'Your sign-in has expired. Sign in again.',
  'auth/invalid-user-token': 'Your sign-in has expired. Sign in again.',
  'auth/requires-recent-login': 'Sign in again to continue.',
  'auth/invalid-api-key': 'This server\u2019s Firebase Web API key is not valid (FIREBASE_WEB_API_KEY).',
  'auth/api-key-not-valid.-please-pass-a-valid-api-key.': 'This server\u2019s Firebase Web API key is not valid (FIREBASE_WEB_API_KEY).',
  'auth/web-storage-unsupported': 'This browser blocks the storage Google sign-in needs (third-party cookies or site data). Allow it, or sign in with your email address.',
  'auth/invalid-action-code': 'This link was already used or has expired. Ask for a new one.',
  'auth/internal-error': 'The sign-in service had a problem. Try again in a moment.',
  'trove/google-unreachable': 'Google\u2019s sign-in could not be loaded. Check your connection (and that nothing blocks apis.google.com), then try again.',
  'trove/no-api-key': 'This server has no Firebase Web API key configured (FIREBASE_WEB_API_KEY), so signing in is not possible.',
  'trove/not-verified': 'Your email address is not confirmed yet. Open the link in the email we sent, then press Continue.',
};

export function authMessage(code: string): string {
  return MESSAGES[code] ?? `Signing in failed (${code}).`;
}

/** Any error from the SDK (a FirebaseError with `code`) or the network, as an AuthError. */
export function toAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'auth/network-request-failed';
  return new AuthError(code, authMessage(code));
}
