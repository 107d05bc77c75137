/**
 * Which Trove server the app talks to: in local mode the embedded server the supervisor runs, in
 * cloud mode the configured URL (watched with health checks). One `Connection` is current at a
 * time; every change goes to `onChange` (the renderer's `connection:changed`, the upload queue).
 */
import type { Connection, Settings } from '../shared/ipc/contract.ts';
import type { Endpoint } from './api-client.ts';
import { healthy } from './server-supervisor.ts';

interface Source {
  connection(): Connection;
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/** Cloud mode: no process to run, just a server to watch. The token comes from sign-in (not yet part of the app). */
export class CloudMonitor implements Source {
  private conn: Connection;
  private timer: NodeJS.Timeout | undefined;

  constructor(url: string, private readonly onConnection: (c: Connection) => void, private readonly everyMs = 30_000, token: string | null = null) {
    this.conn = { mode: 'cloud', url: url.replace(/\/+$/, ''), token, online: false };
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
    if (online !== this.conn.online) {
      this.conn = { ...this.conn, online };
      this.onConnection(this.connection());
    }
  }
}

export interface ConnectionManagerOptions {
  /** Makes the local-mode source (a ServerSupervisor) reporting to the given callback. */
  createLocal: (onConnection: (c: Connection) => void) => Source;
  onChange: (c: Connection) => void;
  cloudCheckEveryMs?: number;
}

export class ConnectionManager {
  private source: Source | null = null;
  private key = '';

  constructor(private readonly opts: ConnectionManagerOptions) {}

  current(): Connection {
    return this.source?.connection() ?? { mode: 'local', url: '', token: null, online: false };
  }

  /** Where uploads go; null until a server address is known. */
  endpoint(): Endpoint | null {
    const c = this.current();
    return c.url ? { url: c.url, token: c.token } : null;
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
      if (this.source === source) this.opts.onChange(c);
    };
    const source: Source = settings.mode === 'cloud' && settings.cloudUrl
      ? new CloudMonitor(settings.cloudUrl, report, this.opts.cloudCheckEveryMs)
      : this.opts.createLocal(report);
    this.source = source;
    this.opts.onChange(source.connection());
    void source.start().catch(() => undefined);
  }

  async stop(): Promise<void> {
    const s = this.source;
    this.source = null;
    this.key = '';
    if (s) await s.stop();
  }
}
