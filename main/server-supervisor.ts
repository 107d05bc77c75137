/**
 * Runs the embedded Trove server as a separate process (Electron's utilityProcess in the app, a
 * Node child process in tests — both behind `ProcessLauncher`) and keeps it running: a free port,
 * `TROVE_DATA_DIR=<userData>/data`, ready when `/api/v1/health` answers, the token and address read
 * from the data folder, restarts with growing delays when it dies, and a clean stop on quit.
 * Every change of reachability is reported as a `Connection`.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { API_PREFIX } from '../shared/api/schemas.ts';
import type { Connection } from '../shared/ipc/contract.ts';

export interface LaunchSpec {
  /** Script to run (`bin/trove.js`, which runs the built server in dist/server). */
  entry: string;
  args: string[];
  execArgv: string[];
  env: Record<string, string>;
  cwd?: string;
}

export interface ChildHandle {
  readonly pid: number | undefined;
  onExit(listener: (code: number | null) => void): void;
  /** Lines the process printed (stdout and stderr). */
  onOutput(listener: (line: string) => void): void;
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/** Starts processes; the one seam between this logic and Electron's utilityProcess / Node's fork. */
export interface ProcessLauncher {
  launch(spec: LaunchSpec): ChildHandle;
}

export interface ServerCommand {
  entry: string;
  args: string[];
  execArgv?: string[];
  cwd?: string;
}

export interface SupervisorOptions {
  launcher: ProcessLauncher;
  command: ServerCommand;
  dataDir: string;
  /** Extra environment for the server (log level, embedder…); PORT, TROVE_DATA_DIR and TROVE_HOST are set here. */
  env?: Record<string, string>;
  onConnection?: (connection: Connection) => void;
  log?: (message: string, extra?: Record<string, unknown>) => void;
  /** How long a start may take before the process is killed and started again. PGlite's first start can take ~20 s on a busy machine. */
  startTimeoutMs?: number;
  restartDelaysMs?: number[];
  /** After this long healthy, the next crash starts the delays from the beginning again. */
  healthyResetMs?: number;
  /** How often a running server's health is checked. */
  watchEveryMs?: number;
  stopTimeoutMs?: number;
  /** Finds a free loopback port, preferring `preferred` (so resumable upload URLs stay valid). */
  freePort?: (preferred: number | null) => Promise<number>;
}

export async function findFreePort(preferred: number | null): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.unref();
      srv.once('error', reject);
      srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
        const addr = srv.address();
        const got = typeof addr === 'object' && addr ? addr.port : port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred) {
    try {
      return await tryListen(preferred);
    } catch {
      // taken: any free port will do
    }
  }
  return tryListen(0);
}

type Phase = 'idle' | 'starting' | 'running' | 'waiting' | 'stopping';

export class ServerSupervisor {
  private child: ChildHandle | null = null;
  private phase: Phase = 'idle';
  private port: number | null = null;
  private conn: Connection;
  private attempt = 0;
  private healthySince = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private failedChecks = 0;
  private readonly output: string[] = [];
  private readonly readyWaiters: (() => void)[] = [];
  private generation = 0;

  constructor(private readonly opts: SupervisorOptions) {
    this.conn = { mode: 'local', url: '', token: null, online: false };
  }

  connection(): Connection {
    return { ...this.conn };
  }

  /** The last lines the server printed (for a "server won't start" message). */
  recentOutput(): string[] {
    return [...this.output];
  }

  /** Starts the server; resolves once it answers its health check (it keeps retrying until then). */
  async start(): Promise<Connection> {
    if (this.phase === 'idle') {
      this.attempt = 0;
      void this.launch();
    }
    if (!this.conn.online) await new Promise<void>((resolve) => this.readyWaiters.push(resolve));
    return this.connection();
  }

  /** Stops the server (SIGTERM, then SIGKILL after the timeout) and does not restart it. */
  async stop(): Promise<void> {
    this.phase = 'stopping';
    this.generation++;
    clearTimeout(this.restartTimer);
    clearInterval(this.watchTimer);
    const child = this.child;
    this.child = null;
    if (child) {
      const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
      child.kill('SIGTERM');
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), this.opts.stopTimeoutMs ?? 15_000).unref());
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    }
    this.setConnection({ online: false });
    this.phase = 'idle';
  }

  private log(message: string, extra?: Record<string, unknown>): void {
    this.opts.log?.(message, extra);
  }

  private setConnection(patch: Partial<Connection>): void {
    const next = { ...this.conn, ...patch };
    const changed = next.online !== this.conn.online || next.url !== this.conn.url || next.token !== this.conn.token;
    this.conn = next;
    if (changed) this.opts.onConnection?.(this.connection());
    if (next.online) for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  private async launch(): Promise<void> {
    const generation = ++this.generation;
    this.phase = 'starting';
    const port = await (this.opts.freePort ?? findFreePort)(this.port);
    if (generation !== this.generation) return;
    this.port = port;
    const url = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      ...(this.opts.env ?? {}),
      TROVE_DATA_DIR: this.opts.dataDir,
      PORT: String(port),
      TROVE_HOST: '127.0.0.1',
    };
    await fs.mkdir(this.opts.dataDir, { recursive: true, mode: 0o700 });
    const { entry, args, execArgv = [], cwd } = this.opts.command;
    this.log('starting the Trove server', { port, attempt: this.attempt });
    const child = this.opts.launcher.launch({ entry, args, execArgv, env, ...(cwd ? { cwd } : {}) });
    this.child = child;
    child.onOutput((line) => {
      this.output.push(line);
      if (this.output.length > 50) this.output.shift();
    });
    child.onExit((code) => {
      if (this.child !== child) return;
      this.child = null;
      this.onDied(code, generation);
    });

    const ready = await this.waitHealthy(url, generation);
    if (generation !== this.generation || this.child !== child) return;
    if (!ready) {
      this.log('the Trove server did not become ready in time; restarting it', { port });
      child.kill('SIGKILL'); // onExit schedules the restart
      return;
    }
    const token = await fs.readFile(path.join(this.opts.dataDir, 'token'), 'utf8').then((t) => t.trim() || null, () => null);
    const info = await fs.readFile(path.join(this.opts.dataDir, 'server.json'), 'utf8')
      .then((t) => JSON.parse(t) as { url?: unknown }, () => ({ url: undefined }));
    this.phase = 'running';
    this.healthySince = Date.now();
    this.failedChecks = 0;
    this.setConnection({ mode: 'local', url: typeof info.url === 'string' && info.url ? info.url : url, token, online: true });
    this.watch(url, generation);
  }

  private onDied(code: number | null, generation: number): void {
    clearInterval(this.watchTimer);
    if (this.phase === 'stopping' || this.phase === 'idle' || generation !== this.generation) return;
    if (this.healthySince && Date.now() - this.healthySince >= (this.opts.healthyResetMs ?? 60_000)) this.attempt = 0;
    this.healthySince = 0;
    const delays = this.opts.restartDelaysMs ?? [1000, 2000, 5000, 10_000, 30_000];
    const delay = delays[Math.min(this.attempt, delays.length - 1)] ?? 1000;
    this.attempt++;
    this.log('the Trove server stopped; restarting', { code, delayMs: delay, attempt: this.attempt });
    this.phase = 'waiting';
    this.setConnection({ online: false });
    this.restartTimer = setTimeout(() => void this.launch(), delay);
  }

  private async waitHealthy(url: string, generation: number): Promise<boolean> {
    const deadline = Date.now() + (this.opts.startTimeoutMs ?? 120_000);
    while (Date.now() < deadline) {
      if (generation !== this.generation || !this.child) return false;
      if (await healthy(url)) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  /** A server that stops answering (but has not exited) is reported offline until it answers again. */
  private watch(url: string, generation: number): void {
    clearInterval(this.watchTimer);
    this.watchTimer = setInterval(() => {
      void healthy(url).then((ok) => {
        if (generation !== this.generation || this.phase !== 'running') return;
        this.failedChecks = ok ? 0 : this.failedChecks + 1;
        if (ok) this.setConnection({ online: true });
        else if (this.failedChecks >= 2) this.setConnection({ online: false });
      });
    }, this.opts.watchEveryMs ?? 10_000);
    this.watchTimer.unref?.();
  }
}

export async function healthy(baseUrl: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}${API_PREFIX}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}
