/**
 * `ProcessLauncher` over Node's `child_process.fork` — used when the main-process logic runs under
 * plain Node (tests, and `trove` tooling). The Electron app uses `utilityProcess` instead
 * (main/electron/utility-launcher.ts); both only start the server script, never import it.
 */
import { fork } from 'node:child_process';
import { childHandle } from './child-handle.ts';
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
    const handle = childHandle(child, (signal) => child.kill(signal));
    // A failed spawn emits 'error' (and maybe no 'exit'); report it as an exit.
    child.once('error', () => handle.markExited(null));
    return handle;
  }
}
