/**
 * Company settings as Settings shows them: the layered view from main, the
 * state of the last save, and failures to show. Talks to main only through
 * the api it is given.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, ConnectionReport, Result, SettingsPatch, SettingsView, StrataApi } from '../../../preload/contract';
import { latestWins } from '../shared/latest';

/** The part of `window.strata` settings need; tests pass a fake. */
export type SettingsApi = Pick<StrataApi, 'settings'> & { app: Pick<StrataApi['app'], 'checkConnection'> };

export type ConnectionCheckState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'done'; report: ConnectionReport }
  | { kind: 'failed'; error: AppError };

export type SaveState =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved' }
  | { kind: 'failed'; error: AppError };

export interface SettingsStoreState {
  /** The settings view from main; null until loaded. */
  view: SettingsView | null;
  /** Why the view could not be loaded. */
  loadError: AppError | null;
  saveState: SaveState;
  /** Why a notice could not be dismissed. */
  noticeError: AppError | null;
  /** "Check connection": running, its report, or why it could not run. Saved settings make it stale, so it goes. */
  connectionCheck: ConnectionCheckState;

  load: () => Promise<void>;
  /** Saves the changed settings; resolves null when main accepted them, else why not. */
  save: (patch: SettingsPatch) => Promise<AppError | null>;
  dismissNotice: (id: string) => Promise<void>;
  /** Forgets "Saved" or the last save error, e.g. once the person edits again. */
  resetSaveState: () => void;
  dismissNoticeError: () => void;
  /** Checks every address Strata talks to with the saved settings. */
  checkConnection: () => Promise<void>;
  /** Keeps the proxy's user name and password (in main, encrypted); resolves null when saved, else why not. */
  setProxySignIn: (credentials: { username: string; password: string }) => Promise<AppError | null>;
  /** Forgets the proxy sign-in; resolves null when done, else why not. */
  clearProxySignIn: () => Promise<AppError | null>;
  /** Follows main's settings events and loads the view; returns the unsubscribe. */
  connect: () => () => void;
}

export type SettingsStore = StoreApi<SettingsStoreState>;

/** Creates the settings store over the given api (window.strata in the app, a fake in tests). */
export function createSettingsStore(api: SettingsApi): SettingsStore {
  // Counts the views applied, so a slow get() answer cannot overwrite a newer event.
  let applied = 0;
  const checks = latestWins();

  return createStore<SettingsStoreState>()((set, get) => {
    const apply = (view: SettingsView): void => {
      applied += 1;
      set({ view, loadError: null });
    };
    /** A secret changed in main (the proxy sign-in): the new view, and a connection report that no longer holds. */
    const changeSecrets = async (request: Promise<Result<SettingsView>>): Promise<AppError | null> => {
      const result = await request;
      if (!result.ok) return result.error;
      apply(result.value);
      checks.reset();
      set({ connectionCheck: { kind: 'idle' } });
      return null;
    };

    return {
      view: null,
      loadError: null,
      saveState: { kind: 'idle' },
      noticeError: null,
      connectionCheck: { kind: 'idle' },

      async load() {
        const seen = applied;
        const result = await api.settings.get();
        if (!result.ok) set({ loadError: result.error });
        else if (applied === seen) apply(result.value);
      },

      async save(patch) {
        set({ saveState: { kind: 'saving' } });
        const result = await api.settings.update(patch);
        if (!result.ok) {
          set({ saveState: { kind: 'failed', error: result.error } });
          return result.error;
        }
        apply(result.value);
        checks.reset();
        set({ saveState: { kind: 'saved' }, connectionCheck: { kind: 'idle' } });
        return null;
      },

      async dismissNotice(id) {
        const result = await api.settings.dismissNotice({ id });
        if (result.ok) {
          apply(result.value);
          set({ noticeError: null });
        } else {
          set({ noticeError: result.error });
        }
      },

      resetSaveState() {
        if (get().saveState.kind !== 'idle') set({ saveState: { kind: 'idle' } });
      },

      dismissNoticeError() {
        set({ noticeError: null });
      },

      setProxySignIn(credentials) {
        return changeSecrets(api.settings.setProxySignIn(credentials));
      },

      clearProxySignIn() {
        return changeSecrets(api.settings.clearProxySignIn());
      },

      async checkConnection() {
        const latest = checks.begin();
        set({ connectionCheck: { kind: 'checking' } });
        const result = await api.app.checkConnection();
        if (!latest()) return;
        set({ connectionCheck: result.ok ? { kind: 'done', report: result.value } : { kind: 'failed', error: result.error } });
      },

      connect() {
        const unsubscribe = api.settings.onChanged(apply);
        void get().load();
        return unsubscribe;
      },
    };
  });
}
