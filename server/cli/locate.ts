import fs from 'node:fs/promises';
import path from 'node:path';
import { defaultDataDir } from '../config.ts';
import { serverInfoPath, tokenPath } from '../local-secrets.ts';
import { TroveClient, UsageError } from './client.ts';

export interface ConnectionFlags {
  url?: string;
  token?: string;
}

export interface Located {
  url: string;
  token: string | undefined;
  dataDir: string;
  /** Where each value came from, for `trove status`. */
  urlSource: 'flag' | 'env' | 'server.json' | 'default';
  tokenSource: 'flag' | 'env' | 'token file' | 'none';
  /** The token file looked at, to explain a missing token. */
  tokenFile: string;
}

type Env = Record<string, string | undefined>;

/**
 * Finds the server and its token, first match wins:
 * URL   — `--url`, `TROVE_URL`, `<data dir>/server.json` (written by a running server), `http://127.0.0.1:${PORT:-8787}`;
 * token — `--token`, `TROVE_TOKEN`, `<data dir>/token`;
 * data dir — `TROVE_DATA_DIR`, else the platform default.
 */
export async function locateServer(flags: ConnectionFlags = {}, env: Env = process.env): Promise<Located> {
  const dataDir = path.resolve(env.TROVE_DATA_DIR?.trim() || defaultDataDir());
  const tokenFile = tokenPath(dataDir);

  const fromUrl = await firstOf<Located['urlSource']>([
    ['flag', () => flags.url],
    ['env', () => env.TROVE_URL],
    ['server.json', () => readServerInfo(dataDir)],
    ['default', () => `http://127.0.0.1:${env.PORT?.trim() || '8787'}`],
  ]);
  const fromToken = await firstOf<Located['tokenSource']>([
    ['flag', () => flags.token],
    ['env', () => env.TROVE_TOKEN],
    ['token file', () => fs.readFile(tokenFile, 'utf8').catch(() => undefined)],
  ]);
  const url = fromUrl?.value ?? 'http://127.0.0.1:8787';
  const urlSource = fromUrl?.source ?? 'default';
  const token = fromToken?.value;
  const tokenSource = fromToken?.source ?? 'none';

  return { url: normaliseUrl(url), token, dataDir, urlSource, tokenSource, tokenFile };
}

export async function connect(flags: ConnectionFlags = {}, env: Env = process.env): Promise<{ client: TroveClient; located: Located }> {
  const located = await locateServer(flags, env);
  return { client: new TroveClient({ url: located.url, token: located.token, tokenHint: located.tokenFile }), located };
}

/** The first source, in order, that gives a non-blank value (trimmed), and which one it was. */
async function firstOf<S extends string>(sources: [S, () => string | undefined | Promise<string | undefined>][]): Promise<{ source: S; value: string } | undefined> {
  for (const [source, read] of sources) {
    const value = (await read())?.trim();
    if (value) return { source, value };
  }
  return undefined;
}

/** `server.json` of a running server; a missing or unreadable file just means "not known here". */
async function readServerInfo(dataDir: string): Promise<string | undefined> {
  try {
    const info = JSON.parse(await fs.readFile(serverInfoPath(dataDir), 'utf8')) as { url?: unknown };
    return typeof info.url === 'string' && info.url.trim() ? info.url.trim() : undefined;
  } catch {
    return undefined;
  }
}

/** Accepts `127.0.0.1:8787`, `http://localhost:8787/`, `…/api/v1`; returns the bare origin (plus any base path). */
export function normaliseUrl(raw: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new UsageError(`'${raw}' is not a valid server URL (expected something like http://127.0.0.1:8787).`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`'${raw}' is not an http(s) URL.`);
  }
  const base = parsed.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${parsed.protocol}//${parsed.host}${base}`;
}
