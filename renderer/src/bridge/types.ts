/**
 * One interface over the two ways the renderer reaches the world: the Electron preload
 * (`window.trove`, shared/ipc/contract.ts) or, in a plain browser tab, the HTTP API itself.
 * Stores call these methods; components never do.
 */
import type { Connection, QueueItem, Settings, WatchedFolder } from '../../../shared/ipc/contract.ts';
import type { UploadItem } from './upload-item.ts';

export type { Connection, QueueItem, Settings, UploadItem, WatchedFolder };
export type QueueState = QueueItem['state'];

/** How files are added: `keepLocal` uploads them with metadata `keep_local: true` (no cloud AI model sees them). */
export interface AddOptions {
  keepLocal: boolean;
}

/** How a folder is synced. */
export interface FolderOptions {
  mirrorDeletions: boolean;
  keepLocal: boolean;
}
export type Unsubscribe = () => void;

export interface BridgeCapabilities {
  /** A native file picker (the web uses an <input type=file>). */
  pickDialog: boolean;
  /** Reveal / open files on this computer. */
  localFiles: boolean;
  /** Watched folders kept in sync. */
  watchedFolders: boolean;
  /** Choosing local or cloud mode (the web page is bound to the server that served it). */
  modeSwitch: boolean;
  /** Pausing and resuming the whole upload queue. */
  pauseAll: boolean;
}

export interface Bridge {
  readonly kind: 'electron' | 'web';
  readonly capabilities: BridgeCapabilities;

  /** The server to talk to and the token to use; the web bridge knows only what the session gave it. */
  connection(): Promise<Connection>;
  onConnectionChanged(listener: (c: Connection) => void): Unsubscribe;
  /**
   * Cloud mode: hands the current Firebase ID token (null on sign-out) to whoever uploads besides
   * the page — main's upload queue in Electron; nothing in the browser, where the page uploads itself.
   */
  setAuthToken(token: string | null): Promise<void>;
  /** Cloud mode: the uploader's server refused the token it was given (Electron main saw a 401). */
  onAuthExpired(listener: () => void): Unsubscribe;

  /** Files dropped on the window or chosen in the browser's picker. */
  addFiles(files: File[], opts: AddOptions): Promise<void>;
  /** The native picker (Electron); resolves after the chosen files were queued. */
  pickFiles(opts: AddOptions): Promise<void>;
  listQueue(): Promise<UploadItem[]>;
  onQueueChanged(listener: (item: UploadItem) => void): Unsubscribe;
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  pauseAll(): Promise<void>;
  resumeAll(): Promise<void>;
  clearFinished(): Promise<void>;

  reveal(path: string): Promise<void>;
  open(path: string): Promise<void>;
  /** Saves a (signed) download link with the browser's or Electron's download handling. */
  download(url: string, filename: string): void;

  getSettings(): Promise<Settings>;
  setSettings(patch: Partial<Settings>): Promise<Settings>;
  watchedFolders(): Promise<WatchedFolder[]>;
  /** Lets the user choose a folder (native dialog) and starts watching it. */
  addWatchedFolder(opts: FolderOptions): Promise<WatchedFolder[]>;
  setMirrorDeletions(path: string, mirrorDeletions: boolean): Promise<WatchedFolder[]>;
  /** Its files from now on (and those still waiting in the queue) are kept on this device, or no longer. */
  setFolderKeepLocal(folder: WatchedFolder, keepLocal: boolean): Promise<WatchedFolder[]>;
  removeWatchedFolder(path: string): Promise<WatchedFolder[]>;
  onWatchedFoldersChanged(listener: (folders: WatchedFolder[]) => void): Unsubscribe;
}

/** Starts a download of `url` through an anchor (works in browsers and in Electron's will-download). */
export function downloadViaAnchor(url: string, filename: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
}
