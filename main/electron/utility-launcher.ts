/** `ProcessLauncher` over Electron's `utilityProcess`: the embedded server runs as a Node utility process. */
import { utilityProcess } from 'electron';
import { childHandle } from '../child-handle.ts';
import type { ChildHandle, LaunchSpec, ProcessLauncher } from '../server-supervisor.ts';

export class UtilityProcessLauncher implements ProcessLauncher {
  launch(spec: LaunchSpec): ChildHandle {
    const child = utilityProcess.fork(spec.entry, spec.args, {
      env: { ...process.env, ...spec.env },
      execArgv: spec.execArgv,
      stdio: 'pipe',
      serviceName: 'Trove server',
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
    });
    return childHandle(child, (signal) => {
      // utilityProcess.kill() sends SIGTERM; a hung server gets SIGKILL by pid.
      if (signal === 'SIGKILL' && child.pid) process.kill(child.pid, 'SIGKILL');
      else child.kill();
    });
  }
}
