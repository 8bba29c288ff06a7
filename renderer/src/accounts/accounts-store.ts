/**
 * Settings → Account as the renderer knows it: the sources main offers (the
 * company sign-in, the AWS profiles on this computer), the one in use, and a
 * switch under way. Talks to main only through the api it is given.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AccountsView, AppError, CredentialSource, StrataApi } from '../../../preload/contract';

/** The part of `window.strata` accounts need; tests pass a fake. */
export type AccountsApi = Pick<StrataApi, 'accounts'>;

export interface AccountsStoreState {
  /** What main offers; null until loaded. */
  view: AccountsView | null;
  /** Why loading or switching failed. */
  error: AppError | null;
  /** The source being switched to, while main switches. */
  choosing: CredentialSource | null;
  load: () => Promise<void>;
  /** Uses `source` from now on; resolves true once main switched. */
  choose: (source: CredentialSource) => Promise<boolean>;
  /** Gives main a Bedrock API key to check, keep and use; resolves with why it did not, or null. */
  saveApiKey: (key: string) => Promise<AppError | null>;
  /** Has main forget the Bedrock API key; resolves with why it could not, or null. */
  forgetApiKey: () => Promise<AppError | null>;
  dismissError: () => void;
  /** Follows main's changes (the AWS files, the source in use) and loads the view; returns the unsubscribe. */
  connect: () => () => void;
}

export type AccountsStore = StoreApi<AccountsStoreState>;

/** "company", "environment", "api-key" or "profile:<name>": one text per source, to compare and to key lists by. */
export function sourceKey(source: CredentialSource): string {
  return source.kind === 'profile' ? `profile:${source.profile}` : source.kind;
}

export function createAccountsStore(api: AccountsApi): AccountsStore {
  // Counts the views applied, so a slow get() answer cannot overwrite a newer event.
  let applied = 0;
  return createStore<AccountsStoreState>()((set, get) => {
    const apply = (view: AccountsView) => {
      applied += 1;
      set({ view });
    };
    return {
      view: null,
      error: null,
      choosing: null,

      async load() {
        const seen = applied;
        const result = await api.accounts.get();
        if (!result.ok) set({ error: result.error });
        else if (applied === seen) apply(result.value);
      },

      async choose(source) {
        set({ choosing: source, error: null });
        const result = await api.accounts.choose({ source });
        set({ choosing: null });
        if (!result.ok) {
          set({ error: result.error });
          return false;
        }
        apply(result.value);
        return true;
      },

      async saveApiKey(key) {
        const result = await api.accounts.saveApiKey({ key });
        if (!result.ok) return result.error;
        apply(result.value);
        return null;
      },

      async forgetApiKey() {
        const result = await api.accounts.forgetApiKey();
        if (!result.ok) return result.error;
        apply(result.value);
        return null;
      },

      dismissError() {
        set({ error: null });
      },

      connect() {
        const unsubscribe = api.accounts.onChanged(apply);
        void get().load();
        return unsubscribe;
      },
    };
  });
}
