/**
 * The real `trove serve` as a child process, for tests that kill it: the same entry point a user
 * runs (bin/trove.js), so a SIGKILL cuts through everything a real crash would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stderr so far (its logs). */
  stderr(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** Starts `trove serve` and waits until /health answers; `args` are extra CLI arguments (e.g. --role). */
export async function startServeProcess(env: Record<string, string>, opts: { port?: number; args?: string[] } = {}): Promise<ServeProcess> {
  const port = opts.port ?? await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/trove.js', 'serve', ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', TROVE_QUEUE_MAINTENANCE_S: '1', TROVE_RETRY_DELAYS: '1,1,1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const proc: ServeProcess = {
    child, url, stderr: () => stderr,
    async kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr}`);
    if (await fetch(`${url}/api/v1/health`).then((r) => r.ok, () => false)) return proc;
    await new Promise((r) => setTimeout(r, 250));
  }
  await proc.kill('SIGKILL');
  throw new Error(`server did not become healthy: ${stderr}`);
}
