import type { TroveBridge } from '../../../shared/ipc/contract.ts';
import { downloadViaAnchor, type AddOptions, type Bridge, type DesktopAuth, type Connection, type QueueItem, type FolderOptions, type Settings, type Unsubscribe, type WatchedFolder } from './types.ts';

/** The desktop app: every call goes through the preload's `window.trove` (validated again in main). */
export class ElectronBridge implements Bridge {
  readonly kind = 'electron' as const;
  private readonly offOpened: Unsubscribe;

  /**
   * `addOptions`: how files handed to the app from outside are added — like files added in the
   * window at that moment (the "Keep on this device" toggle).
   */
  constructor(private readonly trove: TroveBridge, private readonly addOptions: () => AddOptions = () => ({ keepLocal: false })) {
    // Files handed to the app from outside (open-with, a second launch) go to the queue like a drop.
    this.offOpened = trove.on('files:opened', (paths) => {
      if (paths.length > 0) void this.queuePaths(paths, this.addOptions());
    });
  }

  dispose(): void {
    this.offOpened();
  }

  connection(): Promise<Connection> {
    return this.trove.invoke('app:connection');
  }

  onConnectionChanged(listener: (c: Connection) => void): Unsubscribe {
    return this.trove.on('connection:changed', listener);
  }

  /** Cloud mode: the sign-in main keeps (`session:*` in the IPC contract). */
  readonly desktopAuth: DesktopAuth = {
    current: () => this.trove.invoke('session:get'),
    adopt: (idToken, refreshToken) => this.trove.invoke('session:adopt', { idToken, refreshToken }),
    renew: () => this.trove.invoke('session:renew'),
    end: async () => {
      await this.trove.invoke('session:end');
    },
    google: async () => (await this.trove.invoke('session:google')).idToken,
    onChanged: (listener) => this.trove.on('session:changed', ({ session, reason }) => listener(session, reason)),
  };

  async addFiles(files: File[], opts: AddOptions): Promise<void> {
    const paths = files.map((f) => {
      try {
        return this.trove.pathForFile(f);
      } catch {
        return '';
      }
    }).filter((p) => p !== '');
    await this.queuePaths(paths, opts);
  }

  async pickFiles(opts: AddOptions): Promise<void> {
    const paths = await this.trove.invoke('dialog:pick', { folders: false });
    await this.queuePaths(paths, opts);
  }

  private async queuePaths(paths: string[], opts: AddOptions): Promise<void> {
    for (let i = 0; i < paths.length; i += 10_000) {
      await this.trove.invoke('queue:add', { paths: paths.slice(i, i + 10_000), keepLocal: opts.keepLocal });
    }
  }

  listQueue(): Promise<QueueItem[]> {
    return this.trove.invoke('queue:list');
  }

  onQueueChanged(listener: (item: QueueItem) => void): Unsubscribe {
    return this.trove.on('queue:changed', listener);
  }

  /** Main's queue asks the server about its own jobs (and goes on with the window closed): nothing to do here. */
  applyServerEvent(): void {
    // Intentionally empty: the page's stores take the event; the queue item follows through `queue:changed`.
  }

  async cancel(id: string): Promise<void> {
    await this.trove.invoke('queue:cancel', id);
  }

  async retry(id: string): Promise<void> {
    await this.trove.invoke('queue:retry', id);
  }

  async pauseAll(): Promise<void> {
    await this.trove.invoke('queue:pauseAll');
  }

  async resumeAll(): Promise<void> {
    await this.trove.invoke('queue:resumeAll');
  }

  async clearFinished(): Promise<void> {
    await this.trove.invoke('queue:clearFinished');
  }

  async reveal(path: string): Promise<void> {
    await this.trove.invoke('file:reveal', path);
  }

  async open(path: string): Promise<void> {
    await this.trove.invoke('file:open', path);
  }

  download(url: string, filename: string): void {
    downloadViaAnchor(url, filename);
  }

  getSettings(): Promise<Settings> {
    return this.trove.invoke('settings:get');
  }

  setSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.trove.invoke('settings:set', patch);
  }

  watchedFolders(): Promise<WatchedFolder[]> {
    return this.trove.invoke('sync:folders');
  }

  async addWatchedFolder(opts: FolderOptions): Promise<WatchedFolder[]> {
    const [folder] = await this.trove.invoke('dialog:pick', { folders: true });
    if (!folder) return this.watchedFolders();
    return this.trove.invoke('sync:add', folder, { mirrorDeletions: opts.mirrorDeletions, keepLocal: opts.keepLocal });
  }

  setMirrorDeletions(path: string, mirrorDeletions: boolean): Promise<WatchedFolder[]> {
    return this.trove.invoke('sync:add', path, { mirrorDeletions });
  }

  setFolderKeepLocal(folder: WatchedFolder, keepLocal: boolean): Promise<WatchedFolder[]> {
    return this.trove.invoke('sync:add', folder.path, { mirrorDeletions: folder.mirrorDeletions, keepLocal });
  }

  removeWatchedFolder(path: string): Promise<WatchedFolder[]> {
    return this.trove.invoke('sync:remove', path);
  }

  onWatchedFoldersChanged(listener: (folders: WatchedFolder[]) => void): Unsubscribe {
    return this.trove.on('sync:changed', listener);
  }
}

/** A refusal from main: its stable code (`PATH_NOT_GRANTED`, `INSECURE_SERVER_URL`…) and its message. */
export class BridgeError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'BridgeError';
  }
}

/**
 * The bridge with main's errors as people should read them: Electron words a failed call as
 * "Error invoking remote method 'trove:…': Error: [CODE] message"; the page shows the message only.
 */
export function withCleanErrors(trove: TroveBridge): TroveBridge {
  const invoke = ((method, ...args) => trove.invoke(method, ...args).catch((err: unknown) => {
    const text = err instanceof Error ? err.message : String(err);
    const m = /\[([A-Z][A-Z_]*)\] (.*)$/s.exec(text);
    throw m ? new BridgeError(m[1]!, m[2]!) : err;
  })) as TroveBridge['invoke'];
  return { invoke, on: (event, listener) => trove.on(event, listener), pathForFile: (file) => trove.pathForFile(file) };
}

/** Whether the preload put a usable bridge on the window. */
export function hasTroveBridge(w: Window): w is Window & { trove: TroveBridge } {
  const t = (w as Window & { trove?: Partial<TroveBridge> }).trove;
  return typeof t === 'object' && t !== null && typeof t.invoke === 'function' && typeof t.on === 'function' && typeof t.pathForFile === 'function';
}
