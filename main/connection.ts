/**
 * Which Trove server the app talks to: in local mode the embedded server the supervisor runs, in
 * cloud mode the configured URL (watched with health checks). One `Connection` is current at a
 * time; every change goes to its `onChange` listeners (the app: the renderer's `connection:changed`, the upload queue).
 */
import { Value } from 'typebox/value';
import { API_PREFIX, AuthConfigSchema, type AuthConfig } from '../shared/api/schemas.ts';
import type { Connection, Settings } from '../shared/ipc/contract.ts';
import type { Endpoint } from './api-client.ts';
import { cloudSignInOf, type CloudSignIn } from './auth/cloud-sign-in.ts';
import { cloudConnectSources } from './security.ts';
import { healthy } from './server-supervisor.ts';

interface Source {
  connection(): Connection;
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Cloud mode: no process to run, just a server to watch. Its `Connection.token` stays null: uploads
 * go with the ID token of the sign-in main keeps (auth/session-keeper.ts).
 */
export class CloudMonitor implements Source {
  private conn: Connection;
  private timer: NodeJS.Timeout | undefined;
  private emulatorUrl: string | null = null;
  private firebase: AuthConfig['firebase'] = null;

  constructor(url: string, private readonly onConnection: (c: Connection) => void, private readonly everyMs = 30_000) {
    this.conn = { mode: 'cloud', url: url.replace(/\/+$/, ''), token: null, online: false };
  }

  /** Origins the page must reach to sign in (the window's CSP connect-src), as far as known. */
  connectSources(): string[] {
    return cloudConnectSources(this.emulatorUrl);
  }

  /** The server's sign-in settings, as far as known (learnt when it first answers). */
  signIn(): CloudSignIn | null {
    return cloudSignInOf(this.conn.url, this.firebase);
  }

  connection(): Connection {
    return { ...this.conn };
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.everyMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    const online = await healthy(this.conn.url, 10_000);
    // Learn the emulator's origin before saying "online": the page (and its CSP) is loaded right after.
    if (online && !this.conn.online) await this.loadAuthConfig();
    if (online !== this.conn.online) {
      this.conn = { ...this.conn, online };
      this.onConnection(this.connection());
    }
  }

  private async loadAuthConfig(): Promise<void> {
    try {
      const res = await fetch(`${this.conn.url}${API_PREFIX}/auth/config`, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { data?: unknown };
      this.firebase = res.ok && Value.Check(AuthConfigSchema, body.data) ? body.data.firebase : null;
    } catch {
      // An older server without /auth/config: Google's endpoints only.
      this.firebase = null;
    }
    this.emulatorUrl = this.firebase?.emulator_url ?? null;
  }
}

export interface ConnectionManagerOptions {
  /** Makes the local-mode source (a ServerSupervisor) reporting to the given callback. */
  createLocal: (onConnection: (c: Connection) => void) => Source;
  /** Cloud mode: the signed-in user's current ID token (from the sign-in main keeps), or null. */
  cloudToken: () => string | null;
  cloudCheckEveryMs?: number;
}

export class ConnectionManager {
  private source: Source | null = null;
  private key = '';
  private readonly listeners = new Set<(c: Connection) => void>();

  constructor(private readonly opts: ConnectionManagerOptions) {}

  /** Every change of the current connection (another server, online or not, a new token). Returns the unsubscribe. */
  onChange(listener: (c: Connection) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(): Connection {
    return this.source?.connection() ?? { mode: 'local', url: '', token: null, online: false };
  }

  /** Where uploads go; null until a server address is known. Cloud mode uses the signed-in user's ID token. */
  endpoint(): Endpoint | null {
    const c = this.current();
    if (!c.url) return null;
    return { url: c.url, token: c.mode === 'cloud' ? this.opts.cloudToken() : c.token };
  }

  /** The cloud server's sign-in settings (null in local mode, or before it first answered). */
  cloudSignIn(): CloudSignIn | null {
    return this.source instanceof CloudMonitor ? this.source.signIn() : null;
  }

  /** Extra connect-src origins for the window's CSP: the sign-in endpoints in cloud mode, none locally. */
  connectSources(): string[] {
    return this.source instanceof CloudMonitor ? this.source.connectSources() : [];
  }

  /** Switches to what the settings ask for (no-op when unchanged). Returns without waiting for the server. */
  async apply(settings: Pick<Settings, 'mode' | 'cloudUrl'>): Promise<void> {
    const key = settings.mode === 'cloud' ? `cloud:${settings.cloudUrl ?? ''}` : 'local';
    if (key === this.key && this.source) return;
    this.key = key;
    const previous = this.source;
    this.source = null;
    if (previous) await previous.stop();
    const report = (c: Connection) => {
      if (this.source === source) this.changed(c);
    };
    const source: Source = settings.mode === 'cloud' && settings.cloudUrl
      ? new CloudMonitor(settings.cloudUrl, report, this.opts.cloudCheckEveryMs)
      : this.opts.createLocal(report);
    this.source = source;
    this.changed(source.connection());
    void source.start().catch(() => undefined);
  }

  private changed(c: Connection): void {
    for (const listener of this.listeners) listener(c);
  }

  async stop(): Promise<void> {
    const s = this.source;
    this.source = null;
    this.key = '';
    if (s) await s.stop();
  }
}
