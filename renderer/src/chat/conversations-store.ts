/**
 * The conversations as the renderer knows them: the list (or the search's
 * matches), the open conversation, and what became of the last request
 * about them. Main keeps everything; this store mirrors it. The chat store
 * writes the streamed answers into the open conversation through `patchOpen`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AppError,
  Conversation,
  ConversationSettings,
  ConversationSummary,
  Result,
  StrataApi,
} from '../../../preload/contract';

/** The part of `window.strata` the conversations need; tests pass a fake. */
export type ConversationsApi = Pick<StrataApi, 'conversations'>;

export interface ConversationsStoreState {
  /** All conversations, newest first, or those matching `query`. */
  list: ConversationSummary[];
  query: string;
  /** The conversation the person picked; `open` follows once it has loaded. */
  selectedId: string | null;
  open: Conversation | null;
  /** A request about conversations that failed (loading, renaming, deleting…). */
  error: AppError | null;
  /** "Saved to <path>" after an export. */
  exportStatus: string | null;

  /** Follows main's list changes and loads the list; returns the unsubscribe. */
  connect(): () => void;
  /** Lists the conversations matching `query` ('' lists all). */
  search(query: string): Promise<void>;
  select(id: string): Promise<void>;
  /** Creates a conversation (main fills in the default model) and opens it. */
  create(settings?: Partial<ConversationSettings>): Promise<Conversation | null>;
  rename(id: string, title: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Changes the open conversation's settings. */
  updateSettings(patch: Partial<ConversationSettings>): Promise<boolean>;
  exportOpen(): Promise<void>;
  /** Replaces the open conversation, if it is still `id`. */
  patchOpen(id: string, change: (conversation: Conversation) => Conversation): void;
  dismissError(): void;
}

export type ConversationsStore = StoreApi<ConversationsStoreState>;

export function createConversationsStore(api: ConversationsApi): ConversationsStore {
  return createStore<ConversationsStoreState>()((set, get) => {
    /** Runs a request; a failure is kept to show, and the value is null. */
    async function call<T>(request: Promise<Result<T>>): Promise<T | null> {
      const result = await request;
      if (result.ok) return result.value;
      set({ error: result.error });
      return null;
    }

    const openConversation = (conversation: Conversation) =>
      set({ open: conversation, selectedId: conversation.id, exportStatus: null, error: null });

    return {
      list: [],
      query: '',
      selectedId: null,
      open: null,
      error: null,
      exportStatus: null,

      connect() {
        const off = api.conversations.onChanged((list) => {
          const { query, open } = get();
          if (query.trim()) void get().search(query);
          else set({ list });
          if (!open) return;
          // Deleted elsewhere (or in another window): close it. Renamed: follow.
          const summary = list.find((c) => c.id === open.id);
          if (!summary && !query.trim()) set({ open: null, selectedId: null });
          else if (summary && summary.title !== open.title) set({ open: { ...open, title: summary.title } });
        });
        void get().search(get().query);
        return off;
      },

      async search(query) {
        set({ query });
        const trimmed = query.trim();
        const list = await call(api.conversations.list(trimmed ? trimmed : undefined));
        // Only the answer to the latest search counts.
        if (list && get().query === query) set({ list });
      },

      async select(id) {
        set({ selectedId: id });
        const conversation = await call(api.conversations.get(id));
        if (conversation && get().selectedId === id) openConversation(conversation);
      },

      async create(settings) {
        const conversation = await call(api.conversations.create(settings));
        if (conversation) openConversation(conversation);
        return conversation;
      },

      async rename(id, title) {
        const summary = await call(api.conversations.rename(id, title));
        if (!summary) return false;
        set((state) => ({
          list: state.list.map((c) => (c.id === id ? summary : c)),
          open: state.open?.id === id ? { ...state.open, title: summary.title } : state.open,
        }));
        return true;
      },

      async remove(id) {
        const result = await api.conversations.delete(id);
        if (!result.ok) {
          set({ error: result.error });
          return false;
        }
        set((state) => ({
          list: state.list.filter((c) => c.id !== id),
          ...(state.selectedId === id ? { open: null, selectedId: null, exportStatus: null } : {}),
        }));
        return true;
      },

      async updateSettings(patch) {
        const open = get().open;
        if (!open) return false;
        const updated = await call(api.conversations.updateSettings(open.id, patch));
        if (!updated) return false;
        // The messages here may be ahead of main's copy (an answer streaming in): keep them.
        get().patchOpen(open.id, (current) => ({ ...updated, messages: current.messages }));
        return true;
      },

      async exportOpen() {
        const open = get().open;
        if (!open) return;
        set({ exportStatus: null });
        const saved = await call(api.conversations.export(open.id));
        if (saved) set({ exportStatus: `Saved to ${saved.path}` });
      },

      patchOpen(id, change) {
        const open = get().open;
        if (open && open.id === id) set({ open: change(open) });
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
