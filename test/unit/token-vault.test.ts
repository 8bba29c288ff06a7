import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenVault, type SecretCipher, type VaultRecord } from '../../main/auth/token-vault';

/** Stands in for Electron's safeStorage: real AES-256-GCM under a key that lives as long as the "login". */
function aesCipher(key = randomBytes(32)): SecretCipher {
  return {
    unavailableReason: () => null,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const NO_KEYRING = 'This computer has no secure storage for secrets, so you will need to sign in each time you start Strata.';
const unavailableCipher: SecretCipher = {
  unavailableReason: () => NO_KEYRING,
  encrypt: () => {
    throw new Error('unavailable');
  },
  decrypt: () => {
    throw new Error('unavailable');
  },
};

const record: VaultRecord = {
  issuer: 'https://login.example.com',
  clientId: 'strata-desktop',
  subject: 'user-123',
  refreshToken: 'rt-SECRET-4f1c9a7e2b',
  scope: '["https://login.example.com","strata-desktop","us-east-1:pool"]',
};

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'strata-vault-'));
  file = path.join(dir, 'auth', 'session.bin');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('TokenVault', () => {
  it('keeps the sign-in across a restart, encrypted on disk', () => {
    const cipher = aesCipher();
    const first = new TokenVault({ file, cipher });
    expect(first.persistent).toBe(true);
    expect(first.reason).toBeUndefined();
    first.save(record);

    const onDisk = readFileSync(file);
    expect(onDisk.includes(record.refreshToken)).toBe(false);
    expect(onDisk.toString('latin1')).not.toContain('SECRET');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);

    expect(new TokenVault({ file, cipher }).load()).toEqual(record);
  });

  it('writes atomically and leaves no temporary file behind', () => {
    const vault = new TokenVault({ file, cipher: aesCipher() });
    vault.save(record);
    vault.save({ ...record, refreshToken: 'rt-newer' });
    expect(readdirSync(path.dirname(file))).toEqual(['session.bin']);
  });

  it('keeps the sign-in in memory only where nothing can encrypt it, and says why', () => {
    const first = new TokenVault({ file, cipher: unavailableCipher });
    expect(first.persistent).toBe(false);
    expect(first.reason).toBe(NO_KEYRING);
    first.save(record);
    expect(first.load()).toEqual(record);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(path.dirname(file))).toBe(false);

    expect(new TokenVault({ file, cipher: unavailableCipher }).load()).toBeUndefined();
  });

  it('forgets the sign-in on clear, in memory and on disk', () => {
    const cipher = aesCipher();
    const vault = new TokenVault({ file, cipher });
    vault.save(record);
    vault.clear();
    expect(vault.load()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    expect(new TokenVault({ file, cipher }).load()).toBeUndefined();
  });

  it('deletes a damaged file and asks for sign-in again', () => {
    const cipher = aesCipher();
    new TokenVault({ file, cipher }).save(record);
    writeFileSync(file, Buffer.from('definitely not ciphertext'));
    expect(new TokenVault({ file, cipher }).load()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('deletes a file encrypted under a key this login no longer has', () => {
    new TokenVault({ file, cipher: aesCipher() }).save(record);
    expect(new TokenVault({ file, cipher: aesCipher() }).load()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('deletes a file that decrypts to something that is not a sign-in record', () => {
    const cipher = aesCipher();
    new TokenVault({ file, cipher }).save(record);
    writeFileSync(file, cipher.encrypt(JSON.stringify({ version: 1, issuer: 'https://login.example.com' })));
    expect(new TokenVault({ file, cipher }).load()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('does not use a sign-in saved before it recorded the endpoints it was made against', () => {
    const cipher = aesCipher();
    const { scope: _scope, ...withoutScope } = record;
    new TokenVault({ file, cipher }).save(record);
    writeFileSync(file, cipher.encrypt(JSON.stringify({ version: 1, ...withoutScope })));
    expect(new TokenVault({ file, cipher }).load()).toBeUndefined();
    expect(existsSync(file)).toBe(false);
  });

  it('falls back to memory, and says so, when the encrypted file cannot be written', () => {
    const failing: SecretCipher = {
      ...aesCipher(),
      encrypt: () => {
        throw new Error('keychain said no');
      },
    };
    const vault = new TokenVault({ file, cipher: failing });
    vault.save(record);
    expect(vault.load()).toEqual(record);
    expect(vault.persistent).toBe(false);
    expect(vault.reason).toMatch(/sign in again after restarting/);
    expect(existsSync(file)).toBe(false);
  });
});
