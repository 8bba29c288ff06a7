/**
 * One small secret kept across restarts, encrypted at rest with the
 * system's keychain (safeStorage in the app), in memory only where there is
 * none. Written atomically; a damaged or foreign file is dropped, never
 * half-read. Nothing here logs, and no error carries the secret.
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

export interface SecretFileOptions<S extends z.ZodObject> {
  file: string;
  cipher: SecretCipher;
  /** The secret's shape, checked on save and on load. */
  schema: S;
  /** Written beside the fields, so a later format can tell an old file from a damaged one; other versions are dropped. */
  version: number;
  /** Why the secret won't survive a restart when writing it failed, in words for Settings. */
  saveFailedReason: string;
}

export class SecretFile<S extends z.ZodObject> {
  readonly #options: SecretFileOptions<S>;
  readonly #fileSchema: z.ZodObject;
  #memory: z.infer<S> | undefined;
  #saveFailed = false;

  constructor(options: SecretFileOptions<S>) {
    this.#options = options;
    this.#fileSchema = options.schema.extend({ version: z.literal(options.version) });
  }

  /** Whether the secret survives a restart. */
  get persistent(): boolean {
    return this.reason === undefined;
  }

  /** Why the secret doesn't survive a restart, in words for Settings. */
  get reason(): string | undefined {
    return this.#options.cipher.unavailableReason() ?? (this.#saveFailed ? this.#options.saveFailedReason : undefined);
  }

  /** Keeps the secret: encrypted on disk if possible, else in memory only. */
  save(value: z.infer<S>): void {
    const checked = this.#options.schema.parse(value) as z.infer<S>;
    this.#memory = checked;
    if (this.#options.cipher.unavailableReason() !== null) {
      // An older secret on disk would outlive this newer one, and could belong to someone else.
      this.#deleteFileQuietly();
      return;
    }
    try {
      this.#writeAtomically(this.#options.cipher.encrypt(JSON.stringify({ version: this.#options.version, ...checked })));
      this.#saveFailed = false;
    } catch {
      // It still works for now; Settings explains why it won't survive a restart.
      this.#saveFailed = true;
      this.#deleteFileQuietly();
    }
  }

  /** The kept secret, or undefined if there is none (or it could not be read). */
  load(): z.infer<S> | undefined {
    if (this.#memory || this.#options.cipher.unavailableReason() !== null) return this.#memory;
    let data: Buffer;
    try {
      data = readFileSync(this.#options.file);
    } catch {
      return undefined;
    }
    try {
      const { version: _version, ...fields } = this.#fileSchema.parse(JSON.parse(this.#options.cipher.decrypt(data)));
      this.#memory = this.#options.schema.parse(fields) as z.infer<S>;
      return this.#memory;
    } catch {
      // Damaged, or encrypted under a key this login no longer has: useless, and it would fail the same way every start.
      this.#deleteFileQuietly();
      return undefined;
    }
  }

  /** Forgets the secret, in memory and on disk. */
  clear(): void {
    this.#memory = undefined;
    rmSync(this.#options.file, { force: true });
  }

  /** A crash mid-write must leave the old file or the new one, never half of either. */
  #writeAtomically(data: Buffer): void {
    mkdirSync(path.dirname(this.#options.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.#options.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fd = openSync(temporary, 'wx', 0o600);
      try {
        writeSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.#options.file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  #deleteFileQuietly(): void {
    try {
      rmSync(this.#options.file, { force: true });
    } catch {
      // Only reached where the file is already unusable; failing the caller over it helps nobody.
    }
  }
}
