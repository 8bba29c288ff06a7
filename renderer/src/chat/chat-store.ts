/**
 * The chat's state in the renderer: the conversation list and search, the
 * open conversation with the answer streaming into it, and the model
 * catalog. Everything is kept in main; this store mirrors it and applies
 * the stream's events as they arrive.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AppError,
  ChatEvent,
  ChatMessage,
  Conversation,
  ConversationSettings,
  ConversationSummary,
  ModelCatalog,
  Result,
  StrataApi,
} from '../../../preload/contract';

export type ChatApi = Pick<StrataApi, 'models' | 'conversations' | 'chat' | 'app'>;

export interface ChatStoreState {
  conversations: ConversationSummary[];
  query: string;
  open: Conversation | null;
  /** conversationId → requestId of the answers under way. */
  active: Record<string, string>;
  catalog: ModelCatalog | null;
  catalogLoading: boolean;
  catalogError: AppError | null;
  /** A request that failed outright (not an answer's failure, which is kept on the message). */
  error: AppError | null;
  exportStatus: string | null;
  /** Said politely to screen readers: an answer finished, an error. */
  announcement: string;

  connect(): () => void;
  loadCatalog(refresh?: boolean): Promise<void>;
  search(query: string): Promise<void>;
  select(id: string): Promise<void>;
  newConversation(): Promise<Conversation | null>;
  rename(id: string, title: string): Promise<void>;
  remove(id: string): Promise<void>;
  updateSettings(patch: Partial<ConversationSettings>): Promise<void>;
  /** Sends in the open conversation, creating one first if none is open. */
  send(text: string): Promise<boolean>;
  stop(): Promise<void>;
  regenerate(): Promise<void>;
  /** Applies an error's fix (switch model), then answers again. */
  applyFix(fix: NonNullable<AppError['fix']>): Promise<void>;
  exportOpen(): Promise<void>;
  openLink(href: string): Promise<void>;
  dismissError(): void;
}

export type ChatStore = StoreApi<ChatStoreState>;

/** Keeps, for each message, whichever copy has seen more of the stream. */
function merge(incoming: Conversation, current: Conversation | null): Conversation {
  if (!current || current.id !== incoming.id) return incoming;
  const known = new Map(current.messages.map((m) => [m.id, m]));
  return {
    ...incoming,
    messages: incoming.messages.map((m) => {
      const seen = known.get(m.id);
      if (!seen) return m;
      if (m.status === 'streaming' && (seen.status !== 'streaming' || seen.text.length > m.text.length)) return seen;
      return m;
    }),
  };
}

const patchMessage = (conversation: Conversation, id: string, change: (m: ChatMessage) => ChatMessage): Conversation => ({
  ...conversation,
  messages: conversation.messages.map((m) => (m.id === id ? change(m) : m)),
});

export function createChatStore(api: ChatApi): ChatStore {
  return createStore<ChatStoreState>()((set, get) => {
    /** Runs a request; a failure is shown and the value is null. */
    async function call<T>(request: Promise<Result<T>>): Promise<T | null> {
      const result = await request;
      if (result.ok) return result.value;
      set({ error: result.error, announcement: result.error.message });
      return null;
    }

    function onEvent(event: ChatEvent): void {
      const { open, active } = get();
      if (event.type === 'started') set({ active: { ...active, [event.conversationId]: event.requestId } });
      if (event.type === 'done' || event.type === 'failed') {
        const { [event.conversationId]: _finished, ...rest } = get().active;
        set({
          active: rest,
          announcement: event.type === 'failed' ? `The answer stopped: ${event.error.message}` : 'Answer finished.',
        });
      }
      if (!open || open.id !== event.conversationId) return;
      switch (event.type) {
        case 'started':
          if (!open.messages.some((m) => m.id === event.message.id)) {
            set({ open: { ...open, messages: [...open.messages, event.message] } });
          }
          return;
        case 'text':
        case 'reasoning':
          set({
            open: patchMessage(open, event.messageId, (m) =>
              event.type === 'text' ? { ...m, text: m.text + event.delta } : { ...m, reasoning: (m.reasoning ?? '') + event.delta },
            ),
          });
          return;
        case 'done':
        case 'failed':
          set({ open: patchMessage(open, event.message.id, () => event.message) });
          return;
      }
    }

    async function answer(request: Promise<Result<{ requestId: string; conversation: Conversation }>>) {
      const started = await call(request);
      if (!started) return false;
      const { conversation, requestId } = started;
      set((state) => {
        if (state.open && state.open.id !== conversation.id) return {};
        const open = merge(conversation, state.open);
        // The stream's events may have arrived before this reply, even its end.
        const running = open.messages.some((m) => m.status === 'streaming');
        return { open, active: running ? { ...state.active, [conversation.id]: requestId } : state.active };
      });
      return true;
    }

    return {
      conversations: [],
      query: '',
      open: null,
      active: {},
      catalog: null,
      catalogLoading: false,
      catalogError: null,
      error: null,
      exportStatus: null,
      announcement: '',

      connect() {
        const offList = api.conversations.onChanged((list) => {
          if (!get().query) set({ conversations: list });
          else void get().search(get().query);
          const open = get().open;
          if (open && !list.some((c) => c.id === open.id)) set({ open: null });
          else if (open) {
            const summary = list.find((c) => c.id === open.id);
            if (summary && summary.title !== open.title) set({ open: { ...open, title: summary.title } });
          }
        });
        const offEvents = api.chat.onEvent(onEvent);
        void get().search('');
        void get().loadCatalog();
        return () => {
          offList();
          offEvents();
        };
      },

      async loadCatalog(refresh = false) {
        set({ catalogLoading: true, catalogError: null });
        const result = await api.models.list(refresh ? { refresh: true } : {});
        if (result.ok) set({ catalog: result.value, catalogLoading: false });
        else set({ catalogError: result.error, catalogLoading: false });
      },

      async search(query) {
        set({ query });
        const list = await call(api.conversations.list(query.trim() ? query.trim() : undefined));
        if (list && get().query === query) set({ conversations: list });
      },

      async select(id) {
        const conversation = await call(api.conversations.get(id));
        if (conversation) set({ open: conversation, exportStatus: null });
      },

      async newConversation() {
        const conversation = await call(api.conversations.create());
        if (conversation) set({ open: conversation, exportStatus: null });
        return conversation;
      },

      async rename(id, title) {
        const summary = await call(api.conversations.rename(id, title));
        const open = get().open;
        if (summary && open?.id === id) set({ open: { ...open, title: summary.title } });
      },

      async remove(id) {
        const result = await api.conversations.delete(id);
        if (!result.ok) return set({ error: result.error, announcement: result.error.message });
        if (get().open?.id === id) set({ open: null });
        set({ conversations: get().conversations.filter((c) => c.id !== id) });
      },

      async updateSettings(patch) {
        const open = get().open;
        if (!open) return;
        const updated = await call(api.conversations.updateSettings(open.id, patch));
        if (updated) set({ open: merge(updated, get().open) });
      },

      async send(text) {
        const open = get().open ?? (await get().newConversation());
        if (!open) return false;
        return answer(api.chat.send(open.id, text));
      },

      async stop() {
        const open = get().open;
        const requestId = open ? get().active[open.id] : undefined;
        if (requestId) await call(api.chat.stop(requestId));
      },

      async regenerate() {
        const open = get().open;
        if (!open) return;
        const last = open.messages.at(-1);
        // The old answer goes at once; the new one streams in its place.
        if (last?.role === 'assistant') set({ open: { ...open, messages: open.messages.slice(0, -1) } });
        if (!(await answer(api.chat.regenerate(open.id)))) set({ open });
      },

      async applyFix(fix) {
        await get().updateSettings({ modelId: fix.modelId });
        if (!get().error) await get().regenerate();
      },

      async exportOpen() {
        const open = get().open;
        if (!open) return;
        set({ exportStatus: null });
        const result = await api.conversations.export(open.id);
        if (!result.ok) set({ error: result.error });
        else if (result.value) set({ exportStatus: `Saved to ${result.value.path}`, announcement: 'Conversation exported.' });
      },

      async openLink(href) {
        await call(api.app.openExternal(href));
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
