/**
 * The platform under plain Node for tests: conf instead of electron-store
 * (electron-store is conf with Electron's paths), an AES key standing in for
 * the OS keychain, a queue of the URLs the app asks the browser to open, and
 * the real log (electron-log/node) in <userData>/logs/main.log.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Conf from 'conf';
import nodeLog from 'electron-log/node';
import { createLogger } from '../../main/app/logger';
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
  /** Strata's own updater (see update-feed.ts); default none: Strata doesn't update itself. */
  updater?: Platform['updater'];
}

export type NodePlatform = Platform & {
  /** Every line main logged, as written to the file (redacted), at every level. */
  logs: string[];
  /** The log file: <userData>/logs/main.log. */
  logFile: string;
  /** The binary files the app saved (the diagnostics zip), oldest first. */
  savedFiles: string[];
  /** The files the app asked the file manager to show. */
  shownInFolder: string[];
  /** The next URL the app asked to open in the system browser. */
  nextOpenedUrl(timeoutMs?: number): Promise<string>;
};

/** Builds the Node platform for the services. */
export function nodePlatform(options: NodePlatformOptions): NodePlatform {
  const logs: string[] = [];
  const savedFiles: string[] = [];
  const shownInFolder: string[] = [];
  const logFile = path.join(options.userDataDir, 'logs', 'main.log');
  const electronLog = nodeLog.create({ logId: `strata-${randomBytes(6).toString('hex')}` });
  // Tests read every line whatever the level the environment sets for the file; the hooks (the redactor) run first.
  electronLog.transports.memory = Object.assign((message: { data: unknown[] }) => logs.push(message.data.join(' ')), {
    level: 'debug' as const,
    transforms: [],
  });
  const logger = createLogger(electronLog, { env: options.env, file: logFile, console: false });
  const saveTarget = (suggestedName: string) =>
    options.saveAs ? options.saveAs(suggestedName) : path.join(options.userDataDir, 'exports', suggestedName);
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
      const target = saveTarget(suggestedName);
      if (target === null) return null;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content, 'utf8');
      return target;
    },
    saveBinaryFile: async (suggestedName, bytes) => {
      const target = saveTarget(suggestedName);
      if (target === null) return null;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
      savedFiles.push(target);
      return target;
    },
    showInFolder: (file) => shownInFolder.push(file),
    log: logger.log,
    logFiles: logger.files,
    ...(options.resolveProxy ? { resolveProxy: options.resolveProxy } : {}),
    ...(options.updater ? { updater: options.updater } : {}),
    timing: options.timing,
    logs,
    logFile,
    savedFiles,
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
