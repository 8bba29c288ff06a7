import { rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Schema } from 'electron-store';
import {
  preferencesPatchSchema,
  preferencesSchema,
  type PersonalPreferences,
  type PreferencesPatch,
} from '../../preload/contract';
import { StrataError } from '../errors';
import { invalidFields, plainIssueMessage } from '../ipc/invalid-input';
import type { ConfLike, OpenStore } from '../settings/settings-store';
import type { ModelPreferences } from './model-service';

/** What a person who has chosen nothing gets. */
export const DEFAULT_PREFERENCES: PersonalPreferences = {
  theme: 'system',
  textSize: 'normal',
  defaultModelId: '',
  defaultInstructions: '',
  enterToSend: true,
};

const PREFERENCE_KEYS = Object.keys(DEFAULT_PREFERENCES) as (keyof PersonalPreferences)[];

/** conf wants the JSON Schema's `properties` map; the last model chosen is kept beside the preferences. */
const fileSchema = {
  ...z.toJSONSchema(preferencesSchema.partial()).properties,
  lastModelId: { type: 'string', maxLength: 2048 },
} as Schema<Record<string, unknown>>;

/**
 * The person's own preferences (theme, text size, what new conversations
 * start with, how Enter behaves) and the last model they chose, in their own
 * file next to the settings. A damaged file holds nothing worth keeping or a
 * notice: Strata starts again with the defaults.
 */
export class Preferences implements ModelPreferences {
  private conf?: ConfLike;
  private memory: Record<string, unknown> = {};
  private readonly listeners = new Set<(preferences: PersonalPreferences) => void>();

  constructor(openStore: OpenStore, directory: string, log: (message: string) => void = () => {}) {
    const open = () =>
      openStore({
        name: 'preferences',
        cwd: directory,
        schema: fileSchema,
        clearInvalidConfig: false,
      });
    try {
      this.conf = open();
    } catch (err) {
      log(`preferences unreadable, starting afresh: ${err instanceof Error ? err.message : String(err)}`);
      try {
        rmSync(path.join(directory, 'preferences.json'), { force: true });
        this.conf = open();
      } catch {
        this.conf = undefined;
      }
    }
    this.memory = this.conf ? { ...this.conf.store } : {};
  }

  /** The preferences in effect: what the person chose, the default for everything else. */
  get(): PersonalPreferences {
    const preferences: Record<string, unknown> = { ...DEFAULT_PREFERENCES };
    for (const key of PREFERENCE_KEYS) {
      // Checked one by one, so a value an older Strata wrote costs only that preference.
      const saved = preferencesSchema.shape[key].safeParse(this.memory[key]);
      if (saved.success) preferences[key] = saved.data;
    }
    return preferences as PersonalPreferences;
  }

  /** Saves the given preferences only, tells listeners, and returns them all. */
  update(patch: PreferencesPatch): PersonalPreferences {
    const parsed = preferencesPatchSchema.safeParse(patch, { error: plainIssueMessage });
    if (!parsed.success) throw invalidFields(parsed.error, "Some preferences aren't valid.");
    const changes = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
    this.write({ ...this.memory, ...changes });
    const preferences = this.get();
    for (const listener of [...this.listeners]) listener(preferences);
    return preferences;
  }

  /** Calls `listener` with the preferences after every change; returns the unsubscribe. */
  onChange(listener: (preferences: PersonalPreferences) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The model the person chose in Settings for new conversations; undefined for "the one used last". */
  defaultModelId(): string | undefined {
    return this.get().defaultModelId || undefined;
  }

  /** The instructions new conversations start with; '' for none. */
  defaultInstructions(): string {
    return this.get().defaultInstructions;
  }

  lastModelId(): string | undefined {
    const value = this.memory.lastModelId;
    return typeof value === 'string' && value ? value : undefined;
  }

  setLastModelId(modelId: string): void {
    const next = { ...this.memory, lastModelId: modelId };
    try {
      this.write(next);
    } catch {
      // Only a convenience: a choice that can't be saved is still remembered until Strata quits.
      this.memory = next;
    }
  }

  private write(next: Record<string, unknown>): void {
    try {
      if (this.conf) this.conf.store = next;
    } catch (err) {
      throw new StrataError('storage-failed', "Strata couldn't save your preferences.", {
        action: 'Check that your disk has space, then try again.',
        details: err instanceof Error ? err.message : String(err),
        cause: err,
      });
    }
    this.memory = next;
  }
}
