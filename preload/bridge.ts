/**
 * Builds the `window.trove` object from Electron's `ipcRenderer` and `webUtils` (passed in, so the
 * bridge runs under Node in tests). Only type imports from the contract: the sandboxed preload
 * bundle stays tiny, and `satisfies` below makes the compiler check the name lists are complete.
 */
import type { IPC_CHANNEL_PREFIX, IpcEvent, IpcMethod, PreloadMethod, TroveBridge } from '../shared/ipc/contract.ts';

const PREFIX: typeof IPC_CHANNEL_PREFIX = 'trove:';

const METHODS = {
  'app:connection': true, 'dialog:pick': true, 'queue:add': true, 'queue:list': true, 'queue:pause': true,
  'queue:resume': true, 'queue:cancel': true, 'queue:retry': true, 'queue:pauseAll': true, 'queue:resumeAll': true,
  'queue:clearFinished': true, 'file:reveal': true, 'file:open': true, 'sync:folders': true, 'sync:add': true,
  'sync:remove': true, 'settings:get': true, 'settings:set': true, 'session:get': true, 'session:adopt': true,
  'session:renew': true, 'session:end': true, 'session:google': true,
} as const satisfies Record<IpcMethod, true>;

/** The preload's own channel (not on `window.trove`): what the user dropped. */
const GRANT_DROPPED: PreloadMethod = 'grant:dropped';

const EVENTS = {
  'queue:changed': true, 'sync:changed': true, 'connection:changed': true, 'files:opened': true, 'session:changed': true,
} as const satisfies Record<IpcEvent, true>;

/** The slices of Electron's preload modules the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}
export interface WebUtilsLike {
  getPathForFile(file: File): string;
}

export const BRIDGE_METHODS = Object.keys(METHODS) as IpcMethod[];
export const BRIDGE_EVENTS = Object.keys(EVENTS) as IpcEvent[];

export function createBridge(ipc: IpcRendererLike, webUtils: WebUtilsLike): TroveBridge {
  /** Dropped paths not yet told to main, and the promise of telling it: every call waits for it first. */
  let batch: string[] | null = null;
  let granted: Promise<unknown> = Promise.resolve();
  const recordDrop = (p: string) => {
    // One message per drop (the page's drop handler asks for every path in one go), at most the
    // contract's 10 000 paths each; sent once that handler has run.
    if (!batch || batch.length >= 10_000) {
      const mine: string[] = [];
      batch = mine;
      granted = granted.then(() => {
        if (batch === mine) batch = null;
        return ipc.invoke(PREFIX + GRANT_DROPPED, mine);
      }).catch(() => undefined);
    }
    batch.push(p);
  };

  const bridge: TroveBridge = {
    invoke(method, ...args) {
      if (typeof method !== 'string' || !Object.hasOwn(METHODS, method)) {
        return Promise.reject(new Error(`Unknown Trove method: ${String(method)}`));
      }
      // A drop's grant reaches main before the `queue:add` that follows it.
      return granted.then(() => ipc.invoke(PREFIX + method, ...args)) as Promise<never>;
    },
    on(event, listener) {
      if (typeof event !== 'string' || !Object.hasOwn(EVENTS, event)) throw new Error(`Unknown Trove event: ${String(event)}`);
      if (typeof listener !== 'function') throw new Error('A listener function is required.');
      // The page gets the payload only, never Electron's event object (it carries `sender`).
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as never);
      ipc.on(PREFIX + event, wrapped);
      return () => {
        ipc.removeListener(PREFIX + event, wrapped);
      };
    },
    pathForFile(file) {
      // Only files handed to the page by the OS (drop, file input) have a path: the user chose them.
      const p = webUtils.getPathForFile(file);
      if (typeof p === 'string' && p !== '') recordDrop(p);
      return p;
    },
  };
  return Object.freeze(bridge);
}
