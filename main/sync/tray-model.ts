/**
 * What the tray menu shows, as plain data (main/electron/tray.ts turns it into an Electron Menu):
 * sync status and counts, pause/resume sync, open Trove, start at login, quit.
 */
import type { Connection, QueueItem, WatchedFolder } from '../../shared/ipc/contract.ts';

export type TrayAction = 'open' | 'pause-sync' | 'resume-sync' | 'toggle-login' | 'quit';

export interface TrayEntry {
  label: string;
  action?: TrayAction;
  enabled?: boolean;
  checked?: boolean;
  separator?: boolean;
}

export interface TrayState {
  connection: Connection;
  folders: WatchedFolder[];
  queue: Pick<QueueItem, 'state'>[];
  syncPaused: boolean;
  startAtLogin: boolean;
  /** Cloud mode with nobody signed in: uploads and sync wait until someone signs in. */
  needsSignIn?: boolean;
}

interface TrayCounts {
  uploading: number;
  waiting: number;
  processing: number;
  failed: number;
  done: number;
}

function countQueue(items: Pick<QueueItem, 'state'>[]): TrayCounts {
  const c: TrayCounts = { uploading: 0, waiting: 0, processing: 0, failed: 0, done: 0 };
  for (const { state } of items) {
    if (state === 'uploading' || state === 'hashing') c.uploading++;
    else if (state === 'queued' || state === 'paused') c.waiting++;
    else if (state === 'processing') c.processing++;
    else if (state === 'failed') c.failed++;
    else if (state === 'completed' || state === 'duplicate') c.done++;
  }
  return c;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line for the tray's tooltip and the menu's first (disabled) entry. */
export function syncSummary(s: TrayState): string {
  if (!s.connection.online) return s.connection.url ? 'Trove — server not reachable' : 'Trove — starting…';
  if (s.needsSignIn) return 'Trove — signed out: open Trove to sign in';
  const c = countQueue(s.queue);
  const busy = [c.uploading && `${c.uploading} uploading`, c.waiting && `${c.waiting} waiting`, c.processing && `${c.processing} processing`, c.failed && `${c.failed} failed`]
    .filter(Boolean).join(', ');
  if (s.folders.length === 0) return busy ? `Trove — ${busy}` : 'Trove — up to date';
  if (s.syncPaused) return `Sync paused (${plural(s.folders.length, 'folder')})`;
  const scanning = s.folders.filter((f) => f.status === 'scanning');
  if (scanning.length) return `Scanning ${plural(scanning.length, 'folder')} — ${scanning.reduce((n, f) => n + f.scanned, 0)} files found`;
  if (s.folders.some((f) => f.status === 'error')) return 'Sync problem — open Trove for details';
  return busy ? `Syncing ${plural(s.folders.length, 'folder')} — ${busy}` : `${plural(s.folders.length, 'folder')} up to date`;
}

export function buildTrayMenu(s: TrayState): TrayEntry[] {
  const c = countQueue(s.queue);
  return [
    { label: syncSummary(s), enabled: false },
    { label: `${c.done} uploaded · ${c.uploading + c.waiting} to upload${c.failed ? ` · ${c.failed} failed` : ''}`, enabled: false },
    { label: '', separator: true },
    s.syncPaused
      ? { label: 'Resume sync', action: 'resume-sync', enabled: s.folders.length > 0 }
      : { label: 'Pause sync', action: 'pause-sync', enabled: s.folders.length > 0 },
    { label: 'Open Trove', action: 'open' },
    { label: 'Start at login', action: 'toggle-login', checked: s.startAtLogin },
    { label: '', separator: true },
    { label: 'Quit Trove', action: 'quit' },
  ];
}

/**
 * Tells the tray to rebuild at most twice a second, however busy the queue is: many changes in a
 * burst become one rebuild 500 ms after the first.
 */
export class TrayUpdates {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const listener of this.listeners) listener();
    }, 500);
    this.timer.unref?.();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
