/**
 * The person's own settings, in a JSON file (electron-store in the app, conf
 * under Node). A damaged file is kept aside rather than stopping Strata or
 * being silently thrown away.
 */
import { renameSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Schema } from 'electron-store';
import {
  companySettingsSchema,
  SETTING_KEYS,
  settingsPatchSchema,
  type Notice,
  type SettingsPatch,
} from '../../preload/contract';
import type { RawSettings } from './layers';

/** The part of electron-store / conf the settings store uses. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
}

/** What the settings store asks its store factory for. */
export interface StoreOpenOptions {
  name: string;
  cwd: string;
  schema: Schema<Record<string, unknown>>;
  clearInvalidConfig: false;
}

/** Opens the underlying store: `new ElectronStore(options)` in the app, a conf instance under Node. */
export type OpenStore = (options: StoreOpenOptions) => ConfLike;

export interface SettingsStoreOptions {
  openStore: OpenStore;
  /** The folder the settings file lives in (the app's userData folder). */
  directory: string;
  /** The file name without extension. */
  name?: string;
  now?: () => Date;
}

/** conf wants the JSON Schema's `properties` map, not the whole schema. */
const fileSchema = z.toJSONSchema(companySettingsSchema.partial()).properties as Schema<Record<string, unknown>>;

/** The person's saved settings. */
export class SettingsStore {
  readonly #openStore: OpenStore;
  readonly #directory: string;
  readonly #name: string;
  readonly #now: () => Date;
  #notices: Notice[] = [];
  #conf: ConfLike;

  constructor(options: SettingsStoreOptions) {
    this.#openStore = options.openStore;
    this.#directory = options.directory;
    this.#name = options.name ?? 'settings';
    this.#now = options.now ?? (() => new Date());
    try {
      this.#conf = this.#open();
    } catch (error) {
      this.#conf = this.#startAfresh(error);
    }
  }

  /** Where the settings file is. */
  get path(): string {
    return this.#conf.path;
  }

  /** What the person should know about the settings file (e.g. that it was reset). */
  get notices(): readonly Notice[] {
    return this.#notices;
  }

  /** The saved settings, known keys only; each value is checked again when layered. */
  user(): RawSettings {
    const saved = this.#read();
    return Object.fromEntries(SETTING_KEYS.filter((key) => saved[key] !== undefined).map((key) => [key, saved[key]]));
  }

  /** Saves the given keys only; '' clears a key so the layer below shows through. */
  update(patch: SettingsPatch): void {
    // Checked here too so the file's own schema can never reject what we write, which would look like a damaged file.
    const checked = settingsPatchSchema.parse(patch);
    const next = { ...this.#read() };
    for (const [key, value] of Object.entries(checked)) {
      if (value === undefined) continue;
      if (value === '') delete next[key];
      else next[key] = value;
    }
    // One whole-store write, so a patch of several keys lands all at once or not at all.
    this.#conf.store = next;
  }

  #open(): ConfLike {
    return this.#openStore({ name: this.#name, cwd: this.#directory, schema: fileSchema, clearInvalidConfig: false });
  }

  /** conf reads the file on every access, so damage done while Strata runs (a hand edit) surfaces here too. */
  #read(): Record<string, unknown> {
    try {
      return this.#conf.store;
    } catch (error) {
      this.#conf = this.#startAfresh(error);
      return this.#conf.store;
    }
  }

  #startAfresh(error: unknown): ConfLike {
    if (!isDamagedFile(error)) throw error;
    const keptAt = this.#keepAside();
    this.#notices = this.#notices.filter((notice) => notice.id !== 'settings-reset');
    this.#notices.push({
      id: 'settings-reset',
      level: 'warning',
      message: `Your Strata settings file was damaged, so Strata started with default settings. The old file was kept at ${keptAt}.`,
    });
    return this.#open();
  }

  #keepAside(): string {
    const file = path.join(this.#directory, `${this.#name}.json`);
    // Colons are not allowed in Windows file names.
    const stamp = this.#now().toISOString().replace(/[:.]/g, '-');
    const keptAt = path.join(this.#directory, `${this.#name}.corrupt-${stamp}.json`);
    renameSync(file, keptAt);
    return keptAt;
  }
}

/**
 * conf reports a file it cannot parse as a SyntaxError and one its schema
 * rejects with this message; anything else (permissions, a full disk) is not
 * damage and must not cost the person their settings.
 */
function isDamagedFile(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'SyntaxError' || error.message.startsWith('Config schema violation');
}
