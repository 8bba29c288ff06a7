/**
 * Keeps the refresh token across restarts, encrypted at rest, so people don't
 * sign in every morning. Where the system offers no encryption it is kept in
 * memory only. Nothing here logs, and no error carries a token.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Encrypts secrets at rest (Electron's safeStorage in the app). */
export interface SecretCipher {
  /** null if secrets can be encrypted at rest here; otherwise a plain-language reason (shown in Settings) */
  unavailableReason(): string | null;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/** One signed-in session's refresh token, whom it belongs to, and the settings it was signed in against. */
export interface VaultRecord {
  issuer: string;
  clientId: string;
  subject: string;
  refreshToken: string;
  /** The session settings at sign-in (`sessionScope`): the token is used again only while they are unchanged. */
  scope: string;
}

const recordSchema = z.object({
  issuer: z.string().min(1),
  clientId: z.string().min(1),
  subject: z.string().min(1),
  refreshToken: z.string().min(1),
  scope: z.string().min(1),
});
// Versioned so a later format can tell an old file from a damaged one. A version 1 file does not say
// which endpoints it was signed in against: it is not used, and the person signs in once more.
const fileSchema = recordSchema.extend({ version: z.literal(2) });

const SAVE_FAILED =
  "Strata couldn't save your sign-in securely on this computer, so you'll need to sign in again after restarting Strata.";

/** The refresh token, kept encrypted on disk where possible and in memory otherwise. */
export class TokenVault {
  readonly #file: string;
  readonly #cipher: SecretCipher;
  #memory: VaultRecord | undefined;
  #saveFailed = false;

  constructor(options: { file: string; cipher: SecretCipher }) {
    this.#file = options.file;
    this.#cipher = options.cipher;
  }

  /** Whether the sign-in survives a restart. */
  get persistent(): boolean {
    return this.reason === undefined;
  }

  /** Why the sign-in doesn't survive a restart, in words for Settings. */
  get reason(): string | undefined {
    return this.#cipher.unavailableReason() ?? (this.#saveFailed ? SAVE_FAILED : undefined);
  }

  /** Keeps the record: encrypted on disk if possible, else in memory only. */
  save(record: VaultRecord): void {
    const checked = recordSchema.parse(record);
    this.#memory = checked;
    if (this.#cipher.unavailableReason() !== null) {
      // An older token on disk would outlive this newer sign-in and could belong to someone else.
      this.#deleteFileQuietly();
      return;
    }
    try {
      this.#writeAtomically(this.#cipher.encrypt(JSON.stringify({ version: 2, ...checked })));
      this.#saveFailed = false;
    } catch {
      // The session still works for now; Settings explains why it won't survive a restart.
      this.#saveFailed = true;
      this.#deleteFileQuietly();
    }
  }

  /** The kept record, or undefined if there is none (or it could not be read: the person signs in again). */
  load(): VaultRecord | undefined {
    if (this.#memory || this.#cipher.unavailableReason() !== null) return this.#memory;
    let data: Buffer;
    try {
      data = readFileSync(this.#file);
    } catch {
      return undefined;
    }
    try {
      // Parsing with the record schema after the file schema drops the version field.
      this.#memory = recordSchema.parse(fileSchema.parse(JSON.parse(this.#cipher.decrypt(data))));
      return this.#memory;
    } catch {
      // Damaged, or encrypted under a key this login no longer has: useless, and it would fail the same way every start.
      this.#deleteFileQuietly();
      return undefined;
    }
  }

  /** Forgets the record, in memory and on disk (sign-out). */
  clear(): void {
    this.#memory = undefined;
    this.#deleteFile();
  }

  /** A crash mid-write must leave the old file or the new one, never half of either. */
  #writeAtomically(data: Buffer): void {
    mkdirSync(path.dirname(this.#file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = openSync(temporary, 'wx', 0o600);
      try {
        writeSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.#file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  #deleteFile(): void {
    rmSync(this.#file, { force: true });
  }

  #deleteFileQuietly(): void {
    try {
      this.#deleteFile();
    } catch {
      // Only reached where the file is already unusable; failing the caller over it helps nobody.
    }
  }
}
