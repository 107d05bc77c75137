import type { UploadEvent } from '../../../shared/api/schemas.ts';
import { downloadViaAnchor, type AddOptions, type Bridge, type Connection, type Settings, type Unsubscribe, type WatchedFolder } from './types.ts';
import type { UploadItem } from './upload-item.ts';
import type { WebUploadQueue } from './web-queue.ts';

const THEME_KEY = 'trove.theme';

/**
 * A plain browser tab served by the Trove server: uploads go straight to the API (WebUploadQueue),
 * settings that make sense here (the theme) live in localStorage, desktop-only actions are absent.
 */
export class WebBridge implements Bridge {
  readonly kind = 'web' as const;

  constructor(
    private readonly queue: WebUploadQueue,
    private readonly opts: { origin: string; token: () => string | null; storage: Storage | null },
  ) {}

  /** The page's own queue follows processing through the live events. */
  applyServerEvent(ev: UploadEvent): void {
    this.queue.applyEvent(ev);
  }

  async connection(): Promise<Connection> {
    return { mode: 'local', url: this.opts.origin, token: this.opts.token(), online: true };
  }

  onConnectionChanged(): Unsubscribe {
    return () => undefined;
  }

  /** The page keeps its own sign-in (Firebase SDK, sessionStorage). */
  readonly desktopAuth = null;

  async addFiles(files: File[], opts: AddOptions): Promise<void> {
    this.queue.add(files, opts);
  }

  async pickFiles(): Promise<void> {
    // The browser's picker is an <input type=file> the page renders; its files arrive via addFiles.
  }

  async listQueue(): Promise<UploadItem[]> {
    return this.queue.list();
  }

  onQueueChanged(listener: (item: UploadItem) => void): Unsubscribe {
    return this.queue.onChanged(listener);
  }

  async cancel(id: string): Promise<void> {
    this.queue.cancel(id);
  }

  async retry(id: string): Promise<void> {
    await this.queue.retry(id);
  }

  async pauseAll(): Promise<void> {
    this.queue.pauseAll();
  }

  async resumeAll(): Promise<void> {
    this.queue.resumeAll();
  }

  async clearFinished(): Promise<void> {
    this.queue.clearFinished();
  }

  async reveal(): Promise<void> {
    throw new Error('Showing files in their folder needs the desktop app.');
  }

  async open(): Promise<void> {
    throw new Error('Opening files with other apps needs the desktop app.');
  }

  download(url: string, filename: string): void {
    downloadViaAnchor(url, filename);
  }

  async getSettings(): Promise<Settings> {
    const stored = this.opts.storage?.getItem(THEME_KEY);
    const theme = stored === 'light' || stored === 'dark' ? stored : 'system';
    return { mode: 'local', cloudUrl: null, theme, startAtLogin: false, syncPaused: false };
  }

  async setSettings(patch: Partial<Settings>): Promise<Settings> {
    if (patch.theme) {
      if (patch.theme === 'system') this.opts.storage?.removeItem(THEME_KEY);
      else this.opts.storage?.setItem(THEME_KEY, patch.theme);
    }
    return this.getSettings();
  }

  async watchedFolders(): Promise<WatchedFolder[]> {
    return [];
  }

  async addWatchedFolder(): Promise<WatchedFolder[]> {
    return [];
  }

  async setMirrorDeletions(): Promise<WatchedFolder[]> {
    return [];
  }

  async setFolderKeepLocal(): Promise<WatchedFolder[]> {
    return [];
  }

  async removeWatchedFolder(): Promise<WatchedFolder[]> {
    return [];
  }

  onWatchedFoldersChanged(): Unsubscribe {
    return () => undefined;
  }
}
