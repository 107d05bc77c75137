import { execFileSync } from 'node:child_process';

/** Whether a program is on PATH: tests that need a Debian tool (pocketsphinx, espeak-ng) skip without it. */
export function installed(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
