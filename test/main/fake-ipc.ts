/**
 * An in-memory stand-in for Electron's IPC: `FakeIpcMain` (ipcMain.handle), windows with frames,
 * and an `ipcRenderer` per frame. Arguments and results are structured-cloned, as Electron does,
 * and a handler's error reaches the renderer as Electron words it ("Error invoking remote method…").
 */
import { EventEmitter } from 'node:events';
import type { IpcMainLike } from '../../main/ipc/registrar.ts';
import type { IpcRendererLike } from '../../preload/bridge.ts';

export class FakeFrame {
  constructor(public url: string) {}
}

export class FakeWebContents {
  readonly mainFrame: FakeFrame;
  readonly events = new EventEmitter();
  constructor(url: string) {
    this.mainFrame = new FakeFrame(url);
  }
  /** webContents.send: delivered to this window's renderer listeners. */
  send(channel: string, payload: unknown): void {
    this.events.emit(channel, { sender: null }, structuredClone(payload));
  }
}

type Listener = (event: unknown, ...args: unknown[]) => unknown;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

/** The `ipcRenderer` of a page in `frame` of `contents`. */
export function rendererFor(ipcMain: FakeIpcMain, contents: FakeWebContents, frame: FakeFrame = contents.mainFrame): IpcRendererLike {
  return {
    async invoke(channel, ...args) {
      const handler = ipcMain.handlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      try {
        return structuredClone(await handler({ sender: contents, senderFrame: frame }, ...structuredClone(args)));
      } catch (err) {
        throw new Error(`Error invoking remote method '${channel}': ${String(err)}`);
      }
    },
    on(channel, listener) {
      contents.events.on(channel, listener);
    },
    removeListener(channel, listener) {
      contents.events.removeListener(channel, listener);
    },
  };
}
