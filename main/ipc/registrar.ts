/**
 * The one place renderer → main messages enter: for every method of the IPC contract, a handler is
 * registered that first checks who sent the message (our window's main frame, on our app's origin)
 * and then validates every argument against the contract's TypeBox schema. Nothing reaches a
 * handler otherwise. Plain Node: `ipcMain` and the sender check are passed in.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import {
  HANDLED_METHODS, IPC_CHANNEL_PREFIX, IPC_EVENTS, type HandledMethod, type IpcArgs, type IpcEvent, type IpcPayload, type IpcResult,
} from '../../shared/ipc/contract.ts';

/** The slice of Electron's `ipcMain` used here. */
export interface IpcMainLike<E = unknown> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type IpcHandlers = { [M in HandledMethod]: (...args: IpcArgs<M>) => Promise<IpcResult<M>> | IpcResult<M> };

/**
 * Errors cross the IPC boundary as their message only, so the stable code leads the message: `[CODE] text`.
 * Codes: IPC_FORBIDDEN (untrusted sender), IPC_INVALID_ARGUMENT, IPC_FAILED, or a handler's own code.
 */
export class IpcError extends Error {
  constructor(readonly code: string, message: string) {
    super(`[${code}] ${message}`);
    this.name = 'IpcError';
  }
}

export interface RegistrarOptions<E> {
  /** Whether this message may be served: decided from its Electron event (sender frame and its URL). */
  isTrusted: (event: E) => boolean;
  /** Check handlers' results against the contract too (on in tests and development). */
  checkResults?: boolean;
  onRejected?: (method: string, reason: string) => void;
}

export const channelOf = (name: HandledMethod | IpcEvent): string => `${IPC_CHANNEL_PREFIX}${name}`;

/** Describes the first few validation errors of a value, e.g. `argument 1/0: must be string`. */
export function describeInvalid(schema: TSchema, value: unknown, label: string): string {
  const errors = [...Value.Errors(schema, value)].slice(0, 3);
  if (errors.length === 0) return `${label} is not valid`;
  return errors.map((e) => `${label}${e.instancePath || ''}: ${e.message}`).join('; ');
}

/** Validates a method's argument list against the contract; returns a reason, or null when valid. */
export function checkArgs(method: HandledMethod, args: unknown[]): string | null {
  const schemas = HANDLED_METHODS[method].args as readonly TSchema[];
  if (args.length !== schemas.length) return `${method} takes ${schemas.length} argument(s), got ${args.length}`;
  for (let i = 0; i < schemas.length; i++) {
    if (!Value.Check(schemas[i]!, args[i])) return describeInvalid(schemas[i]!, args[i], `argument ${i + 1}`);
  }
  return null;
}

export function registerIpcHandlers<E>(ipcMain: IpcMainLike<E>, handlers: IpcHandlers, opts: RegistrarOptions<E>): () => void {
  const methods = Object.keys(HANDLED_METHODS) as HandledMethod[];
  for (const method of methods) {
    const channel = channelOf(method);
    const handler = handlers[method] as (...args: unknown[]) => unknown;
    ipcMain.handle(channel, async (event: E, ...args: unknown[]) => {
      if (!opts.isTrusted(event)) {
        opts.onRejected?.(method, 'untrusted sender');
        throw new IpcError('IPC_FORBIDDEN', `${method} was called from a page that is not this app's window.`);
      }
      const invalid = checkArgs(method, args);
      if (invalid) {
        opts.onRejected?.(method, invalid);
        throw new IpcError('IPC_INVALID_ARGUMENT', `Invalid call to ${method}: ${invalid}`);
      }
      let result: unknown;
      try {
        result = await handler(...args);
      } catch (err) {
        if (err instanceof IpcError) throw err;
        const code = (err as { code?: unknown }).code;
        throw new IpcError(typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'IPC_FAILED', err instanceof Error ? err.message : String(err));
      }
      if (opts.checkResults && !Value.Check(HANDLED_METHODS[method].result, result)) {
        throw new IpcError('IPC_FAILED', `${method} produced a result outside the contract: ${describeInvalid(HANDLED_METHODS[method].result, result, 'result')}`);
      }
      return result;
    });
  }
  return () => {
    for (const method of methods) ipcMain.removeHandler(channelOf(method));
  };
}

export type EventSink = <E extends IpcEvent>(event: E, payload: IpcPayload<E>) => void;

/**
 * Main → renderer events: `send(channel, payload)` is the window's `webContents.send` (or nothing
 * while no window is open). Payloads are checked against the contract when `check` is on.
 */
export function createEventSender(send: (channel: string, payload: unknown) => void, check = false): EventSink {
  return (event, payload) => {
    if (check && !Value.Check(IPC_EVENTS[event], payload)) {
      throw new Error(`Event ${event} payload is outside the contract: ${describeInvalid(IPC_EVENTS[event], payload, 'payload')}`);
    }
    send(channelOf(event), payload);
  };
}
