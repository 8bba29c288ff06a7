import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ConfLike, OpenStore } from '../settings/settings-store';
import type { ModelPreferences } from './model-service';

/**
 * The person's small preferences (the last model they chose), in their own
 * file next to the settings. A damaged file holds nothing worth keeping or a
 * notice: Strata starts again with no preference.
 */
export class Preferences implements ModelPreferences {
  private conf?: ConfLike;
  private memory: Record<string, unknown> = {};

  constructor(openStore: OpenStore, directory: string, log: (message: string) => void = () => {}) {
    const open = () =>
      openStore({
        name: 'preferences',
        cwd: directory,
        schema: { lastModelId: { type: 'string', maxLength: 2048 } },
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

  lastModelId(): string | undefined {
    const value = this.memory.lastModelId;
    return typeof value === 'string' && value ? value : undefined;
  }

  setLastModelId(modelId: string): void {
    this.memory = { ...this.memory, lastModelId: modelId };
    if (this.conf) this.conf.store = this.memory;
  }
}
