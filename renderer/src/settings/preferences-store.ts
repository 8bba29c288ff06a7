/**
 * The person's own preferences (theme, text size, defaults for new
 * conversations, Enter to send) as main keeps them. A change shows at once
 * and is then saved; if saving fails, main's copy comes back. Talks to main
 * only through the api it is given.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, PersonalPreferences, PreferencesPatch, StrataApi } from '../../../preload/contract';
import { latestWins } from '../shared/latest';

/** The part of `window.strata` preferences need; tests pass a fake. */
export type PreferencesApi = Pick<StrataApi, 'preferences'>;

export interface PreferencesStoreState {
  /** The preferences, with the person's latest change already applied; null until loaded. */
  preferences: PersonalPreferences | null;
  /** Why the preferences could not be loaded. */
  loadError: AppError | null;
  /** Why the last change could not be saved (main's preferences are shown again). */
  saveError: AppError | null;

  load(): Promise<void>;
  /** Applies a change at once and saves it; resolves null when main saved it, else why not. */
  update(patch: PreferencesPatch): Promise<AppError | null>;
  dismissSaveError(): void;
  /** Follows main's preference events and loads them; returns the unsubscribe. */
  connect(): () => void;
}

export type PreferencesStore = StoreApi<PreferencesStoreState>;

/** Creates the preferences store over the given api (window.strata in the app, a fake in tests). */
export function createPreferencesStore(api: PreferencesApi): PreferencesStore {
  const requests = latestWins();
  // While a change is being saved, events describe older states: the answer to the last change is the one to show.
  let saving = 0;

  return createStore<PreferencesStoreState>()((set, get) => ({
    preferences: null,
    loadError: null,
    saveError: null,

    async load() {
      const latest = requests.begin();
      const result = await api.preferences.get();
      if (!latest()) return;
      if (result.ok) set({ preferences: result.value, loadError: null });
      else set({ loadError: result.error });
    },

    async update(patch) {
      const current = get().preferences;
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      if (current) set({ preferences: { ...current, ...changes }, saveError: null });
      const latest = requests.begin();
      saving += 1;
      const result = await api.preferences.update(patch);
      saving -= 1;
      if (!result.ok) {
        set({ saveError: result.error });
        // Undo what was shown: main's copy is the truth.
        await get().load();
        return result.error;
      }
      if (latest()) set({ preferences: result.value, loadError: null });
      return null;
    },

    dismissSaveError() {
      set({ saveError: null });
    },

    connect() {
      const unsubscribe = api.preferences.onChanged((preferences) => {
        if (saving > 0) return;
        // Newer than any load still on its way.
        requests.reset();
        set({ preferences, loadError: null });
      });
      void get().load();
      return unsubscribe;
    },
  }));
}
