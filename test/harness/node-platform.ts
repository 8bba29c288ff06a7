/**
 * The platform under plain Node for tests: conf instead of electron-store
 * (electron-store is conf with Electron's paths), an AES key standing in for
 * the OS keychain, and a queue of the URLs the app asks the browser to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Conf from 'conf';
import type { Platform } from '../../main/app/services';
import type { SecretCipher } from '../../main/auth/token-vault';

/** A stand-in for the OS keychain behind safeStorage: AES-256-GCM with a key held by the "OS". */
export function keychainCipher(key: Buffer | null): SecretCipher {
  return {
    unavailableReason: () => (key ? null : 'no system keyring (such as GNOME Keyring or KWallet) was found'),
    encrypt(plain) {
      if (!key) throw new Error('no keychain');
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      if (!key) throw new Error('no keychain');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

export interface NodePlatformOptions {
  env: Record<string, string>;
  userDataDir: string;
  /** Null: no keychain on this "machine". */
  keychainKey: Buffer | null;
  policyPaths?: string[];
  timing?: Platform['timing'];
  onOpenExternal?: (url: string) => void;
  /** Where "Save as" puts a file; null: the person cancels. Default: <userData>/exports/<suggested name>. */
  saveAs?: (suggestedName: string) => string | null;
  /** The "computer's" proxy for a URL, as a PAC result; default DIRECT. */
  resolveProxy?: (url: string) => Promise<string>;
  /** The person's home folder (~/.aws lives there); default <userData>/home, so tests never read the real one. */
  home?: string;
}

export type NodePlatform = Platform & {
  logs: string[];
  /** The files the app asked the file manager to show. */
  shownInFolder: string[];
  /** The next URL the app asked to open in the system browser. */
  nextOpenedUrl(timeoutMs?: number): Promise<string>;
};

/** Builds the Node platform for the services. */
export function nodePlatform(options: NodePlatformOptions): NodePlatform {
  const logs: string[] = [];
  const shownInFolder: string[] = [];
  const opened: string[] = [];
  const waiters: Array<(url: string) => void> = [];
  return {
    openExternal: async (url) => {
      options.onOpenExternal?.(url);
      const waiter = waiters.shift();
      if (waiter) waiter(url);
      else opened.push(url);
    },
    cipher: keychainCipher(options.keychainKey),
    userDataDir: options.userDataDir,
    policyPaths: options.policyPaths ?? [],
    env: options.env,
    home: options.home ?? path.join(options.userDataDir, 'home'),
    openStore: ({ name, ...storeOptions }) => new Conf({ ...storeOptions, configName: name, projectName: 'strata' }),
    saveFile: async (suggestedName, content) => {
      const target = options.saveAs
        ? options.saveAs(suggestedName)
        : path.join(options.userDataDir, 'exports', suggestedName);
      if (target === null) return null;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content, 'utf8');
      return target;
    },
    showInFolder: (file) => shownInFolder.push(file),
    log: (message) => logs.push(message),
    ...(options.resolveProxy ? { resolveProxy: options.resolveProxy } : {}),
    timing: options.timing,
    logs,
    shownInFolder,
    nextOpenedUrl(timeoutMs = 10_000) {
      const ready = opened.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('The app did not open a browser URL')), timeoutMs);
        waiters.push((url) => {
          clearTimeout(timer);
          resolve(url);
        });
      });
    },
  };
}
