/**
 * The models the person can chat with in the active Region, as main lists
 * them: loading, the catalog or why it could not be loaded, and the model
 * chosen last (which new conversations start with).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, ModelCatalog, StrataApi } from '../../../preload/contract';

/** The part of `window.strata` the models need; tests pass a fake. */
export type ModelsApi = Pick<StrataApi, 'models'>;

export interface ModelsStoreState {
  catalog: ModelCatalog | null;
  loading: boolean;
  /** Why the catalog could not be loaded; Retry calls load(true). */
  error: AppError | null;

  /** Loads the catalog; refresh asks Bedrock again instead of main's cached copy. */
  load(refresh?: boolean): Promise<void>;
  /** Remembers the person's choice (main makes it the default of new conversations). */
  choose(modelId: string): Promise<void>;
}

export type ModelsStore = StoreApi<ModelsStoreState>;

/** The model a new conversation starts with: the last choice, else the first listed. */
export function defaultModelId(catalog: ModelCatalog | null): string {
  return catalog?.lastChoice ?? catalog?.groups[0]?.models[0]?.id ?? '';
}

/** Whether the catalog loaded and holds no chat model at all. */
export function catalogIsEmpty(catalog: ModelCatalog | null): boolean {
  return catalog !== null && catalog.groups.every((group) => group.models.length === 0);
}

export function createModelsStore(api: ModelsApi): ModelsStore {
  // Counts loads, so a slow answer cannot overwrite a newer one.
  let loads = 0;
  return createStore<ModelsStoreState>()((set, get) => ({
    catalog: null,
    loading: false,
    error: null,

    async load(refresh = false) {
      const load = ++loads;
      set({ loading: true, error: null });
      const result = await api.models.list(refresh ? { refresh: true } : {});
      if (load !== loads) return;
      if (result.ok) set({ catalog: result.value, loading: false });
      else set({ error: result.error, loading: false });
    },

    async choose(modelId) {
      const catalog = get().catalog;
      if (catalog) set({ catalog: { ...catalog, lastChoice: modelId } });
      // Only a preference: if saving it fails, the conversation still uses the model.
      await api.models.choose(modelId);
    },
  }));
}
