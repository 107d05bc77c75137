/**
 * Encryption of small secrets with a key this computer keeps for this user: Electron's safeStorage
 * (macOS Keychain, Windows DPAPI, libsecret/KWallet on Linux) behind this interface, handed to
 * main's logic by main/electron/ — so the logic runs under Node with any real implementation.
 */
export interface SecretBox {
  /**
   * False when no OS keychain protects the key (e.g. Linux without a secret service, where Electron
   * would fall back to a fixed password): secrets are then kept in memory only, never written.
   */
  isAvailable(): Promise<boolean>;
  encrypt(plain: string): Promise<Buffer>;
  /**
   * Throws when the data was not encrypted by this box (another user, another machine, tampered).
   * `stale`: the keychain's key was rotated — encrypt the text again and save it.
   */
  decrypt(data: Buffer): Promise<{ text: string; stale: boolean }>;
}
