/**
 * Small helpers every benchmark section shares: result rows, statistics, timing, temp folders and
 * a Trove server run as a child process (`node bin/trove.js serve`) whose memory can be sampled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * One line of the results table. `ratio` is always "how many times the baseline's cost Trove pays":
 * time ÷ baseline time, baseline throughput ÷ throughput, memory ÷ baseline memory. Below 1 is
 * faster (or leaner) than the baseline.
 */
export interface Row {
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number } | undefined;
  ratio?: number | undefined;
  goal?: string | undefined;
  met?: boolean | undefined;
  note?: string | undefined;
}

export interface SectionResult {
  rows: Row[];
  /** Anything worth keeping that is not a table row (plans, counts, raw samples). */
  details?: Record<string, unknown>;
}

export interface BenchOptions {
  quick: boolean;
}

export type Section = (opts: BenchOptions) => Promise<SectionResult>;

/** Cost ratio for times and sizes: value ÷ baseline. */
export const slower = (value: number, baseline: number): number => value / baseline;
/** Cost ratio for throughputs: baseline ÷ value. */
export const lessThroughput = (value: number, baseline: number): number => baseline / value;

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);
export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Milliseconds taken by `fn` (and its result). */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A fresh temp folder; removed by the returned function. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `trove-bench-${prefix}-`));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Memory of another process, read from /proc (Linux).

export interface ProcMemory {
  /** Resident set now, MB. */
  rssMb: number;
  /** Peak resident set since the process started, MB. */
  hwmMb: number;
}

export async function procMemory(pid: number): Promise<ProcMemory | undefined> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  if (!status) return undefined;
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `everyMs` until stopped; reports the highest sample. */
export function sampleRss(pid: number, everyMs = 10): { stop: () => Promise<{ peakMb: number; samples: number }> } {
  let peak = 0;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const mem = await procMemory(pid);
      if (mem) {
        peak = Math.max(peak, mem.rssMb);
        samples++;
      }
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peakMb: peak, samples };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A Trove server in a child process.

export const BENCH_TOKEN = 'bench-token-0123456789abcdef0123';

export interface ChildServer {
  pid: number;
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** ms from spawn until server.json appeared (HTTP listening). */
  listeningMs: number;
  spawnedAt: number;
  api(pathname: string, init?: RequestInit): Promise<Response>;
  json<T>(pathname: string, init?: RequestInit): Promise<{ status: number; data: T; error: { code: string; message: string } | null }>;
  search(query: string, limit?: number): Promise<{ status: number; ms: number; serverMs: number; count: number }>;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/trove.js serve` on `dataDir` (port chosen by the OS) and waits until it has
 * written server.json, i.e. is listening. Logs go to `<dataDir>/../server-<pid>.log`, kept on failure.
 */
export async function startChildServer(dataDir: string, env: Record<string, string> = {}, opts: { timeoutMs?: number } = {}): Promise<ChildServer> {
  const infoFile = path.join(dataDir, 'server.json');
  await fs.rm(infoFile, { force: true });
  const logFile = path.join(path.dirname(dataDir), `server-${path.basename(dataDir)}.log`);
  const logHandle = await fs.open(logFile, 'a');
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/trove.js'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env, TROVE_DATA_DIR: dataDir, PORT: '0', TROVE_TOKEN: BENCH_TOKEN, LOG_LEVEL: 'warn',
      TROVE_SHUTDOWN_GRACE_MS: '2000', ...env,
    },
    stdio: ['ignore', logHandle.fd, logHandle.fd],
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exit code ${code} signal ${signal}`;
  });
  let url: string;
  try {
    url = await waitFor('the server to listen', async () => {
      if (exited) throw new Error(`trove serve ended early (${exited}); see ${logFile}`);
      const raw = await fs.readFile(infoFile, 'utf8').catch(() => undefined);
      return raw ? (JSON.parse(raw) as { url: string }).url : undefined;
    }, opts.timeoutMs ?? 180_000, 20);
  } catch (err) {
    child.kill('SIGKILL');
    await logHandle.close();
    throw err;
  }
  const listeningMs = performance.now() - spawnedAt;
  const api = (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${BENCH_TOKEN}`);
    return fetch(`${url}${pathname}`, { ...init, headers, redirect: 'manual' });
  };
  const json = async <T>(pathname: string, init?: RequestInit) => {
    const res = await api(pathname, init);
    const body = (await res.json()) as { data: T; error: { code: string; message: string } | null };
    return { status: res.status, data: body.data, error: body.error };
  };
  return {
    pid: child.pid!, url, dataDir, child, listeningMs, spawnedAt, api, json,
    async search(query, limit = 20) {
      const started = performance.now();
      const res = await json<{ results: unknown[]; processing_time_ms: number }>('/api/v1/search', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, limit }),
      });
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`search ${res.status}: ${JSON.stringify(res.error)}`);
      return { status: res.status, ms, serverMs: res.data.processing_time_ms, count: res.data.results.length };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await gone;
        clearTimeout(timer);
      }
      await logHandle.close();
    },
  };
}

/** The bytes around a file in a multipart body with one `file` field, so big files are sent without copying them. */
export function multipartFraming(filename: string, boundary = `----trovebench${Math.random().toString(16).slice(2)}`): { head: Buffer; tail: Buffer; contentType: string } {
  return {
    head: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** A multipart body for POST /upload with one file field. */
export function multipartBody(content: Buffer, filename: string): { body: Buffer; contentType: string } {
  const { head, tail, contentType } = multipartFraming(filename);
  return { body: Buffer.concat([head, content, tail]), contentType };
}
