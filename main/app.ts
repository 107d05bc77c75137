/**
 * The desktop app's logic, wired together — everything except Electron itself. The Electron shell
 * (main/electron/main.ts) hands in small capabilities (IPC, dialogs, shell, login items, a process
 * launcher, the window's event sink) and drives windows, tray and menus from what this exposes.
 * Under Node the same object runs with fakes of those capabilities (test/main).
 */
import path from 'node:path';
import { TroveError } from '../shared/api/errors.ts';
import type { AuthSession, Connection, Settings } from '../shared/ipc/contract.ts';
import { ApiClient } from './api-client.ts';
import { GoogleLoopbackSignIn, type GoogleOAuthEndpoints } from './auth/google-loopback.ts';
import { KeptSessionFile } from './auth/kept-session.ts';
import type { SecretBox } from './auth/secret-box.ts';
import { SessionKeeper, type SessionKeeperOptions } from './auth/session-keeper.ts';
import { UploadCredential } from './auth/upload-credential.ts';
import { ConnectionManager } from './connection.ts';
import { PathGrants } from './ipc/grants.ts';
import { createIpcHandlers } from './ipc/handlers.ts';
import { createEventSender, registerIpcHandlers, type EventSink, type IpcMainLike } from './ipc/registrar.ts';
import { originOf } from './security.ts';
import { ServerSupervisor, type ProcessLauncher, type ServerCommand } from './server-supervisor.ts';
import { SettingsStore } from './settings.ts';
import { SyncManager } from './sync/sync-manager.ts';
import { buildTrayMenu, syncSummary, TrayUpdates, type TrayEntry, type TrayState } from './sync/tray-model.ts';
import { LocalThumbnails, type ThumbnailMaker } from './thumbnails.ts';
import { UploadQueue } from './upload-queue/queue.ts';

export interface AppCapabilities {
  /** Electron's `app.getPath('userData')`. */
  userDataDir: string;
  launcher: ProcessLauncher;
  serverCommand: ServerCommand;
  /** Extra environment for the embedded server. */
  serverEnv?: Record<string, string>;
  ipcMain: IpcMainLike;
  /** Whether an IPC message's event comes from our window's main frame on `appOrigin`. */
  isTrustedSender(event: unknown, appOrigin: string | null): boolean;
  /** Delivers an event to the window's page (nothing when no window is open). */
  send(channel: string, payload: unknown): void;
  pick(folders: boolean): Promise<string[]>;
  reveal(path: string): void | Promise<void>;
  open(path: string): Promise<void>;
  /** Opens an https link in the user's browser (Google sign-in). */
  openExternal(url: string): Promise<void>;
  /** Encrypts the kept sign-in with the OS keychain (Electron's safeStorage). */
  secretBox: SecretBox;
  setStartAtLogin(enabled: boolean): void;
  /** In development: the renderer's dev server (ELECTRON_RENDERER_URL), used instead of the server's own UI. */
  devRendererUrl?: string | null;
  thumbnails?: ThumbnailMaker;
  /** Test knobs. */
  queueOptions?: { chunkSize?: number; pollMs?: number; retryDelaysMs?: number[] };
  syncOptions?: { stabilityMs?: number; batchMs?: number };
  supervisorOptions?: { restartDelaysMs?: number[]; watchEveryMs?: number };
  sessionOptions?: Pick<SessionKeeperOptions, 'renewMarginS' | 'minRenewDelayMs' | 'retryDelaysMs' | 'freshForMs'>;
  /** Google's OAuth endpoints (tests point them at a local fake). */
  googleOAuth?: GoogleOAuthEndpoints;
  /** Validate every result and event against the contract (tests, development). */
  strictContract?: boolean;
  log?: (message: string, extra?: Record<string, unknown>) => void;
}

export class TroveApp {
  private connectionListeners = new Set<(c: Connection, previous: Connection) => void>();
  private lastConnection: Connection = { mode: 'local', url: '', token: null, online: false };
  private unregister: () => void = () => undefined;
  private closed = false;

  /**
   * Every part exists before the app does; the app subscribes to what they report (connection
   * changes, sign-in changes, settings) and hands the results on — events flow one way.
   */
  private constructor(
    private readonly caps: AppCapabilities,
    readonly settings: SettingsStore,
    readonly connections: ConnectionManager,
    readonly queue: UploadQueue,
    readonly sync: SyncManager,
    readonly session: SessionKeeper,
    private readonly credential: UploadCredential,
    private readonly tray: TrayUpdates,
    readonly grants: PathGrants,
    private readonly google: GoogleLoopbackSignIn,
    private readonly emit: EventSink,
  ) {
    connections.onChange((c) => this.connectionChanged(c));
    session.onChange((s, reason) => this.sessionChanged(s, reason));
    settings.onChange((next, previous) => void this.settingsChanged(next, previous).catch((err: unknown) => caps.log?.('applying settings failed', { err })));
  }

  static async start(caps: AppCapabilities): Promise<TroveApp> {
    const dir = caps.userDataDir;
    const log = caps.log ?? (() => undefined);
    const settings = await SettingsStore.open(path.join(dir, 'settings.json'));
    const emit = createEventSender((channel, payload) => caps.send(channel, payload), caps.strictContract ?? false);
    const tray = new TrayUpdates();
    const session = await SessionKeeper.open({ file: new KeptSessionFile(path.join(dir, 'session.json'), caps.secretBox), log, ...caps.sessionOptions });
    const connections = openConnections(caps, session, log);
    const credential = new UploadCredential(() => connections.current(), session, log);
    const { queue, sync } = await openTransfers(caps, { connections, credential, syncPaused: settings.get().syncPaused, emit, tray, log });
    const google = new GoogleLoopbackSignIn({ openExternal: (url) => caps.openExternal(url), ...(caps.googleOAuth ? { endpoints: caps.googleOAuth } : {}) });
    const app = new TroveApp(caps, settings, connections, queue, sync, session, credential, tray, new PathGrants(), google, emit);
    app.unregister = app.registerIpc();
    caps.setStartAtLogin(settings.get().startAtLogin);
    await connections.apply(settings.get());
    return app;
  }

  /** The page's calls (ipc/handlers.ts), each checked by the registrar: sender, then the contract. */
  private registerIpc(): () => void {
    const { caps, connections, session } = this;
    return registerIpcHandlers(caps.ipcMain, createIpcHandlers({
      connection: () => connections.current(),
      queue: this.queue,
      sync: this.sync,
      settings: this.settings,
      grants: this.grants,
      pick: (folders) => caps.pick(folders),
      reveal: (p) => caps.reveal(p),
      open: (p) => caps.open(p),
      session: {
        current: () => session.current(),
        adopt: (idToken, refreshToken) => session.adopt(idToken, refreshToken, connections.cloudSignIn()),
        renew: () => session.renew(),
        end: () => session.end(null),
        google: () => this.googleSignIn(),
      },
    }), {
      isTrusted: (event: unknown) => caps.isTrustedSender(event, this.appOrigin()),
      checkResults: caps.strictContract ?? false,
      onRejected: (method, reason) => caps.log?.('refused an IPC call', { method, reason }),
    });
  }

  connection(): Connection {
    return this.connections.current();
  }

  /** Where the window's page comes from: the connected server's own web UI (or the dev server). */
  appUrl(): string | null {
    if (this.caps.devRendererUrl) return this.caps.devRendererUrl;
    const c = this.connection();
    return c.url ? `${c.url}/` : null;
  }

  appOrigin(): string | null {
    const url = this.appUrl();
    return url ? originOf(url) : null;
  }

  /** Extra connect-src origins for the window's CSP (Firebase Auth in cloud mode; none locally). */
  connectSources(): string[] {
    return this.connections.connectSources();
  }

  /**
   * Google sign-in through the system browser (auth/google-loopback.ts) with the OAuth client the
   * connected cloud server names; the page exchanges the ID token for a Firebase sign-in.
   */
  async googleSignIn(): Promise<{ idToken: string }> {
    const client = this.connection().mode === 'cloud' ? this.connections.cloudSignIn()?.googleDesktopClient : null;
    if (!client) {
      throw new TroveError('GOOGLE_SIGN_IN_UNAVAILABLE', 'This Trove server does not offer Google sign-in for the desktop app. Sign in with your email address, or ask its administrator to set GOOGLE_OAUTH_DESKTOP_CLIENT_ID.');
    }
    return this.google.signIn(client);
  }

  /** Files handed over from outside (second launch, "Open with"): told to the page, which offers to add them. */
  openFiles(paths: string[]): void {
    if (paths.length === 0) return;
    // The OS handed these over at the user's request ("Open with", a second launch): they may be added.
    this.grants.grant(paths);
    this.emit('files:opened', paths);
  }

  trayState(): TrayState {
    const s = this.settings.get();
    const c = this.connection();
    return {
      connection: c, folders: this.sync.folders(), queue: this.queue.list(), syncPaused: s.syncPaused, startAtLogin: s.startAtLogin,
      needsSignIn: c.mode === 'cloud' && this.session.current() === null,
    };
  }

  trayMenu(): TrayEntry[] {
    return buildTrayMenu(this.trayState());
  }

  traySummary(): string {
    return syncSummary(this.trayState());
  }

  onTrayChange(fn: () => void): () => void {
    return this.tray.subscribe(fn);
  }

  onConnectionChange(fn: (c: Connection, previous: Connection) => void): () => void {
    this.connectionListeners.add(fn);
    return () => this.connectionListeners.delete(fn);
  }

  async setSyncPaused(paused: boolean): Promise<Settings> {
    return this.settings.set({ syncPaused: paused });
  }

  async setStartAtLogin(enabled: boolean): Promise<Settings> {
    return this.settings.set({ startAtLogin: enabled });
  }

  /** Quit: stop watching, stop uploads where they are (they resume next start), stop the server. */
  async quit(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.tray.close();
    this.unregister();
    this.google.cancel();
    this.session.close();
    await this.sync.close();
    await this.queue.shutdown();
    await this.connections.stop();
  }

  // ——— events from the services ———

  private connectionChanged(c: Connection): void {
    const previous = this.lastConnection;
    this.lastConnection = c;
    if (c.mode !== previous.mode || c.url !== previous.url) this.credential.reset();
    // A sign-in kept for this server is renewed now; one for another server is forgotten.
    this.session.attach(c.mode === 'cloud' && c.url ? c.url : null);
    void this.queue.setAuthorized(this.credential.usable());
    this.queue.setOnline(c.online);
    this.emit('connection:changed', c);
    for (const fn of this.connectionListeners) fn(c, previous);
    this.tray.changed();
  }

  /** The kept sign-in changed (renewed, adopted, ended): uploads follow it, and so does the page. */
  private sessionChanged(session: AuthSession | null, reason: string | null): void {
    this.credential.reset();
    void this.queue.setAuthorized(this.credential.usable());
    this.emit('session:changed', { session, reason });
    this.tray.changed();
  }

  private async settingsChanged(next: Settings, previous: Settings): Promise<void> {
    if (next.mode !== previous.mode || next.cloudUrl !== previous.cloudUrl) await this.connections.apply(next);
    if (next.syncPaused !== previous.syncPaused) await (next.syncPaused ? this.sync.pause() : this.sync.resume());
    if (next.startAtLogin !== previous.startAtLogin) this.caps.setStartAtLogin(next.startAtLogin);
    this.tray.changed();
  }
}

type Log = (message: string, extra?: Record<string, unknown>) => void;

/** Local mode's embedded server (run by a supervisor) or the configured cloud server, with the kept sign-in's token. */
function openConnections(caps: AppCapabilities, session: SessionKeeper, log: Log): ConnectionManager {
  return new ConnectionManager({
    createLocal: (onConnection) => new ServerSupervisor({
      launcher: caps.launcher,
      command: caps.serverCommand,
      dataDir: path.join(caps.userDataDir, 'data'),
      env: { LOG_LEVEL: 'warn', ...caps.serverEnv },
      onConnection,
      log,
      ...caps.supervisorOptions,
    }),
    cloudToken: () => session.idToken(),
  });
}

interface TransferDeps {
  connections: ConnectionManager;
  credential: UploadCredential;
  syncPaused: boolean;
  emit: EventSink;
  tray: TrayUpdates;
  log: Log;
}

/**
 * The upload queue and folder sync. Their changes go to the page and the tray; sync follows the
 * queue's `settled` events itself; a 401 holds the queue while the credential is renewed.
 */
async function openTransfers(caps: AppCapabilities, { connections, credential, syncPaused, emit, tray, log }: TransferDeps): Promise<{ queue: UploadQueue; sync: SyncManager }> {
  const endpoint = () => connections.endpoint();
  const api = new ApiClient(endpoint);
  const queue = await UploadQueue.open({
    file: path.join(caps.userDataDir, 'upload-queue.json'),
    api,
    endpoint,
    thumbnails: caps.thumbnails ?? new LocalThumbnails(),
    onChange: (item) => {
      emit('queue:changed', item);
      tray.changed();
    },
    onError: (err) => log('saving the upload queue failed', { err }),
    onUnauthorized: () => credential.refused(),
    online: false,
    ...caps.queueOptions,
  });
  const sync = await SyncManager.open({
    file: path.join(caps.userDataDir, 'sync.json'),
    queue,
    deleteUpload: (id) => api.deleteUpload(id),
    onChange: (folders) => {
      emit('sync:changed', folders);
      tray.changed();
    },
    paused: syncPaused,
    log,
    ...caps.syncOptions,
  });
  return { queue, sync };
}
