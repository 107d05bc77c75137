/**
 * The part of a `ChildHandle` both launchers share (Node's `fork` in tests, Electron's
 * `utilityProcess` in the app): exit reported once, even to late listeners, and output by line.
 */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { ChildHandle } from './server-supervisor.ts';

export interface ChildLike {
  readonly pid?: number | undefined;
  /** Node streams; Electron's type says NodeJS.ReadableStream, which readline accepts too. */
  readonly stdout: Readable | NodeJS.ReadableStream | null;
  readonly stderr: Readable | NodeJS.ReadableStream | null;
  once(event: 'exit', fn: (code: number | null) => void): unknown;
}

export function childHandle(
  child: ChildLike,
  kill: (signal: NodeJS.Signals | undefined) => void,
): ChildHandle & { markExited(code: number | null): void } {
  let exited: { code: number | null } | null = null;
  const exitListeners: ((code: number | null) => void)[] = [];
  const markExited = (code: number | null) => {
    if (exited) return;
    exited = { code };
    for (const fn of exitListeners) fn(code);
  };
  child.once('exit', markExited);
  const outputListeners: ((line: string) => void)[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => outputListeners.forEach((fn) => fn(line)));
  }
  return {
    get pid() {
      return child.pid;
    },
    onExit(fn) {
      if (exited) fn(exited.code);
      else exitListeners.push(fn);
    },
    onOutput(fn) {
      outputListeners.push(fn);
    },
    kill(signal) {
      if (!exited) kill(signal);
    },
    markExited,
  };
}
