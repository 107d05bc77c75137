/**
 * One interface over the two ways the renderer reaches the world: the Electron preload
 * (`window.trove`, shared/ipc/contract.ts) or, in a plain browser tab, the HTTP API itself.
 * Stores call these methods; components never do.
 */
import type { UploadEvent } from '../../../shared/api/schemas.ts';
import type { AuthSession, Connection, QueueItem, Settings, WatchedFolder } from '../../../shared/ipc/contract.ts';
import type { UploadItem } from './upload-item.ts';

export type { AuthSession, Connection, QueueItem, Settings, UploadItem, WatchedFolder };

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

/** The sign-in main keeps (shared/ipc/contract.ts `session:*`). */
export interface DesktopAuth {
  /** The kept sign-in for the connected server (restored at start), or null. */
  current(): Promise<AuthSession | null>;
  /** Hands main a fresh Firebase sign-in; main keeps and renews it from now on. */
  adopt(idToken: string, refreshToken: string): Promise<AuthSession>;
  /** A fresh ID token now; null when the sign-in is over. */
  renew(): Promise<AuthSession | null>;
  /** Sign-out: main forgets the sign-in. */
  end(): Promise<void>;
  /** Google in the system browser; resolves with Google's ID token for signInWithCredential. */
  google(): Promise<string>;
  /** Every renewal, and the end of the sign-in (`reason` when main ended it). */
  onChanged(listener: (session: AuthSession | null, reason: string | null) => void): Unsubscribe;
}

export interface Bridge {
  /** Where the page runs: what start-up and the desktop-only parts of the UI go by. */
  readonly kind: 'electron' | 'web';

  /** The server to talk to and the token to use; the web bridge knows only what the session gave it. */
  connection(): Promise<Connection>;
  onConnectionChanged(listener: (c: Connection) => void): Unsubscribe;
  /**
   * Cloud mode in the desktop app: main keeps the sign-in (so uploads and sync go on without the
   * window) and renews its ID tokens. Null in the browser, where the page keeps its own sign-in.
   */
  readonly desktopAuth: DesktopAuth | null;

  /** Files dropped on the window or chosen in the browser's picker. */
  addFiles(files: File[], opts: AddOptions): Promise<void>;
  /** The native picker (Electron); resolves after the chosen files were queued. */
  pickFiles(opts: AddOptions): Promise<void>;
  listQueue(): Promise<UploadItem[]>;
  onQueueChanged(listener: (item: UploadItem) => void): Unsubscribe;
  /**
   * A live event from the server (stores/live-events.ts hands each one here first). Each bridge
   * knows how its own queue reacts: the page's queue follows processing through these events; the
   * desktop app's queue, in main, follows its jobs itself.
   */
  applyServerEvent(ev: UploadEvent): void;
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
