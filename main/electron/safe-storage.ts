/**
 * The SecretBox of the desktop app: Electron's safeStorage. On Linux without a keychain service
 * Electron would encrypt with a fixed, well-known password ("basic_text"): that protects nothing,
 * so Trove then keeps the sign-in in memory only (it lasts until Quit).
 */
import { safeStorage } from 'electron';
import type { SecretBox } from '../auth/secret-box.ts';

export const electronSecretBox: SecretBox = {
  async isAvailable() {
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return false;
    return safeStorage.isAsyncEncryptionAvailable();
  },
  encrypt: (plain) => safeStorage.encryptStringAsync(plain),
  async decrypt(data) {
    const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(data);
    return { text: result, stale: shouldReEncrypt };
  },
};
