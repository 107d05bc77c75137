/**
 * A real SecretBox for tests under Node: AES-256-GCM with a fixed key, standing in for Electron's
 * safeStorage (which needs the Electron binary). Authenticated, so tampered or foreign data fails
 * to decrypt as it does with the OS keychain; `available: false` plays a computer without one.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../main/auth/secret-box.ts';

export class AesSecretBox implements SecretBox {
  private readonly key: Buffer;
  available = true;
  /** Every string encrypted so far (to check that what reaches the disk is not the plain text). */
  readonly encrypted: string[] = [];

  constructor(passphrase = 'trove-test-keychain') {
    this.key = createHash('sha256').update(passphrase).digest();
  }

  async isAvailable(): Promise<boolean> {
    return this.available;
  }

  async encrypt(plain: string): Promise<Buffer> {
    this.encrypted.push(plain);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  async decrypt(data: Buffer): Promise<{ text: string; stale: boolean }> {
    const decipher = createDecipheriv('aes-256-gcm', this.key, data.subarray(0, 12));
    decipher.setAuthTag(data.subarray(12, 28));
    return { text: Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8'), stale: false };
  }
}
