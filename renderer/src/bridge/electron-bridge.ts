import type { TroveBridge } from '../../../shared/ipc/contract.ts';
import { downloadViaAnchor, type AddOptions, type Bridge, type BridgeCapabilities, type Connection, type QueueItem, type FolderOptions, type Settings, type Unsubscribe, type WatchedFolder } from './types.ts';

/** The desktop app: every call goes through the preload's `window.trove` (validated again in main). */
export class ElectronBridge implements Bridge {
  readonly kind = 'electron' as const;
  readonly capabilities: BridgeCapabilities = { pickDialog: true, localFiles: true, watchedFolders: true, modeSwitch: true, pauseAll: true };
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

  /** Main uploads with this token (memory only there too); it is renewed by the page, so it is sent on every renewal. */
  async setAuthToken(token: string | null): Promise<void> {
    await this.trove.invoke('session:setAuthToken', { token });
  }

  onAuthExpired(listener: () => void): Unsubscribe {
    return this.trove.on('session:authExpired', () => listener());
  }

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

/** Whether the preload put a usable bridge on the window. */
export function hasTroveBridge(w: Window): w is Window & { trove: TroveBridge } {
  const t = (w as Window & { trove?: Partial<TroveBridge> }).trove;
  return typeof t === 'object' && t !== null && typeof t.invoke === 'function' && typeof t.on === 'function' && typeof t.pathForFile === 'function';
}
