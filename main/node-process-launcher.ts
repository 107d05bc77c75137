/**
 * `ProcessLauncher` over Node's `child_process.fork` — used when the main-process logic runs under
 * plain Node (tests, and `trove` tooling). The Electron app uses `utilityProcess` instead
 * (main/electron/utility-launcher.ts); both only start the server script, never import it.
 */
import { fork } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ChildHandle, LaunchSpec, ProcessLauncher } from './server-supervisor.ts';

export class NodeProcessLauncher implements ProcessLauncher {
  constructor(private readonly inheritEnv = true) {}

  launch(spec: LaunchSpec): ChildHandle {
    const child = fork(spec.entry, spec.args, {
      env: { ...(this.inheritEnv ? process.env : {}), ...spec.env },
      execArgv: spec.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
    });
    const exitListeners: ((code: number | null) => void)[] = [];
    let exited: { code: number | null } | null = null;
    child.once('exit', (code) => {
      exited = { code };
      for (const fn of exitListeners) fn(code);
    });
    // A failed spawn emits 'error' (and maybe no 'exit'); report it as an exit.
    child.once('error', () => {
      if (exited) return;
      exited = { code: null };
      for (const fn of exitListeners) fn(null);
    });
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
        if (!exited) child.kill(signal);
      },
    };
  }
}
