import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './redis.ts';

const FIREBASE_BIN = path.resolve(import.meta.dirname, '../../node_modules/.bin/firebase');

export interface AuthEmulator {
  /** host:port, the value of FIREBASE_AUTH_EMULATOR_HOST. */
  host: string;
  projectId: string;
  /** Creates a user by email and password; returns the emulator's (unsigned) ID token. */
  signUp(email: string, password?: string): Promise<{ idToken: string; localId: string }>;
  stop(): Promise<void>;
}

/**
 * The Firebase Auth emulator (firebase-tools), offline, ~12 s to start: start it once per test
 * file. Every port it would claim (auth, hub, logging) is a free one, so parallel test files and
 * other emulators on this machine do not collide on the defaults (9099, 4400, 4500).
 */
export async function startAuthEmulator(projectId = 'demo-trove'): Promise<AuthEmulator> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-fb-'));
  const [authPort, hubPort, loggingPort] = [await freePort(), await freePort(), await freePort()];
  await fs.writeFile(path.join(dir, 'firebase.json'), JSON.stringify({
    emulators: {
      auth: { host: '127.0.0.1', port: authPort },
      hub: { host: '127.0.0.1', port: hubPort },
      logging: { host: '127.0.0.1', port: loggingPort },
      ui: { enabled: false },
      singleProjectMode: true,
    },
  }));
  // Its own process group, so stop() ends the CLI and the emulator it forks together.
  const proc = spawn(FIREBASE_BIN, ['emulators:start', '--only', 'auth', '--project', projectId], {
    cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' },
  });
  let output = '';
  proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const host = `127.0.0.1:${authPort}`;
  const base = `http://${host}`;
  try {
    await waitUntil(async () => (await fetch(base).catch(() => undefined))?.ok === true, 60_000, () => `auth emulator did not start:\n${output}`, proc);
  } catch (err) {
    await stopProcess(proc);
    throw err;
  }
  return {
    host, projectId,
    async signUp(email, password = 'correct horse battery') {
      const res = await fetch(`${base}/identitytoolkit.googleapis.com/v1/accounts:signUp?key=any`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password, returnSecureToken: true }),
      });
      if (!res.ok) throw new Error(`signUp ${res.status}: ${await res.text()}`);
      return (await res.json()) as { idToken: string; localId: string };
    },
    async stop() {
      await stopProcess(proc);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, why: () => string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(why());
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.pid === undefined) return;
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    process.kill(-proc.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-proc.pid!, 'SIGKILL');
    } catch { /* already gone */ }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
