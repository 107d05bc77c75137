/**
 * Cloud mode's sign-in, kept by main: the page signs in with the Firebase SDK and hands over the
 * refresh token (`session:adopt`); from then on main renews ID tokens itself a few minutes before
 * they expire — with the window closed too — keeps the refresh token encrypted on disk
 * (KeptSessionFile), restores it at start, and reports every change (the upload queue and the page
 * use the new ID token; null ends the sign-in, with a reason when main ended it).
 */
import { TroveError } from '../../shared/api/errors.ts';
import type { AuthSession } from '../../shared/ipc/contract.ts';
import type { CloudSignIn } from './cloud-sign-in.ts';
import type { KeptSession, KeptSessionFile } from './kept-session.ts';
import { renewIdToken, RenewalError } from './secure-token.ts';

export interface SessionKeeperOptions {
  file: KeptSessionFile;
  log?: (message: string, extra?: Record<string, unknown>) => void;
  /** Renew this long before the ID token expires, but not sooner than `minRenewDelayMs` after the last renewal. */
  renewMarginS?: number;
  minRenewDelayMs?: number;
  /** Waits between renewals that could not reach Google; the last one repeats. */
  retryDelaysMs?: number[];
  /** A token the server refuses within this long of being issued is not renewed again: the sign-in ends. */
  freshForMs?: number;
}

interface Claims {
  uid: string;
  email: string | null;
  emailVerified: boolean;
  expiresAt: number;
}

/** The claims of a Firebase ID token, for display and scheduling only — the server verifies it. */
function claimsOf(idToken: string): Claims | null {
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    const uid = typeof payload.user_id === 'string' ? payload.user_id : payload.sub;
    if (typeof uid !== 'string' || uid === '' || typeof payload.exp !== 'number') return null;
    return {
      uid,
      email: typeof payload.email === 'string' ? payload.email : null,
      emailVerified: payload.email_verified === true,
      expiresAt: payload.exp * 1000,
    };
  } catch {
    return null;
  }
}

export class SessionKeeper {
  private kept: KeptSession | null = null;
  private persistent = false;
  private server: string | null = null;
  private token: { idToken: string; claims: Claims; obtainedAt: number } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private renewing: Promise<AuthSession | null> | null = null;
  private failures = 0;
  private closed = false;
  private readonly listeners = new Set<(session: AuthSession | null, reason: string | null) => void>();

  private constructor(private readonly opts: SessionKeeperOptions) {}

  static async open(opts: SessionKeeperOptions): Promise<SessionKeeper> {
    const keeper = new SessionKeeper(opts);
    keeper.kept = await opts.file.read();
    keeper.persistent = keeper.kept !== null;
    return keeper;
  }

  /** Every renewal or adoption, and the end of the sign-in (`reason` when main ended it). Returns the unsubscribe. */
  onChange(listener: (session: AuthSession | null, reason: string | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The sign-in for the attached server, or null. */
  current(): AuthSession | null {
    if (!this.token || !this.kept || this.kept.server !== this.server) return null;
    const { idToken, claims } = this.token;
    return { idToken, uid: claims.uid, email: claims.email, emailVerified: claims.emailVerified, expiresAt: new Date(claims.expiresAt).toISOString(), kept: this.persistent };
  }

  /** The ID token uploads go with. */
  idToken(): string | null {
    return this.current()?.idToken ?? null;
  }

  /**
   * The connection changed: `server` is the cloud server now in use (null: local mode). A sign-in
   * kept for that server is renewed now; one kept for another server is forgotten — it is not for
   * this one. In local mode the kept sign-in waits on disk for a switch back.
   */
  attach(server: string | null): void {
    if (server === this.server) return;
    this.server = server;
    clearTimeout(this.timer);
    this.token = null;
    this.failures = 0;
    if (server === null || this.closed) return;
    if (this.kept && this.kept.server !== server) {
      this.kept = null;
      void this.opts.file.clear().catch((err: unknown) => this.opts.log?.('forgetting the sign-in failed', { err: String(err) }));
      return;
    }
    if (this.kept) void this.renew().catch(() => undefined);
  }

  /**
   * The page signed in: keep this sign-in (replacing any other) and start renewing it. `cloud`: the
   * connected cloud server's sign-in settings (null while unknown or in local mode).
   */
  async adopt(idToken: string, refreshToken: string, cloud: CloudSignIn | null): Promise<AuthSession> {
    if (!this.server || !cloud || cloud.server !== this.server) {
      throw new TroveError('SIGN_IN_UNAVAILABLE', 'Trove is not connected to a cloud server that offers sign-in. Check the server address in Settings.');
    }
    const claims = claimsOf(idToken);
    if (!claims) throw new TroveError('VALIDATION_ERROR', 'This is not a Firebase ID token (it has no user id or expiry).');
    this.kept = { server: this.server, refreshToken, tokenUrl: cloud.tokenUrl, apiKey: cloud.apiKey, uid: claims.uid, email: claims.email };
    this.token = { idToken, claims, obtainedAt: Date.now() };
    this.failures = 0;
    this.persistent = await this.opts.file.write(this.kept);
    this.schedule();
    const session = this.current()!;
    this.changed(session, null);
    return session;
  }

  /**
   * A fresh ID token now. Null when there is no sign-in or Firebase ended it (reported through
   * onChange with the reason); throws SERVICE_UNAVAILABLE when Google could not be reached — the
   * sign-in stays and is retried on its own.
   */
  renew(): Promise<AuthSession | null> {
    this.renewing ??= this.doRenew().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  /**
   * The server refused the current ID token (401). A token that has been around for a while may
   * just have lapsed (a laptop waking up): renew it. A brand-new one refused means this server does
   * not accept this sign-in at all: end it, saying so.
   */
  async refused(serverName: string): Promise<AuthSession | null> {
    const fresh = this.token !== null && Date.now() - this.token.obtainedAt < (this.opts.freshForMs ?? 60_000);
    if (!fresh) return this.renew().catch(() => null);
    await this.end(`The Trove server at ${serverName} did not accept your sign-in. Sign in again; if it keeps happening, ask its administrator.`);
    return null;
  }

  /** Ends the sign-in: memory and disk. `reason` is shown to the user (null: they signed out themselves). */
  async end(reason: string | null): Promise<void> {
    clearTimeout(this.timer);
    const had = this.kept !== null || this.token !== null;
    this.kept = null;
    this.token = null;
    this.failures = 0;
    await this.opts.file.clear();
    if (had || reason) this.changed(null, reason);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private changed(session: AuthSession | null, reason: string | null): void {
    for (const listener of this.listeners) listener(session, reason);
  }

  private async doRenew(): Promise<AuthSession | null> {
    const kept = this.kept;
    if (!kept || kept.server !== this.server || this.closed) return null;
    clearTimeout(this.timer);
    try {
      const grant = await renewIdToken(kept.tokenUrl, kept.apiKey, kept.refreshToken);
      if (this.kept !== kept || this.server !== kept.server) return this.current(); // signed out or switched meanwhile
      const claims = claimsOf(grant.idToken);
      if (!claims) throw new RenewalError(true, 'BAD_TOKEN', 'Google answered with a token Trove cannot read. Sign in again.');
      this.token = { idToken: grant.idToken, claims, obtainedAt: Date.now() };
      this.failures = 0;
      if (grant.refreshToken !== kept.refreshToken) {
        this.kept = { ...kept, refreshToken: grant.refreshToken };
        this.persistent = await this.opts.file.write(this.kept);
      }
      this.schedule();
      const session = this.current()!;
      this.changed(session, null);
      return session;
    } catch (err) {
      if (this.kept !== kept) return null;
      if (err instanceof RenewalError && err.permanent) {
        this.opts.log?.('the kept sign-in ended', { reason: err.reason });
        await this.end(err.message);
        return null;
      }
      const delays = this.opts.retryDelaysMs ?? [5_000, 30_000, 120_000, 300_000];
      const delay = delays[Math.min(this.failures, delays.length - 1)]!;
      this.failures += 1;
      this.opts.log?.('renewing the sign-in failed; trying again', { err: err instanceof Error ? err.message : String(err), inMs: delay });
      this.arm(delay);
      throw new TroveError('SERVICE_UNAVAILABLE', err instanceof Error ? err.message : String(err));
    }
  }

  /** Renew a few minutes before the current ID token expires (at least 30 s from now, by default). */
  private schedule(): void {
    if (!this.token) return;
    const margin = (this.opts.renewMarginS ?? 300) * 1000;
    this.arm(Math.max(this.opts.minRenewDelayMs ?? 30_000, this.token.claims.expiresAt - margin - Date.now()));
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    this.timer = setTimeout(() => void this.renew().catch(() => undefined), ms);
    // Main stays up for the tray anyway; the timer must not be what keeps a test process alive.
    this.timer.unref?.();
  }
}
