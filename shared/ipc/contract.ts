/**
 * The Electron IPC contract, defined once: the preload exposes exactly these methods and events
 * through contextBridge, main registers a handler for each and validates every argument against
 * these schemas (paths from the renderer included). Runtime-neutral: no Node or Electron imports.
 */
import { Type, type Static, type TSchema } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 128 });
/** An absolute path on this machine, as chosen by the user (picker, drop, watched folder). */
export const AbsolutePath = Type.String({ minLength: 1, maxLength: 4096, pattern: '^(/|[A-Za-z]:[\\\\/]|\\\\\\\\)' });

export const ConnectionSchema = Type.Object({
  mode: Type.Enum(['local', 'cloud'] as const),
  /** Base URL of the API server, e.g. http://127.0.0.1:8787 */
  url: Type.String(),
  /** Bearer token for the API (local token or a Firebase ID token). */
  token: Type.Union([Type.String(), Type.Null()]),
  /** Whether the server answered its health check. */
  online: Type.Boolean(),
});
export type Connection = Static<typeof ConnectionSchema>;

export const QUEUE_STATES = ['queued', 'hashing', 'uploading', 'paused', 'processing', 'completed', 'duplicate', 'failed', 'cancelled'] as const;
export const QueueItemSchema = Type.Object({
  id: Id,
  path: Type.String(),
  name: Type.String(),
  size: Type.Integer(),
  state: Type.Enum(QUEUE_STATES),
  /** 0–100 of the current phase (upload bytes, then server processing). */
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  bytesSent: Type.Integer(),
  uploadId: Type.Union([Type.String(), Type.Null()]),
  jobId: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String(), action: Type.String() }), Type.Null()]),
  /** A data: URL of the local thumbnail made before upload, when one could be made. */
  thumbnail: Type.Union([Type.String(), Type.Null()]),
  addedAt: Type.String(),
  /** Uploaded with metadata `keep_local: true`: no cloud AI model ever sees it (absent: false). */
  keepLocal: Type.Optional(Type.Boolean()),
});
export type QueueItem = Static<typeof QueueItemSchema>;

export const WatchedFolderSchema = Type.Object({
  path: Type.String(),
  mirrorDeletions: Type.Boolean(),
  /** Its files are uploaded with `keep_local: true`: stored as usual, never shown to a cloud AI model. */
  keepLocal: Type.Boolean(),
  /** Files seen in the first scan / queued so far. */
  scanned: Type.Integer(),
  queued: Type.Integer(),
  status: Type.Enum(['scanning', 'watching', 'paused', 'error'] as const),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type WatchedFolder = Static<typeof WatchedFolderSchema>;

export const SettingsSchema = Type.Object({
  mode: Type.Enum(['local', 'cloud'] as const),
  cloudUrl: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]),
  theme: Type.Enum(['system', 'light', 'dark'] as const),
  startAtLogin: Type.Boolean(),
  syncPaused: Type.Boolean(),
});
export type Settings = Static<typeof SettingsSchema>;

/**
 * A Firebase ID token as the renderer hands it to main: compact JWT (three base64url parts; the Auth
 * emulator's tokens are unsigned, so the last may be empty), bounded so a page cannot park megabytes
 * in main's memory. Main only forwards it as a bearer; the server verifies it.
 */
export const AuthTokenSchema = Type.String({ minLength: 16, maxLength: 8192, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$' });

const method = <A extends TSchema[], R extends TSchema>(args: [...A], result: R) => ({ args, result });

const QueuePaths = Type.Array(AbsolutePath, { minItems: 1, maxItems: 10_000 });
/**
 * `queue:add` takes the paths alone, or with how to add them: `keepLocal` uploads them with metadata
 * `keep_local: true`, so no cloud AI model ever sees them (the "Keep on this device" toggle).
 */
export const QueueAddSchema = Type.Union([QueuePaths, Type.Object({ paths: QueuePaths, keepLocal: Type.Boolean() }, { additionalProperties: false })]);
export type QueueAdd = Static<typeof QueueAddSchema>;

/** Request/response methods (renderer → main, `ipcRenderer.invoke`). */
export const IPC_METHODS = {
  'app:connection': method([], ConnectionSchema),
  'dialog:pick': method([Type.Object({ folders: Type.Boolean() })], Type.Array(Type.String())),
  'queue:add': method([QueueAddSchema], Type.Array(QueueItemSchema)),
  'queue:list': method([], Type.Array(QueueItemSchema)),
  'queue:pause': method([Id], Type.Null()),
  'queue:resume': method([Id], Type.Null()),
  'queue:cancel': method([Id], Type.Null()),
  'queue:retry': method([Id], Type.Null()),
  'queue:pauseAll': method([], Type.Null()),
  'queue:resumeAll': method([], Type.Null()),
  'queue:clearFinished': method([], Type.Null()),
  'file:reveal': method([AbsolutePath], Type.Null()),
  'file:open': method([AbsolutePath], Type.Null()),
  'sync:folders': method([], Type.Array(WatchedFolderSchema)),
  /** Watches a folder, or changes a watched one's options (`keepLocal` absent: unchanged, false for a new folder). */
  'sync:add': method([AbsolutePath, Type.Object({ mirrorDeletions: Type.Boolean(), keepLocal: Type.Optional(Type.Boolean()) }, { additionalProperties: false })], Type.Array(WatchedFolderSchema)),
  'sync:remove': method([AbsolutePath], Type.Array(WatchedFolderSchema)),
  'settings:get': method([], SettingsSchema),
  'settings:set': method([Type.Partial(SettingsSchema)], SettingsSchema),
  /**
   * Cloud mode: the renderer's current Firebase ID token (after sign-in and every renewal), or null
   * on sign-out. Main keeps it in memory only and uploads with it; ignored in local mode.
   */
  'session:setAuthToken': method([Type.Object({ token: Type.Union([AuthTokenSchema, Type.Null()]) }, { additionalProperties: false })], Type.Null()),
} as const;

/** Events (main → renderer, `webContents.send`). */
export const IPC_EVENTS = {
  'queue:changed': QueueItemSchema,
  'sync:changed': Type.Array(WatchedFolderSchema),
  'connection:changed': ConnectionSchema,
  /** Files handed to the app from outside (second launch, "open with", command line). */
  'files:opened': Type.Array(Type.String()),
  /** Cloud mode: the server refused main's ID token (401); uploads wait until the renderer sends a new one. */
  'session:authExpired': Type.Object({ message: Type.String() }),
} as const;

export type IpcMethod = keyof typeof IPC_METHODS;
export type IpcEvent = keyof typeof IPC_EVENTS;

type StaticArgs<T extends readonly TSchema[]> = { [K in keyof T]: T[K] extends TSchema ? Static<T[K]> : never };
export type IpcArgs<M extends IpcMethod> = StaticArgs<(typeof IPC_METHODS)[M]['args']>;
export type IpcResult<M extends IpcMethod> = Static<(typeof IPC_METHODS)[M]['result']>;
export type IpcPayload<E extends IpcEvent> = Static<(typeof IPC_EVENTS)[E]>;

/** What the preload puts on `window.trove`: one typed function per method, one subscription per event. */
export interface TroveBridge {
  invoke<M extends IpcMethod>(method: M, ...args: IpcArgs<M>): Promise<IpcResult<M>>;
  on<E extends IpcEvent>(event: E, listener: (payload: IpcPayload<E>) => void): () => void;
  /** Path of a dropped File (Electron's webUtils.getPathForFile). */
  pathForFile(file: File): string;
}

export const IPC_CHANNEL_PREFIX = 'trove:';
