/**
 * The models the person can chat with in the active Region, as main lists
 * them: loading, the catalog or why it could not be loaded, the model chosen
 * last (which new conversations start with), and the models this person was
 * refused in this session.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, ModelCatalog, StrataApi } from '../../../preload/contract';
import { latestWins } from '../shared/latest';

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
  /** Bedrock refused this person the model: the picker says so for the rest of the session. */
  markUnavailable(modelId: string): void;
  /** Forgets the catalog (another person, or none, is signed in); a load on its way is dropped. */
  reset(): void;
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

/** Whether Bedrock refused this person the model in this session. */
export function isUnavailable(catalog: ModelCatalog | null, modelId: string): boolean {
  return catalog?.unavailable?.includes(modelId) ?? false;
}

export function createModelsStore(api: ModelsApi): ModelsStore {
  const loads = latestWins();
  return createStore<ModelsStoreState>()((set, get) => ({
    catalog: null,
    loading: false,
    error: null,

    async load(refresh = false) {
      const latest = loads.begin();
      set({ loading: true, error: null });
      const result = await api.models.list(refresh ? { refresh: true } : {});
      if (!latest()) return;
      if (result.ok) set({ catalog: result.value, loading: false });
      else set({ error: result.error, loading: false });
    },

    async choose(modelId) {
      const catalog = get().catalog;
      if (catalog) set({ catalog: { ...catalog, lastChoice: modelId } });
      // Only a preference: if saving it fails, the conversation still uses the model.
      await api.models.choose({ modelId });
    },

    markUnavailable(modelId) {
      const catalog = get().catalog;
      if (!catalog || isUnavailable(catalog, modelId)) return;
      set({ catalog: { ...catalog, unavailable: [...(catalog.unavailable ?? []), modelId] } });
    },

    reset() {
      loads.reset();
      set({ catalog: null, loading: false, error: null });
    },
  }));
}
