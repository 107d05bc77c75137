/**
 * The sign-in the desktop app keeps across restarts, in `<userData>/session.json`: the Firebase
 * refresh token and what renewing it needs, encrypted as one blob by the SecretBox (the OS
 * keychain). Nothing is written when no keychain is available, and a blob that cannot be decrypted
 * (another machine or user, tampered, an older format) is deleted and read as "signed out".
 */
import fs from 'node:fs/promises';
import { readJsonFile, writeJsonAtomic } from '../json-file.ts';
import type { SecretBox } from './secret-box.ts';

export interface KeptSession {
  /** The Trove server this sign-in belongs to (its base URL). */
  server: string;
  refreshToken: string;
  /** Where ID tokens are renewed: Google's secure token endpoint (or a loopback Auth emulator's), and its Web API key. */
  tokenUrl: string;
  apiKey: string;
  uid: string;
  email: string | null;
}

const FORMAT = 1;

function isKeptSession(v: unknown): v is KeptSession {
  const o = v as Partial<KeptSession> | null;
  return typeof o === 'object' && o !== null && typeof o.server === 'string' && typeof o.refreshToken === 'string'
    && typeof o.tokenUrl === 'string' && typeof o.apiKey === 'string' && typeof o.uid === 'string'
    && (o.email === null || typeof o.email === 'string');
}

export class KeptSessionFile {
  constructor(private readonly file: string, private readonly box: SecretBox) {}

  async read(): Promise<KeptSession | null> {
    const saved = await readJsonFile<{ v?: unknown; data?: unknown }>(this.file).catch(() => undefined);
    if (!saved) return null;
    try {
      if (saved.v !== FORMAT || typeof saved.data !== 'string' || !(await this.box.isAvailable())) throw new Error('unusable');
      const { text, stale } = await this.box.decrypt(Buffer.from(saved.data, 'base64'));
      const value: unknown = JSON.parse(text);
      if (!isKeptSession(value)) throw new Error('unusable');
      if (stale) await this.write(value);
      return value;
    } catch {
      await this.clear();
      return null;
    }
  }

  /** Saves the sign-in encrypted; false (and nothing on disk) when no keychain can protect it. */
  async write(session: KeptSession): Promise<boolean> {
    if (!(await this.box.isAvailable())) {
      await this.clear();
      return false;
    }
    const data = await this.box.encrypt(JSON.stringify(session));
    await writeJsonAtomic(this.file, { v: FORMAT, data: data.toString('base64') });
    return true;
  }

  async clear(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}
