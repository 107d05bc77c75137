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
  /** A .zip the server unpacks: the batch its entries are read in (GET /batches/{id}); absent for a single file. */
  batchId: Type.Optional(Type.String()),
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

/** A Firebase refresh token (opaque; Google's and the emulator's use URL-safe or base64 characters). */
export const RefreshTokenSchema = Type.String({ minLength: 16, maxLength: 4096, pattern: '^[A-Za-z0-9_.:=+/-]+$' });

/**
 * Cloud mode in the desktop app: the sign-in main keeps. The page signs in with the Firebase SDK and
 * hands main the refresh token; main keeps it encrypted with the OS keychain (Electron safeStorage),
 * renews ID tokens itself — so uploads and folder sync go on with the window closed and after a
 * restart — and hands each new ID token back to the page.
 */
export const AuthSessionSchema = Type.Object({
  idToken: AuthTokenSchema,
  uid: Type.String({ minLength: 1, maxLength: 128 }),
  email: Type.Union([Type.String({ maxLength: 320 }), Type.Null()]),
  emailVerified: Type.Boolean(),
  /** When the ID token expires (ISO 8601); main renews it a few minutes before. */
  expiresAt: Type.String(),
  /** Kept across restarts (false when this computer offers no keychain: the sign-in lasts until Quit). */
  kept: Type.Boolean(),
});
export type AuthSession = Static<typeof AuthSessionSchema>;

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
  /** Cloud mode: the sign-in main keeps for the connected server (restored at start), or null. */
  'session:get': method([], Type.Union([AuthSessionSchema, Type.Null()])),
  /** Cloud mode: the page signed in; main keeps this sign-in from now on (replacing any other). */
  'session:adopt': method([Type.Object({ idToken: AuthTokenSchema, refreshToken: RefreshTokenSchema }, { additionalProperties: false })], AuthSessionSchema),
  /** Cloud mode: the server refused the page's ID token; a fresh one, or null when the sign-in is over. */
  'session:renew': method([], Type.Union([AuthSessionSchema, Type.Null()])),
  /** Sign-out: main forgets the kept sign-in (memory and disk) and holds uploads. */
  'session:end': method([], Type.Null()),
  /**
   * Google sign-in through the system browser: main opens Google's consent page, receives the answer
   * on a 127.0.0.1 loopback port (state and PKCE checked) and returns Google's ID token, which the
   * page exchanges for a Firebase sign-in (signInWithCredential).
   */
  'session:google': method([], Type.Object({ idToken: AuthTokenSchema })),
} as const;

/**
 * Methods only the preload calls, never the page: `window.trove.invoke` does not offer them, and
 * with context isolation the page cannot reach `ipcRenderer`. Main still checks sender and arguments.
 */
export const IPC_PRELOAD_METHODS = {
  /** Paths of files or folders the user dropped on the window (webUtils.getPathForFile gave them). */
  'grant:dropped': method([Type.Array(AbsolutePath, { minItems: 1, maxItems: 10_000 })], Type.Null()),
} as const;

/** Events (main → renderer, `webContents.send`). */
export const IPC_EVENTS = {
  'queue:changed': QueueItemSchema,
  'sync:changed': Type.Array(WatchedFolderSchema),
  'connection:changed': ConnectionSchema,
  /** Files handed to the app from outside (second launch, "open with", command line). */
  'files:opened': Type.Array(Type.String()),
  /**
   * Cloud mode: main's sign-in changed — a renewed ID token, or null when it ended (`reason` says why
   * when main ended it, e.g. the account was disabled; null after the page's own sign-out).
   */
  'session:changed': Type.Object({ session: Type.Union([AuthSessionSchema, Type.Null()]), reason: Type.Union([Type.String(), Type.Null()]) }),
} as const;

export type IpcMethod = keyof typeof IPC_METHODS;
export type PreloadMethod = keyof typeof IPC_PRELOAD_METHODS;
/** Every method main handles: the page's and the preload's own. */
export type HandledMethod = IpcMethod | PreloadMethod;
export const HANDLED_METHODS = { ...IPC_METHODS, ...IPC_PRELOAD_METHODS } as const;
export type IpcEvent = keyof typeof IPC_EVENTS;

type StaticArgs<T extends readonly TSchema[]> = { [K in keyof T]: T[K] extends TSchema ? Static<T[K]> : never };
export type IpcArgs<M extends HandledMethod> = StaticArgs<(typeof HANDLED_METHODS)[M]['args']>;
export type IpcResult<M extends HandledMethod> = Static<(typeof HANDLED_METHODS)[M]['result']>;
export type IpcPayload<E extends IpcEvent> = Static<(typeof IPC_EVENTS)[E]>;

/** What the preload puts on `window.trove`: one typed function per method, one subscription per event. */
export interface TroveBridge {
  invoke<M extends IpcMethod>(method: M, ...args: IpcArgs<M>): Promise<IpcResult<M>>;
  on<E extends IpcEvent>(event: E, listener: (payload: IpcPayload<E>) => void): () => void;
  /**
   * Path of a dropped File (Electron's webUtils.getPathForFile; '' for files that did not come from
   * this computer). The preload tells main the user chose it, so `queue:add` accepts it.
   */
  pathForFile(file: File): string;
}

export const IPC_CHANNEL_PREFIX = 'trove:';
