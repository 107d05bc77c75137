import os from 'node:os';
import path from 'node:path';
import envPaths from 'env-paths';
import { loadCloudConfig, type CloudConfig } from './config-cloud.ts';
import { loadAiConfig, type AiConfig } from './config-ai.ts';
import { ConfigError, type Env } from './config-errors.ts';
import { size } from './config-parse.ts';
import { loadZipConfig, type ZipConfig } from './config-zip.ts';
import { loadShareConfig, type ShareConfig } from './config-share.ts';

/** Everything the server can be told through its environment, validated once at start-up. */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  token: string | undefined;
  databaseUrl: string | undefined;
  maxFileSize: number;
  processingTimeoutMs: number;
  /** After this long a job whose worker vanished (killed, lost) is handed to another worker. */
  visibilityTimeoutSec: number;
  retryDelaysSec: number[];
  concurrency: number;
  retentionDays: number;
  embedder: 'use-lite' | 'hash';
  /** Worker threads running the offline text model (0: on the HTTP thread, for comparison only). */
  embedThreads: number;
  /** Worker threads each for the vision and the OCR model. */
  modelThreads: number;
  queuePollSec: number;
  queueMaintenanceSec: number;
  shutdownGraceMs: number;
  logLevel: string;
  maxImagePixels: number;
  /** The vision and OCR models are released after this long unused (0: kept loaded). */
  modelIdleMs: number;
  /** api: HTTP only; worker: processing only; all: both in one process (the embedded default). */
  role: 'all' | 'api' | 'worker';
  /** 'cloud' when users sign in with Firebase; 'local' when they hold the data folder's token. */
  mode: 'local' | 'cloud';
  /** Cloud mode: the Host names the API answers to (host or host:port); null = any. */
  publicHosts: Set<string> | null;
  cloud: CloudConfig;
  /** Cloud analysis knobs, prices and budgets (config-ai.ts). */
  ai: AiConfig;
  /** ZIP archives in and out (config-zip.ts). */
  zip: ZipConfig;
  /** Share links: TROVE_ALLOW_REMOTE, TROVE_PUBLIC_URL, the public pages' rate limit (config-share.ts). */
  share: ShareConfig;
}

export { ConfigError } from './config-errors.ts';

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got '${raw}'.`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}.`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got '${raw}'.`);
  }
  return raw as T;
}

function delays(env: Env, name: string, fallback: number[]): number[] {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) {
    throw new ConfigError(name, `must be a comma-separated list of seconds such as 10,60,300, got '${raw}'.`);
  }
  return parts.map(Number);
}

export function defaultDataDir(): string {
  return envPaths('Trove', { suffix: '' }).data;
}

export function loadConfig(env: Env = process.env): Config {
  const cloud = loadCloudConfig(env);
  const ai = loadAiConfig(env, cloud);
  const mode = cloud.firebase ? 'cloud' : 'local';
  const host = env.TROVE_HOST?.trim() || '127.0.0.1';
  // A local token is meant for one machine; only signed-in users may come from the network.
  if (mode === 'local' && !['127.0.0.1', '::1', 'localhost'].includes(host) && env.TROVE_ALLOW_REMOTE !== '1') {
    throw new ConfigError('TROVE_HOST', `must be a loopback address in local mode, got '${host}' (set TROVE_ALLOW_REMOTE=1 to override).`);
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', "must start with postgres:// or postgresql://.");
  }
  const token = env.TROVE_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < 16) {
    throw new ConfigError('TROVE_TOKEN', 'must be at least 16 characters long.');
  }
  const role = oneOf(env, 'TROVE_ROLE', ['all', 'api', 'worker'] as const, 'all');
  if (role !== 'all' && !databaseUrl) {
    throw new ConfigError('TROVE_ROLE', `'${role}' needs DATABASE_URL: the embedded database serves one process, so run --role all.`);
  }
  const dataDir = path.resolve(env.TROVE_DATA_DIR?.trim() || defaultDataDir());
  const processingTimeoutSec = int(env, 'PROCESSING_TIMEOUT', 300, 1, 24 * 3600);
  // A running job must not become visible to another worker before its own timeout has stopped it.
  const visibilityTimeoutSec = int(env, 'TROVE_VISIBILITY_TIMEOUT_S', processingTimeoutSec + 60, 2, 48 * 3600);
  if (visibilityTimeoutSec <= processingTimeoutSec) {
    throw new ConfigError('TROVE_VISIBILITY_TIMEOUT_S', `must be longer than PROCESSING_TIMEOUT (${processingTimeoutSec} s), got ${visibilityTimeoutSec}.`);
  }
  return {
    host,
    port: int(env, 'PORT', 8787, 0, 65535),
    dataDir,
    token,
    databaseUrl,
    maxFileSize: size(env, 'MAX_FILE_SIZE', 100 * 1024 * 1024),
    processingTimeoutMs: processingTimeoutSec * 1000,
    visibilityTimeoutSec,
    retryDelaysSec: delays(env, 'TROVE_RETRY_DELAYS', [10, 60, 300]),
    concurrency: int(env, 'TROVE_CONCURRENCY', Math.max(1, os.availableParallelism()), 1, 64),
    retentionDays: int(env, 'TROVE_RETENTION_DAYS', 30, 0, 3650),
    embedder: oneOf(env, 'TROVE_EMBEDDER', ['use-lite', 'hash'] as const, 'use-lite'),
    // Sized to the cores, at most 2 by default: each thread holds its own copy of the model.
    embedThreads: int(env, 'TROVE_EMBED_THREADS', Math.min(2, os.availableParallelism()), 0, 16),
    modelThreads: int(env, 'TROVE_MODEL_THREADS', Math.min(2, os.availableParallelism()), 1, 16),
    queuePollSec: int(env, 'TROVE_QUEUE_POLL_MS', 500, 500, 60_000) / 1000,
    queueMaintenanceSec: int(env, 'TROVE_QUEUE_MAINTENANCE_S', 30, 1, 3600),
    shutdownGraceMs: int(env, 'TROVE_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    maxImagePixels: int(env, 'TROVE_MAX_IMAGE_PIXELS', 100_000_000, 1, 2 ** 31),
    modelIdleMs: int(env, 'TROVE_MODEL_IDLE_S', 300, 0, 7 * 24 * 3600) * 1000,
    role,
    mode,
    publicHosts: publicHosts(env, mode),
    cloud,
    ai,
    zip: loadZipConfig(env),
    share: loadShareConfig(env),
  };
}

function publicHosts(env: Env, mode: 'local' | 'cloud'): Set<string> | null {
  const raw = env.TROVE_PUBLIC_HOSTS?.trim();
  if (!raw) return null;
  if (mode !== 'cloud') {
    throw new ConfigError('TROVE_PUBLIC_HOSTS', 'applies to cloud mode only (set FIREBASE_PROJECT_ID); local mode answers to its loopback names.');
  }
  const hosts = raw.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  const bad = hosts.find((h) => !/^[a-z0-9.-]+(:\d{1,5})?$/.test(h));
  if (bad !== undefined) throw new ConfigError('TROVE_PUBLIC_HOSTS', `must be a comma-separated list of host names such as trove.example.com, got '${bad}'.`);
  return new Set(hosts);
}
