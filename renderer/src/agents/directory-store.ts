/**
 * The Bedrock Agents and knowledge bases AWS lists for the person, as the
 * target form shows them: asked afresh each time the form opens (and on
 * Refresh), with why the list could not be had. A list from an earlier
 * opening is not shown while the new one loads: it may be another Region's,
 * or another person's.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AgentDirectory, AppError, StrataApi } from '../../../preload/contract';
import { latestWins } from '../shared/latest';

/** The part of `window.strata` the directory needs; tests pass a fake. */
export type AgentDirectoryApi = Pick<StrataApi, 'agents'>;

export interface AgentDirectoryState {
  directory: AgentDirectory | null;
  loading: boolean;
  /** Why neither list could be had; the IDs can still be typed. */
  error: AppError | null;

  /** Asks main for the lists. `keep`: a refresh, which keeps the lists on screen until the new ones come. */
  load(keep?: boolean): Promise<void>;
  /** Forgets the lists (the person signed out or changed); a load on its way is dropped. */
  reset(): void;
}

export type AgentDirectoryStore = StoreApi<AgentDirectoryState>;

export function createAgentDirectoryStore(api: AgentDirectoryApi): AgentDirectoryStore {
  const loads = latestWins();
  return createStore<AgentDirectoryState>()((set, get) => ({
    directory: null,
    loading: false,
    error: null,

    async load(keep = false) {
      const latest = loads.begin();
      set({ loading: true, error: null, directory: keep ? get().directory : null });
      const result = await api.agents.list();
      if (!latest()) return;
      if (result.ok) set({ directory: result.value, loading: false });
      else set({ error: result.error, loading: false, directory: null });
    },

    reset() {
      loads.reset();
      set({ directory: null, loading: false, error: null });
    },
  }));
}
