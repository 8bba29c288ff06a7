/**
 * The conversations as the renderer knows them: the list (or the search's
 * matches), the conversation on screen, and what became of the last request
 * about them. Main keeps everything; this store mirrors it. Every request
 * whose answer replaces state follows "latest wins", and `reset()` forgets
 * everything that belonged to the person who signed out.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AppError,
  ChatMessage,
  Conversation,
  ConversationSettingsPatch,
  ConversationsChange,
  ConversationSummary,
  Result,
  StrataApi,
} from '../../../preload/contract';
import { isWaiting, reuseUnchanged } from '../agents/agent-answer';
import { newSessionPatch } from '../agents/target-form';
import { latestWins } from '../shared/latest';

/** The part of `window.strata` the conversations need; tests pass a fake. */
export type ConversationsApi = Pick<StrataApi, 'conversations' | 'app'>;

/** The key of the new conversation's draft (it has no id until its first message is sent). */
export const NEW_CONVERSATION = 'new';

/** Where the person left a conversation's messages: the scroll offset, and whether they were following the end. */
export interface ScrollPlace {
  top: number;
  atEnd: boolean;
  /** The message list's measured heights (the virtualiser's own record), so coming back lands where they left. */
  measured?: readonly unknown[];
}

export interface ConversationsStoreState {
  /** The pages loaded so far: conversations newest first, or those matching `query`, best first. */
  list: ConversationSummary[];
  /** Asks main for the next page; null when the list is complete (or a search is on its way). */
  nextCursor: string | null;
  query: string;
  /** The conversation the person chose last; null: a new, unsaved conversation. */
  selectedId: string | null;
  /** The chosen conversation once loaded (`open.id === selectedId`); null while it loads or for a new one. */
  open: Conversation | null;
  /** A request about conversations that failed (loading, renaming, deleting…). */
  error: AppError | null;
  /** Where the last export was saved, for "Show in folder". */
  exported: { conversationId: string; path: string } | null;
  /** The conversation whose agent or knowledge-base session the person started anew, and when; null once it is old news. */
  renewedSession: { conversationId: string; at: number } | null;

  /** Follows main's list changes and loads the list; returns the unsubscribe. */
  connect(): () => void;
  /** Lists the first page of conversations matching `query` ('' lists all). */
  search(query: string): Promise<void>;
  /** Adds the next page to the list, if there is one (the person scrolled to the end). */
  loadMore(): Promise<void>;
  /** Shows a conversation: at once if it was open before in this session, then as main has it. */
  select(id: string): Promise<void>;
  /** Shows a new, empty conversation; it is saved when its first message is sent. Already on one: stays. */
  startNew(): void;
  /** Shows a conversation main just created for the new one's first message, if the person is still there. */
  adoptNew(conversation: Conversation): void;
  rename(id: string, title: string): Promise<boolean>;
  remove(id: string): Promise<boolean>;
  /** Changes the open conversation's settings. */
  updateSettings(patch: ConversationSettingsPatch): Promise<boolean>;
  /** Starts the open conversation's session with its agent or knowledge base anew: it forgets the messages so far. */
  newSession(): Promise<boolean>;
  exportOpen(): Promise<void>;
  showExport(): Promise<void>;
  /** Replaces the open conversation (and the copy kept for switching back), if it is `id`. */
  patchOpen(id: string, change: (conversation: Conversation) => Conversation): void;
  /** What the person had typed in a conversation (NEW_CONVERSATION for the new one). */
  draftOf(key: string): string;
  keepDraft(key: string, text: string): void;
  scrollOf(id: string): ScrollPlace | undefined;
  keepScroll(id: string, place: ScrollPlace): void;
  /** Forgets everything (the person signed out or changed); answers still on their way are dropped. */
  reset(): void;
  dismissError(): void;
}

export type ConversationsStore = StoreApi<ConversationsStoreState>;

/** How many opened conversations are kept for switching back instantly. */
const KEPT_CONVERSATIONS = 20;

const initial = {
  list: [],
  nextCursor: null,
  query: '',
  selectedId: null,
  open: null,
  error: null,
  exported: null,
  renewedSession: null,
} satisfies Partial<ConversationsStoreState>;

export function createConversationsStore(api: ConversationsApi): ConversationsStore {
  const opening = latestWins();
  const searching = latestWins();
  const paging = latestWins();
  /** Conversations opened in this session, most recent last: switching back shows them at once. */
  const kept = new Map<string, Conversation>();
  const drafts = new Map<string, string>();
  const scrolls = new Map<string, ScrollPlace>();
  let loadingMore = false;

  const keep = (conversation: Conversation) => {
    kept.delete(conversation.id);
    kept.set(conversation.id, conversation);
    if (kept.size > KEPT_CONVERSATIONS) kept.delete(kept.keys().next().value!);
  };

  return createStore<ConversationsStoreState>()((set, get) => {
    /** Runs a request; a failure is kept to show, and the value is null. */
    async function call<T>(request: Promise<Result<T>>): Promise<T | null> {
      const result = await request;
      if (result.ok) return result.value;
      set({ error: result.error });
      return null;
    }

    const show = (conversation: Conversation) => {
      keep(conversation);
      set({ open: conversation, selectedId: conversation.id, error: null });
    };

    const forget = (id: string) => {
      kept.delete(id);
      drafts.delete(id);
      scrolls.delete(id);
    };

    return {
      ...initial,

      connect() {
        const off = api.conversations.onChanged((change) => {
          const { query, open } = get();
          // Search results are ranked by main: ask again. The plain list is merged in place.
          if (query.trim()) void get().search(query);
          else set((state) => ({ list: mergeChange(state.list, state.nextCursor !== null, change) }));
          if (!open) return;
          const summary = change.changed.find((c) => c.id === open.id);
          if (summary && summary.title !== open.title) get().patchOpen(open.id, (c) => ({ ...c, title: summary.title }));
          else if (change.removed.includes(open.id)) {
            // Deleted elsewhere: close it.
            forget(open.id);
            opening.reset();
            set({ open: null, selectedId: null });
          }
        });
        void get().search(get().query);
        return off;
      },

      async search(query) {
        const latest = searching.begin();
        paging.reset();
        // No more pages of the old list while the new one is on its way.
        set({ query, nextCursor: null });
        const trimmed = query.trim();
        const result = await api.conversations.list(trimmed ? { query: trimmed } : {});
        if (!latest()) return;
        if (result.ok) set({ list: result.value.items, nextCursor: result.value.nextCursor });
        else set({ error: result.error });
      },

      async loadMore() {
        const { nextCursor: cursor, query } = get();
        if (cursor === null || loadingMore) return;
        const latest = paging.begin();
        loadingMore = true;
        const trimmed = query.trim();
        const result = await api.conversations.list(trimmed ? { query: trimmed, cursor } : { cursor });
        loadingMore = false;
        if (!latest()) return;
        if (!result.ok) {
          set({ error: result.error });
          return;
        }
        set((state) => {
          const known = new Set(state.list.map((c) => c.id));
          return { list: [...state.list, ...result.value.items.filter((c) => !known.has(c.id))], nextCursor: result.value.nextCursor };
        });
      },

      async select(id) {
        const latest = opening.begin();
        const shown = kept.get(id);
        set({ selectedId: id, open: shown ?? null, error: null, renewedSession: null });
        const result = await api.conversations.get({ id });
        if (!latest()) return;
        if (result.ok) show(result.value);
        else set({ error: result.error, ...(shown ? {} : { selectedId: get().open?.id ?? null }) });
      },

      startNew() {
        opening.reset();
        set({ selectedId: null, open: null, error: null, renewedSession: null });
      },

      adoptNew(conversation) {
        // The person moved on while it was being created: keep it for later, don't pull them back.
        if (get().selectedId === null) {
          opening.reset();
          show(conversation);
        } else {
          keep(conversation);
        }
      },

      async rename(id, title) {
        const summary = await call(api.conversations.rename({ id, title }));
        if (!summary) return false;
        set((state) => ({ list: state.list.map((c) => (c.id === id ? summary : c)) }));
        get().patchOpen(id, (c) => ({ ...c, title: summary.title }));
        return true;
      },

      async remove(id) {
        const result = await api.conversations.delete({ id });
        if (!result.ok) {
          set({ error: result.error });
          return false;
        }
        forget(id);
        set((state) => ({ list: state.list.filter((c) => c.id !== id) }));
        if (get().selectedId === id) get().startNew();
        return true;
      },

      async updateSettings(patch) {
        const open = get().open;
        if (!open) return false;
        set({ error: null });
        const updated = await call(api.conversations.updateSettings({ id: open.id, settings: patch }));
        if (!updated) return false;
        // The messages here may be ahead of main's saved copy (an answer streaming in): keep them, but take what
        // main decided for an agent's action that was waiting (another agent or a new session denies it).
        get().patchOpen(open.id, (current) => ({ ...updated, messages: withDecisions(current.messages, updated.messages) }));
        // Another agent or knowledge base (or none): a new session started with it is no news.
        if ('agent' in patch || 'knowledgeBase' in patch) set({ renewedSession: null });
        return true;
      },

      async newSession() {
        const open = get().open;
        const patch = open && newSessionPatch(open.settings);
        if (!open || !patch || !(await get().updateSettings(patch))) return false;
        set({ renewedSession: { conversationId: open.id, at: Date.now() } });
        return true;
      },

      async exportOpen() {
        const open = get().open;
        if (!open) return;
        set({ exported: null });
        const saved = await call(api.conversations.export({ id: open.id }));
        if (saved) set({ exported: { conversationId: open.id, path: saved.path } });
      },

      async showExport() {
        const exported = get().exported;
        if (exported) await call(api.app.showInFolder({ path: exported.path }));
      },

      patchOpen(id, change) {
        const copy = kept.get(id);
        if (copy) kept.set(id, change(copy));
        const open = get().open;
        if (open && open.id === id) set({ open: kept.get(id) ?? change(open) });
      },

      draftOf: (key) => drafts.get(key) ?? '',
      keepDraft(key, text) {
        if (text) drafts.set(key, text);
        else drafts.delete(key);
      },
      scrollOf: (id) => scrolls.get(id),
      keepScroll(id, place) {
        scrolls.set(id, place);
      },

      reset() {
        opening.reset();
        searching.reset();
        paging.reset();
        loadingMore = false;
        kept.clear();
        drafts.clear();
        scrolls.clear();
        set(initial);
        void get().search('');
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}

/** `messages`, each waiting agent action that main's copy (`saved`) has decided taking that decision. */
export function withDecisions(messages: ChatMessage[], saved: readonly ChatMessage[]): ChatMessage[] {
  const decided = new Map(saved.filter((m) => m.agent?.decision).map((m) => [m.id, m]));
  if (decided.size === 0) return messages;
  let changed = false;
  const next = messages.map((message) => {
    const main = decided.get(message.id);
    if (!main || message.status === 'streaming' || !isWaiting(message.agent)) return message;
    changed = true;
    return { ...message, agent: reuseUnchanged(message.agent, main.agent!) };
  });
  return changed ? next : messages;
}

/**
 * The list after main's change: deleted and changed entries leave, changed
 * ones come back in their place by date. With more pages still to load, a
 * changed conversation older than the last one loaded is left for its page.
 */
export function mergeChange(list: ConversationSummary[], morePages: boolean, change: ConversationsChange): ConversationSummary[] {
  const last = list.at(-1);
  const gone = new Set([...change.removed, ...change.changed.map((c) => c.id)]);
  const kept = list.filter((c) => !gone.has(c.id));
  const added = change.changed.filter((c) => !morePages || !last || newestFirst(c, last) <= 0);
  return [...kept, ...added].sort(newestFirst);
}

function newestFirst(a: ConversationSummary, b: ConversationSummary): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
