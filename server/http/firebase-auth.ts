import { createRemoteJWKSet, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { DB } from '../db/schema.ts';
import { ensureUser, type User } from '../db/users-repo.ts';
import type { Authenticator } from './auth.ts';

/** Google's public keys for Firebase ID tokens (rotated daily, each listed for days before use). */
export const GOOGLE_SECURETOKEN_JWKS = 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com';

export interface FirebaseAuthOptions {
  projectId: string;
  /** Overrides Google's JWKS (tests, air-gapped mirrors). */
  jwksUrl?: string | undefined;
  /** FIREBASE_AUTH_EMULATOR_HOST: when set — and only then — the emulator's unsigned tokens are accepted. */
  emulatorHost?: string | undefined;
  /** Seconds of clock skew allowed between Google and this machine. */
  clockToleranceSec?: number;
  /** How long a verified user (and their suspended flag) is remembered; suspension takes effect within this. */
  userCacheMs?: number;
  now?: () => number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const MAX_CACHED_USERS = 10_000;
const unauthorized = (message: string, cause?: unknown) => new TroveError('UNAUTHORIZED', message, undefined, { cause });

/**
 * Cloud mode: Firebase ID tokens checked as Google documents for third-party verifiers
 * (RS256, `kid` in the securetoken JWKS, iss/aud naming the project, exp/iat/auth_time, sub).
 * Users are created on their first request as `firebase:<sub>`.
 */
export class FirebaseAuthenticator implements Authenticator {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly issuer: string;
  private readonly tolerance: number;
  private readonly userCacheMs: number;
  private readonly now: () => number;
  private readonly users = new Map<string, { user: User; until: number }>();

  constructor(private readonly db: Kysely<DB>, private readonly opts: FirebaseAuthOptions) {
    // jose caches the key set and refetches it when an unknown kid shows up (at most every 30 s),
    // so a key rotation is picked up without a restart and a flood of bad kids cannot hammer Google.
    this.jwks = createRemoteJWKSet(new URL(opts.jwksUrl ?? GOOGLE_SECURETOKEN_JWKS), {
      cacheMaxAge: 60 * 60 * 1000, cooldownDuration: 30_000, timeoutDuration: 5_000,
    });
    this.issuer = `https://securetoken.google.com/${opts.projectId}`;
    this.tolerance = opts.clockToleranceSec ?? 5;
    this.userCacheMs = opts.userCacheMs ?? 30_000;
    this.now = opts.now ?? Date.now;
  }

  async authenticate(authorization: string | undefined): Promise<User> {
    const m = BEARER.exec(authorization ?? '');
    if (!m) throw unauthorized('Missing ID token: sign in and send "Authorization: Bearer <Firebase ID token>" (from getIdToken()).');
    const claims = await this.verify(m[1]!);
    const user = await this.userFor(claims.sub!, typeof claims.email === 'string' ? claims.email : null);
    if (user.suspended) {
      throw new TroveError('ACCOUNT_SUSPENDED', 'This account is suspended; contact the administrator of this Trove service to have it restored.');
    }
    return user;
  }

  /** The token's verified claims; throws 401 with what was wrong, or 503 when Google's keys cannot be fetched. */
  async verify(token: string): Promise<JWTPayload> {
    let alg: unknown;
    let kid: unknown;
    try {
      ({ alg, kid } = decodeProtectedHeader(token));
    } catch (err) {
      throw unauthorized('The ID token is malformed (not a JWT); send the token from Firebase getIdToken() as it is.', err);
    }
    if (alg === 'none') {
      if (!this.opts.emulatorHost) throw unauthorized('The ID token is unsigned; only the Firebase Auth emulator issues those, and this server is not in emulator mode.');
      return this.checkClaims(decodeUnsigned(token));
    }
    if (alg !== 'RS256') throw unauthorized(`The ID token is signed with ${String(alg)}; Firebase ID tokens use RS256.`);
    if (typeof kid !== 'string' || kid === '') throw unauthorized('The ID token has no key id (kid); it was not issued by Firebase.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['RS256'], issuer: this.issuer, audience: this.opts.projectId, clockTolerance: this.tolerance,
        currentDate: new Date(this.now()), requiredClaims: ['exp', 'iat', 'sub'],
      }));
    } catch (err) {
      throw this.explain(err);
    }
    return this.checkClaims(payload);
  }

  /** The checks jose leaves to us (and all of them for unsigned emulator tokens). */
  private checkClaims(p: JWTPayload): JWTPayload {
    const now = this.now() / 1000;
    if (p.iss !== this.issuer || p.aud !== this.opts.projectId) {
      throw unauthorized(`The ID token was issued for another Firebase project; this server accepts tokens of project '${this.opts.projectId}'.`);
    }
    if (typeof p.exp !== 'number' || p.exp <= now - this.tolerance) throw expired();
    if (typeof p.iat !== 'number' || p.iat > now + this.tolerance) throw unauthorized('The ID token is issued in the future (iat); check this machine\'s clock.');
    const authTime = (p as { auth_time?: unknown }).auth_time;
    if (typeof authTime !== 'number') throw unauthorized('The ID token has no auth_time; it was not issued by Firebase sign-in.');
    if (authTime > now + this.tolerance) throw unauthorized('The ID token\'s sign-in time (auth_time) is in the future; check this machine\'s clock.');
    if (typeof p.sub !== 'string' || p.sub === '' || p.sub.length > 128) throw unauthorized('The ID token has no valid subject (sub); sign in again.');
    return p;
  }

  private explain(err: unknown): TroveError {
    if (err instanceof joseErrors.JWTExpired) return expired(err);
    if (err instanceof joseErrors.JWTClaimValidationFailed) {
      if (err.claim === 'iss' || err.claim === 'aud') {
        return unauthorized(`The ID token was issued for another Firebase project; this server accepts tokens of project '${this.opts.projectId}'.`, err);
      }
      return unauthorized(`The ID token's "${err.claim}" claim is missing or wrong (${err.reason}).`, err);
    }
    if (err instanceof joseErrors.JWKSNoMatchingKey) return unauthorized('The ID token was signed with a key Google does not list (unknown kid); sign in again for a fresh token.', err);
    if (err instanceof joseErrors.JWSSignatureVerificationFailed) return unauthorized('The ID token\'s signature is not valid; it was altered or not issued by Firebase.', err);
    if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid || isFetchFailure(err)) {
      // Our problem, not the caller's: a 401 would make clients sign users out for nothing.
      return new TroveError('SERVICE_UNAVAILABLE', 'Google\'s token-signing keys could not be fetched to check your sign-in; try again shortly.', undefined, { cause: err });
    }
    return unauthorized('The ID token is not valid; sign in again.', err);
  }

  private async userFor(sub: string, email: string | null): Promise<User> {
    const now = this.now();
    const cached = this.users.get(sub);
    if (cached && cached.until > now) return cached.user;
    const user = await ensureUser(this.db, `firebase:${sub}`, email);
    this.users.delete(sub);
    // Map keeps insertion order: dropping the first entry evicts the least recently refreshed user.
    if (this.users.size >= MAX_CACHED_USERS) this.users.delete(this.users.keys().next().value!);
    this.users.set(sub, { user, until: now + this.userCacheMs });
    return user;
  }
}

const expired = (cause?: unknown) =>
  unauthorized('The ID token has expired; get a fresh one (Firebase getIdToken(true)) and send the request again.', cause);

/** TypeError('fetch failed') from undici, or a non-200 JWKS response, as jose reports them. */
function isFetchFailure(err: unknown): boolean {
  return err instanceof TypeError || (err instanceof joseErrors.JOSEError && /Expected 200 OK|JSON Web Key Set/i.test(err.message));
}

function decodeUnsigned(token: string): JWTPayload {
  const [, body, signature] = token.split('.');
  if (body === undefined || signature !== '') throw unauthorized('The unsigned ID token is malformed.');
  try {
    const payload: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new Error('not an object');
    return payload as JWTPayload;
  } catch (err) {
    throw unauthorized('The unsigned ID token is malformed.', err);
  }
}
