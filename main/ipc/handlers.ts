/**
 * The implementation of every IPC method, over the app's services. Arguments have already passed
 * the sender check and the contract's schemas (registrar.ts); paths are checked again here for what
 * a schema cannot see: normalised, existing, chosen by the user (grants.ts) — and for reveal/open,
 * known to the app.
 */
import path from 'node:path';
import { TroveError } from '../../shared/api/errors.ts';
import type { AuthSession, Connection, QueueItem, Settings, WatchedFolder } from '../../shared/ipc/contract.ts';
import { hasSupportedExtension, isInside } from '../files.ts';
import type { PathGrants } from './grants.ts';
import { assertCleanAbsolute, assertExisting, PathError } from './paths.ts';
import type { IpcHandlers } from './registrar.ts';

export interface HandlerDeps {
  connection(): Connection;
  queue: {
    add(paths: string[], opts: { keepLocal: boolean }): Promise<QueueItem[]>;
    list(): QueueItem[];
    pause(id: string): Promise<void>;
    resume(id: string): Promise<void>;
    cancel(id: string): Promise<void>;
    retry(id: string): Promise<void>;
    pauseAll(): Promise<void>;
    resumeAll(): Promise<void>;
    clearFinished(): Promise<void>;
  };
  sync: {
    folders(): WatchedFolder[];
    addFolder(path: string, opts: { mirrorDeletions: boolean; keepLocal?: boolean }): Promise<WatchedFolder[]>;
    removeFolder(path: string): Promise<WatchedFolder[]>;
  };
  settings: { get(): Settings; set(patch: Partial<Settings>): Promise<Settings> };
  /** What the user chose (dialog, drop, "Open with"): the only paths the page may queue or sync. */
  grants: PathGrants;
  /** The OS file picker; [] when cancelled. */
  pick(folders: boolean): Promise<string[]>;
  /** Shows the file in the OS file manager. */
  reveal(path: string): void | Promise<void>;
  /** Opens the file with its default app. */
  open(path: string): Promise<void>;
  /** Cloud mode: the sign-in main keeps (auth/session-keeper.ts) and Google's desktop sign-in. */
  session: {
    current(): AuthSession | null;
    adopt(idToken: string, refreshToken: string): Promise<AuthSession>;
    renew(): Promise<AuthSession | null>;
    end(): Promise<void>;
    google(): Promise<{ idToken: string }>;
  };
}

/** "2 files were not added…": the files of types Trove does not read, by name, and how many were added. */
function leftOut(paths: string[], added: number): string {
  const names = paths.slice(0, 3).map((p) => path.basename(p)).join(', ') + (paths.length > 3 ? ` and ${paths.length - 3} more` : '');
  const what = paths.length === 1 ? `${names} was not added: it is not` : `${paths.length} files were not added (${names}): they are not`;
  return `${what} an image, video, audio file, document (PDF, DOCX, text) or ZIP archive Trove reads.${added > 0 ? ` The other ${added === 1 ? 'file was' : `${added} files were`} added.` : ''}`;
}

export function createIpcHandlers(deps: HandlerDeps): IpcHandlers {
  /** Reveal/open only what the app already knows: a queued file or a file inside a watched folder. */
  const assertKnown = async (p: string) => {
    await assertExisting(p);
    const known = deps.queue.list().some((i) => i.path === p) || deps.sync.folders().some((f) => isInside(p, f.path));
    if (!known) throw new PathError('Only files in the upload queue or in a watched folder can be shown or opened.');
  };

  return {
    'app:connection': () => deps.connection(),
    'dialog:pick': async (opts) => {
      const picked = await deps.pick(opts.folders);
      deps.grants.grant(picked);
      return picked;
    },
    'grant:dropped': (paths) => {
      deps.grants.grant(paths);
      return null;
    },
    'queue:add': async (request) => {
      // The paths alone, or with the "Keep on this device" toggle.
      const { paths, keepLocal } = Array.isArray(request) ? { paths: request, keepLocal: false } : request;
      const synced = deps.sync.folders().map((f) => f.path);
      // A path nobody chose refuses the whole call; files of other types are left out and named,
      // so a drop of ten photos and a .zip still adds the photos.
      const unsupported: string[] = [];
      for (const p of paths) {
        try {
          await deps.grants.assertUploadable(p, synced);
        } catch (err) {
          if (!(err instanceof TroveError && err.code === 'UNSUPPORTED_FILE_TYPE')) throw err;
          unsupported.push(p);
        }
      }
      const accepted = paths.filter((p) => !unsupported.includes(p));
      const added = accepted.length > 0 ? await deps.queue.add(accepted, { keepLocal }) : [];
      if (unsupported.length > 0) throw new TroveError('UNSUPPORTED_FILE_TYPE', leftOut(unsupported, added.length));
      return added;
    },
    'queue:list': () => deps.queue.list(),
    'queue:pause': async (id) => (await deps.queue.pause(id), null),
    'queue:resume': async (id) => (await deps.queue.resume(id), null),
    'queue:cancel': async (id) => (await deps.queue.cancel(id), null),
    'queue:retry': async (id) => (await deps.queue.retry(id), null),
    'queue:pauseAll': async () => (await deps.queue.pauseAll(), null),
    'queue:resumeAll': async () => (await deps.queue.resumeAll(), null),
    'queue:clearFinished': async () => (await deps.queue.clearFinished(), null),
    'file:reveal': async (p) => {
      await assertKnown(p);
      await deps.reveal(p);
      return null;
    },
    'file:open': async (p) => {
      await assertKnown(p);
      // Never hand an executable, a script or a shortcut to the OS: only the media and documents Trove indexes.
      if ((await assertExisting(p)) !== 'file' || !hasSupportedExtension(p)) throw new PathError('Only images, videos, audio files and documents can be opened from Trove.');
      await deps.open(p);
      return null;
    },
    'sync:folders': () => deps.sync.folders(),
    'sync:add': async (p, opts) => {
      await deps.grants.assertFolderChosen(p, deps.sync.folders().map((f) => f.path));
      return deps.sync.addFolder(p, { mirrorDeletions: opts.mirrorDeletions, keepLocal: opts.keepLocal });
    },
    'sync:remove': (p) => {
      assertCleanAbsolute(p);
      return deps.sync.removeFolder(p);
    },
    'settings:get': () => deps.settings.get(),
    'settings:set': (patch) => deps.settings.set(patch),
    'session:get': () => deps.session.current(),
    'session:adopt': ({ idToken, refreshToken }) => deps.session.adopt(idToken, refreshToken),
    'session:renew': () => deps.session.renew(),
    'session:end': async () => (await deps.session.end(), null),
    'session:google': () => deps.session.google(),
  };
}
