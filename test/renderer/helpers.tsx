/**
 * Test doubles for the renderer: a fake bridge (records calls, emits queue events on demand), a
 * stub API (each method a vi.fn the test programs), and store resets between tests.
 */
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import type { SearchResult, Upload, UploadEvent } from '../../shared/api/schemas.ts';
import type { ApiClient } from '../../renderer/src/api/client.ts';
import type { AddOptions, Bridge, DesktopAuth, FolderOptions, Settings, UploadItem, WatchedFolder } from '../../renderer/src/bridge/types.ts';
import { TokenVault } from '../../renderer/src/lib/token.ts';
import { setServices } from '../../renderer/src/services.ts';
import { resetSimilarSupport, useDetail } from '../../renderer/src/stores/detail.ts';
import { useDeletion } from '../../renderer/src/stores/deletion.ts';
import { useLibrary } from '../../renderer/src/stores/library.ts';
import { useRecentlyDeleted } from '../../renderer/src/stores/recently-deleted.ts';
import { useSelection } from '../../renderer/src/stores/selection.ts';
import { useLiveEvents } from '../../renderer/src/stores/live-events.ts';
import { useMedia } from '../../renderer/src/stores/media.ts';
import { useNavigation } from '../../renderer/src/stores/navigation.ts';
import { useSearch } from '../../renderer/src/stores/search.ts';
import { useSearchAssist } from '../../renderer/src/stores/search-assist.ts';
import { useSession } from '../../renderer/src/stores/session.ts';
import { useUploadOptions } from '../../renderer/src/stores/upload-options.ts';
import { useUploads } from '../../renderer/src/stores/uploads.ts';
import { useUsage } from '../../renderer/src/stores/usage.ts';

export class FakeBridge implements Bridge {
  kind: 'web' | 'electron' = 'web';
  queue: UploadItem[] = [];
  private listeners = new Set<(i: UploadItem) => void>();
  settings: Settings = { mode: 'local', cloudUrl: null, theme: 'system', startAtLogin: false, syncPaused: false };

  addFiles = vi.fn(async (_files: File[], _opts: AddOptions) => undefined);
  pickFiles = vi.fn(async (_opts: AddOptions) => undefined);
  cancel = vi.fn(async (_id: string) => undefined);
  retry = vi.fn(async (_id: string) => undefined);
  pauseAll = vi.fn(async () => undefined);
  resumeAll = vi.fn(async () => undefined);
  clearFinished = vi.fn(async () => undefined);
  reveal = vi.fn(async (_p: string) => undefined);
  open = vi.fn(async (_p: string) => undefined);
  download = vi.fn((_url: string, _name: string) => undefined);
  applyServerEvent = vi.fn((_ev: UploadEvent) => undefined);
  desktopAuth: DesktopAuth | null = null;

  async connection() {
    return { mode: 'local' as const, url: 'http://127.0.0.1:8787', token: 'tok', online: true };
  }
  onConnectionChanged() {
    return () => undefined;
  }
  async listQueue() {
    return [...this.queue];
  }
  onQueueChanged(l: (i: UploadItem) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  /** Emits a queue change the way main (or the web queue) would. */
  emit(item: UploadItem) {
    const i = this.queue.findIndex((q) => q.id === item.id);
    if (i === -1) this.queue.push(item);
    else this.queue[i] = item;
    for (const l of this.listeners) l(item);
  }
  async getSettings() {
    return this.settings;
  }
  async setSettings(patch: Partial<Settings>) {
    this.settings = { ...this.settings, ...patch };
    return this.settings;
  }
  folders: WatchedFolder[] = [];
  async watchedFolders(): Promise<WatchedFolder[]> {
    return this.folders;
  }
  addWatchedFolder = vi.fn(async (_opts: FolderOptions): Promise<WatchedFolder[]> => this.folders);
  async setMirrorDeletions(): Promise<WatchedFolder[]> {
    return this.folders;
  }
  setFolderKeepLocal = vi.fn(async (folder: WatchedFolder, keepLocal: boolean): Promise<WatchedFolder[]> => {
    this.folders = this.folders.map((f) => (f.path === folder.path ? { ...f, keepLocal } : f));
    return this.folders;
  });
  async removeWatchedFolder(): Promise<WatchedFolder[]> {
    return [];
  }
  onWatchedFoldersChanged() {
    return () => undefined;
  }
}

export type FakeApi = { [K in keyof ApiClient]: ApiClient[K] extends (...a: infer A) => infer R ? ReturnType<typeof vi.fn<(...a: A) => R>> : ApiClient[K] };

export function fakeApi(): FakeApi {
  const api = {
    baseUrl: '',
    hasToken: true,
    absolute: vi.fn((u: string) => u),
    url: vi.fn((p: string) => `/api/v1${p}`),
    authHeaders: vi.fn(() => ({ Authorization: 'Bearer tok' })),
    setConnection: vi.fn(),
    request: vi.fn(),
    health: vi.fn(),
    search: vi.fn(),
    searchHistory: vi.fn(async () => ({ history: [], total: 0 })),
    forgetSearch: vi.fn(async () => ({ deleted: 1 })),
    searchSuggestions: vi.fn(async () => ({ suggestions: [] })),
    listUploads: vi.fn(async () => ({ uploads: [], total: 0, has_more: false })),
    metadata: vi.fn(),
    jobStatus: vi.fn(),
    deleteUpload: vi.fn(),
    restoreUpload: vi.fn(),
    batch: vi.fn(),
    downloadZip: vi.fn(),
    retryUpload: vi.fn(),
    archiveBatch: vi.fn(),
    usage: vi.fn(),
    similar: vi.fn(async () => null),
    fileUrl: vi.fn(async (id: string, variant: string) => `/api/v1/blob?key=${id}/${variant}`),
    forgetFileUrl: vi.fn(),
    events: vi.fn(() => ({ close: vi.fn() })),
  };
  return api;
}

export class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  key(i: number) {
    return [...this.map.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
}

/** Fresh services and stores for one test; cleans up the DOM after it. */
export function setup(): { bridge: FakeBridge; api: FakeApi; session: MemoryStorage; local: MemoryStorage } {
  const bridge = new FakeBridge();
  const api = fakeApi();
  const session = new MemoryStorage();
  const local = new MemoryStorage();
  setServices({ bridge, api: api as unknown as ApiClient, vault: new TokenVault(session, local) });
  for (const reset of [() => useSearch.getState().reset(), () => useSearchAssist.getState().reset(), () => useUploads.getState().reset(), () => useLibrary.getState().reset(), () => useDetail.getState().close(), () => useMedia.getState().reset(), () => useUsage.getState().reset(), () => useUploadOptions.getState().setKeepLocal(false)]) reset();
  useDeletion.setState({ pending: null, busy: false, error: null, lastDeleted: null, undoing: false, notice: null });
  useRecentlyDeleted.getState().reset();
  useSelection.getState().clear();
  useNavigation.setState({ view: 'search', searchFocus: 0 });
  useSession.setState({ status: 'ready', bridgeKind: bridge.kind, serverUrl: 'http://127.0.0.1:8787', error: null, connecting: false });
  useLiveEvents.setState({ state: 'open' });
  resetSimilarSupport();
  return { bridge, api, session, local };
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let n = 0;
export function result(overrides: Partial<SearchResult> = {}): SearchResult {
  n += 1;
  return {
    upload_id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, filename: `file-${n}.jpg`, file_type: 'image', mime_type: 'image/jpeg',
    summary: null, similarity_score: 0.5, thumbnail_url: null, created_at: new Date(Date.UTC(2024, 0, n % 28 + 1)).toISOString(),
    cloud_status: 'not_configured', keep_local: false, ...overrides,
  };
}

export function upload(overrides: Partial<Upload> = {}): Upload {
  const r = result();
  return {
    id: r.upload_id, filename: r.filename, file_type: 'image', mime_type: 'image/jpeg', file_size: 1234, file_hash: 'abc',
    processing_status: 'completed', processing_error: null, retry_count: 0, summary: null, tags: [], metadata: {}, user_metadata: {},
    token_count: null, embedding_model: null, analyzer: 'offline', cloud_status: 'not_configured', cloud_reason: null, cost_usd: 0, keep_local: false, folder: null, user_tags: [], note: null,
    thumbnail_url: null, preview_url: null, job_id: null, processing_started_at: null,
    processing_completed_at: null, created_at: r.created_at, updated_at: r.created_at, ...overrides,
  };
}

export function queueItem(overrides: Partial<UploadItem> = {}): UploadItem {
  n += 1;
  return {
    id: `q${n}`, path: `/tmp/f${n}.jpg`, name: `f${n}.jpg`, size: 2048, state: 'queued', progress: 0, bytesSent: 0,
    uploadId: null, jobId: null, error: null, thumbnail: null, addedAt: new Date().toISOString(), ...overrides,
  };
}

/** test/helpers/firebase.ts's emulator handle (see there). */
export interface AuthEmulator {
  host: string;
  projectId: string;
  stop(): Promise<void>;
}

/**
 * The real Firebase Auth emulator (firebase-tools), loaded at run time by URL: this file is
 * type-checked as browser code (tsconfig.web.json), which must not pull Node modules into its program.
 */
export async function startAuthEmulator(projectId = 'demo-trove'): Promise<AuthEmulator> {
  const specifier = '../helpers/firebase.ts';
  const mod = (await import(/* @vite-ignore */ specifier)) as { startAuthEmulator(projectId: string): Promise<AuthEmulator> };
  return mod.startAuthEmulator(projectId);
}

/** The emulator's outbox: the links it would have emailed (verification, password reset), newest last. */
export async function emulatorLinks(emulator: AuthEmulator): Promise<{ email: string; requestType: string; oobLink: string }[]> {
  const res = await fetch(`http://${emulator.host}/emulator/v1/projects/${emulator.projectId}/oobCodes`);
  return ((await res.json()) as { oobCodes: { email: string; requestType: string; oobLink: string }[] }).oobCodes;
}

/** What clicking the emulator's confirmation link does: the address counts as confirmed from now on. */
export async function confirmEmail(emulator: AuthEmulator, email: string): Promise<void> {
  const link = (await emulatorLinks(emulator)).filter((l) => l.email === email && l.requestType === 'VERIFY_EMAIL').at(-1);
  if (!link) throw new Error(`no confirmation link for ${email}`);
  const res = await fetch(link.oobLink);
  if (!res.ok) throw new Error(`confirming ${email}: ${res.status}`);
}

/**
 * happy-dom lays nothing out: for the file's tests every element measures the size a browser
 * window would give the grid, so the grid decides its columns and rows as it would there.
 */
export function fixedLayoutSize(size: { width: number; height: number }): void {
  const originals = {
    w: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth'),
    h: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight'),
  };
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => size.width });
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => size.height });
  });
  afterAll(() => {
    if (originals.w) Object.defineProperty(HTMLElement.prototype, 'clientWidth', originals.w);
    if (originals.h) Object.defineProperty(HTMLElement.prototype, 'clientHeight', originals.h);
  });
}
