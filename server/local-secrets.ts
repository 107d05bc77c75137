import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a secret file, or creates it with owner-only permissions. Created with O_EXCL so two
 * starting processes cannot each write a different secret.
 */
async function readOrCreate(file: string, make: () => string): Promise<string> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    await fs.writeFile(file, `${make()}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return (await fs.readFile(file, 'utf8')).trim();
}

/** The local access token: `<data dir>/token`, unless TROVE_TOKEN is set. */
export function localToken(dataDir: string, configured: string | undefined): Promise<string> {
  if (configured) return Promise.resolve(configured);
  return readOrCreate(tokenPath(dataDir), () => randomBytes(32).toString('base64url'));
}

export const tokenPath = (dataDir: string): string => path.join(dataDir, 'token');

/** The key that signs local file links. Separate from the token so that sharing one reveals nothing of the other. */
export async function signingKey(dataDir: string): Promise<Buffer> {
  return Buffer.from(await readOrCreate(path.join(dataDir, 'signing.key'), () => randomBytes(32).toString('base64url')), 'base64url');
}

/** Where a running server tells local clients (CLI, desktop app) how to reach it. */
export const serverInfoPath = (dataDir: string): string => path.join(dataDir, 'server.json');
