/** `ProcessLauncher` over Electron's `utilityProcess`: the embedded server runs as a Node utility process. */
import { createInterface } from 'node:readline';
import { utilityProcess } from 'electron';
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
    let exited: { code: number | null } | null = null;
    const exitListeners: ((code: number | null) => void)[] = [];
    child.once('exit', (code) => {
      exited = { code };
      for (const fn of exitListeners) fn(code);
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
        if (exited) return;
        // utilityProcess.kill() sends SIGTERM; a hung server gets SIGKILL by pid.
        if (signal === 'SIGKILL' && child.pid) process.kill(child.pid, 'SIGKILL');
        else child.kill();
      },
    };
  }
}
