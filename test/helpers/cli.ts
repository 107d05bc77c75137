import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

/** The CLI as users run it. */
export const BIN = path.resolve(import.meta.dirname, '../../bin/trove.js');

export interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI as a child process with only the given connection env (inherited TROVE_* / PORT are dropped). */
export function trove(args: string[], env: Record<string, string>, cwd?: string): Promise<Run> {
  // Its own cache folder (unfinished uploads are kept there between runs), not the user's.
  const base: Record<string, string | undefined> = { ...process.env, XDG_CACHE_HOME: path.join(os.tmpdir(), 'trove-cli-test-cache') };
  for (const k of ['TROVE_URL', 'TROVE_TOKEN', 'TROVE_DATA_DIR', 'PORT']) delete base[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
