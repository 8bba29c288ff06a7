import { safeStorage } from 'electron';
import type { SecretCipher } from '../auth/token-vault';

/**
 * Encrypts secrets with the operating system's keychain through safeStorage.
 * On Linux without a keyring Electron falls back to a hard-coded key
 * ('basic_text'), which protects nothing, so that counts as unavailable.
 */
export function createSafeStorageCipher(): SecretCipher {
  return {
    unavailableReason() {
      if (!safeStorage.isEncryptionAvailable()) return "this computer's secure storage isn't available";
      if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
        return 'no system keyring (such as GNOME Keyring or KWallet) was found';
      }
      return null;
    },
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}
