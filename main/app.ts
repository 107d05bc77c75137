/**
 * The desktop app's logic, wired together — everything except Electron itself. The Electron shell
 * (main/electron/main.ts) hands in small capabilities (IPC, dialogs, shell, login items, a process
 * launcher, the window's event sink) and drives windows, tray and menus from what this exposes.
 * Under Node the same object runs with fakes of those capabilities (test/main).
 */
import path from 'node:path';
import type { Connection, IpcEvent, IpcPayload, QueueItem, Settings } from '../shared/ipc/contract.ts';
import { ApiClient } from './api-client.ts';
import { ConnectionManager } from './connection.ts';
import { createIpcHandlers } from './ipc/handlers.ts';
import { createEventSender, registerIpcHandlers, type EventSink, type IpcMainLike } from './ipc/registrar.ts';
import { originOf } from './security.ts';
import { ServerSupervisor, type ProcessLauncher, type ServerCommand } from './server-supervisor.ts';
import { SettingsStore } from './settings.ts';
import { SyncManager } from './sync/sync-manager.ts';
import { buildTrayMenu, syncSummary, type TrayEntry, type TrayState } from './sync/tray-model.ts';
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
  setStartAtLogin(enabled: boolean): void;
  /** In development: the renderer's dev server (ELECTRON_RENDERER_URL), used instead of the server's own UI. */
  devRendererUrl?: string | null;
  thumbnails?: ThumbnailMaker;
  /** Test knobs. */
  queueOptions?: { chunkSize?: number; pollMs?: number; retryDelaysMs?: number[] };
  syncOptions?: { stabilityMs?: number; batchMs?: number };
  supervisorOptions?: { restartDelaysMs?: number[]; watchEveryMs?: number };
  /** Validate every result and event against the contract (tests, development). */
  strictContract?: boolean;
  log?: (message: string, extra?: Record<string, unknown>) => void;
}

export class TroveApp {
  private trayListeners = new Set<() => void>();
  private connectionListeners = new Set<(c: Connection, previous: Connection) => void>();
  private lastConnection: Connection = { mode: 'local', url: '', token: null, online: false };
  private unregister: () => void = () => undefined;
  private closed = false;
  /** The server refused the current ID token; cleared by the next one the renderer sends. */
  private tokenRejected = false;

  private constructor(
    private readonly caps: AppCapabilities,
    readonly settings: SettingsStore,
    readonly connections: ConnectionManager,
    readonly queue: UploadQueue,
    readonly sync: SyncManager,
    readonly emit: EventSink,
  ) {}

  static async start(caps: AppCapabilities): Promise<TroveApp> {
    const dir = caps.userDataDir;
    const log = caps.log ?? (() => undefined);
    const settings = await SettingsStore.open(path.join(dir, 'settings.json'));
    const emit = createEventSender((channel, payload) => caps.send(channel, payload), caps.strictContract ?? false);
    // The services are created before the app object, so their callbacks reach it through this holder.
    const ref: { app?: TroveApp } = {};

    const connections = new ConnectionManager({
      createLocal: (onConnection) => new ServerSupervisor({
        launcher: caps.launcher,
        command: caps.serverCommand,
        dataDir: path.join(dir, 'data'),
        env: { LOG_LEVEL: 'warn', ...caps.serverEnv },
        onConnection,
        log,
        ...caps.supervisorOptions,
      }),
      onChange: (c) => ref.app?.connectionChanged(c),
    });
    const endpoint = () => connections.endpoint();
    const api = new ApiClient(endpoint);
    const queue = await UploadQueue.open({
      file: path.join(dir, 'upload-queue.json'),
      api,
      endpoint,
      thumbnails: caps.thumbnails ?? new LocalThumbnails(),
      onChange: (item) => ref.app?.queueChanged(item),
      onSettled: (item) => ref.app?.sync.onQueueSettled(item),
      onError: (err) => log('saving the upload queue failed', { err }),
      onUnauthorized: () => ref.app?.tokenRefused() ?? false,
      online: false,
      ...caps.queueOptions,
    });
    const sync = await SyncManager.open({
      file: path.join(dir, 'sync.json'),
      queue,
      deleteUpload: (id) => api.deleteUpload(id),
      onChange: (folders) => {
        emit('sync:changed', folders);
        ref.app?.trayChanged();
      },
      paused: settings.get().syncPaused,
      log,
      ...caps.syncOptions,
    });

    const app = new TroveApp(caps, settings, connections, queue, sync, emit);
    ref.app = app;
    app.unregister = registerIpcHandlers(caps.ipcMain, createIpcHandlers({
      connection: () => connections.current(),
      queue,
      sync,
      settings,
      pick: (folders) => caps.pick(folders),
      reveal: (p) => caps.reveal(p),
      open: (p) => caps.open(p),
      setAuthToken: (token) => app.setAuthToken(token),
    }), {
      isTrusted: (event: unknown) => caps.isTrustedSender(event, app.appOrigin()),
      checkResults: caps.strictContract ?? false,
      onRejected: (method, reason) => log('refused an IPC call', { method, reason }),
    });
    settings.onChange((next, previous) => void app.settingsChanged(next, previous).catch((err: unknown) => log('applying settings failed', { err })));
    caps.setStartAtLogin(settings.get().startAtLogin);
    await connections.apply(settings.get());
    return app;
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
   * Cloud mode: the renderer lends main its ID token after sign-in and each renewal (null: signed
   * out). Memory only — a restart needs the renderer to sign in again. Ignored in local mode, where
   * the embedded server's own token is used.
   */
  async setAuthToken(token: string | null): Promise<void> {
    if (!this.connections.setAuthToken(token)) return;
    this.tokenRejected = false;
    await this.queue.setAuthorized(this.mayUpload());
  }

  /** The queue met a 401: in cloud mode it waits for a new token and the renderer is asked for one. */
  tokenRefused(): boolean {
    if (this.connection().mode !== 'cloud') return false;
    this.tokenRejected = true;
    this.emit('session:authExpired', { message: 'The Trove server did not accept your sign-in.' });
    return true;
  }

  /** Uploads need a credential: the local token, or in cloud mode an ID token the server has not refused. */
  private mayUpload(): boolean {
    return this.connection().mode === 'local' || (this.connections.hasAuthToken() && !this.tokenRejected);
  }

  /** Files handed over from outside (second launch, "Open with"): told to the page, which offers to add them. */
  openFiles(paths: string[]): void {
    if (paths.length > 0) this.emit('files:opened', paths);
  }

  trayState(): TrayState {
    const s = this.settings.get();
    return { connection: this.connection(), folders: this.sync.folders(), queue: this.queue.list(), syncPaused: s.syncPaused, startAtLogin: s.startAtLogin };
  }

  trayMenu(): TrayEntry[] {
    return buildTrayMenu(this.trayState());
  }

  traySummary(): string {
    return syncSummary(this.trayState());
  }

  onTrayChange(fn: () => void): () => void {
    this.trayListeners.add(fn);
    return () => this.trayListeners.delete(fn);
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
    this.unregister();
    await this.sync.close();
    await this.queue.shutdown();
    await this.connections.stop();
  }

  // ——— events from the services ———

  private connectionChanged(c: Connection): void {
    const previous = this.lastConnection;
    this.lastConnection = c;
    if (c.mode !== previous.mode || c.url !== previous.url) this.tokenRejected = false;
    void this.queue.setAuthorized(this.mayUpload());
    this.queue.setOnline(c.online);
    this.emit('connection:changed', c);
    for (const fn of this.connectionListeners) fn(c, previous);
    this.trayChanged();
  }

  private queueChanged(item: QueueItem): void {
    this.emit('queue:changed', item);
    this.trayChanged();
  }

  private trayTimer: NodeJS.Timeout | undefined;
  /** The tray is rebuilt at most twice a second, however busy the queue is. */
  private trayChanged(): void {
    if (this.trayTimer || this.closed) return;
    this.trayTimer = setTimeout(() => {
      this.trayTimer = undefined;
      for (const fn of this.trayListeners) fn();
    }, 500);
    this.trayTimer.unref?.();
  }

  private async settingsChanged(next: Settings, previous: Settings): Promise<void> {
    if (next.mode !== previous.mode || next.cloudUrl !== previous.cloudUrl) await this.connections.apply(next);
    if (next.syncPaused !== previous.syncPaused) await (next.syncPaused ? this.sync.pause() : this.sync.resume());
    if (next.startAtLogin !== previous.startAtLogin) this.caps.setStartAtLogin(next.startAtLogin);
    this.trayChanged();
  }

  /** Emits an event (for the shell: e.g. files opened before the window existed). */
  send<E extends IpcEvent>(event: E, payload: IpcPayload<E>): void {
    this.emit(event, payload);
  }
}
