/**
 * The answers under way: send, stop and regenerate, and the stream of
 * events that carries each answer in. Streamed text is kept here per
 * message (for every conversation, open or not), so a delta changes one
 * entry and nothing else; the saved message from main replaces it when the
 * answer ends, in the open conversation of the conversations store.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError, ChatEvent, ChatMessage, ChatStarted, Conversation, Result, StrataApi } from '../../../preload/contract';
import type { ConversationsStore } from './conversations-store';
import type { ModelsStore } from './models-store';

/** The part of `window.strata` the chat needs; tests pass a fake. */
export type ChatApi = Pick<StrataApi, 'chat' | 'app'>;

export type UseModelFix = NonNullable<AppError['fix']>;

export interface ChatStoreState {
  /** conversationId → requestId of the answers streaming. */
  active: Record<string, string>;
  /** conversationIds whose send or regenerate has not been answered yet. */
  pending: Record<string, true>;
  /** messageId → the answer as streamed so far, while it streams. */
  live: Record<string, ChatMessage>;
  /** A request that failed outright (an answer's own failure is kept on its message). */
  error: AppError | null;
  /** Said politely to screen readers: an answer finished, or why it stopped. */
  announcement: string;

  /** Follows the stream's events; returns the unsubscribe. */
  connect(): () => void;
  /** Sends in the open conversation, creating one (with `modelId`, if given) when none is open. */
  send(text: string, modelId?: string): Promise<boolean>;
  /** Stops the open conversation's answer (as soon as its request id is known). */
  stop(): Promise<void>;
  /** Answers the last question of the open conversation again. */
  regenerate(): Promise<boolean>;
  /** Applies an error's fix: switches the conversation's model, then answers again. */
  applyFix(fix: UseModelFix): Promise<void>;
  /** Opens a link from an answer in the system browser, through main's allow-list. */
  openLink(href: string): Promise<void>;
  dismissError(): void;
}

export type ChatStore = StoreApi<ChatStoreState>;

/** Whether the open conversation's answer is under way (streaming or not yet answered). */
export function isBusy(state: Pick<ChatStoreState, 'active' | 'pending'>, conversationId: string | undefined): boolean {
  return conversationId !== undefined && (state.active[conversationId] !== undefined || state.pending[conversationId] === true);
}

/** The message to show: the streamed copy while it streams. */
export function shownMessage(state: Pick<ChatStoreState, 'live'>, message: ChatMessage): ChatMessage {
  return message.status === 'streaming' ? (state.live[message.id] ?? message) : message;
}

const without = <T,>(record: Record<string, T>, key: string): Record<string, T> => {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
};

const replaceMessage = (conversation: Conversation, message: ChatMessage): Conversation =>
  conversation.messages.some((m) => m.id === message.id)
    ? { ...conversation, messages: conversation.messages.map((m) => (m.id === message.id ? message : m)) }
    : { ...conversation, messages: [...conversation.messages, message] };

export function createChatStore(api: ChatApi, stores: { conversations: ConversationsStore; models: ModelsStore }): ChatStore {
  const { conversations } = stores;
  /** Answers that ended before send() answered: messageId → the saved message. */
  const ended = new Map<string, ChatMessage>();
  /** Conversations whose Stop was pressed before their request id was known. */
  const stopWanted = new Set<string>();

  return createStore<ChatStoreState>()((set, get) => {
    function requestStop(conversationId: string, requestId: string) {
      stopWanted.delete(conversationId);
      void api.chat.stop(requestId).then((result) => {
        if (!result.ok) set({ error: result.error, announcement: result.error.message });
      });
    }

    function track(conversationId: string, requestId: string) {
      set((state) => ({ active: { ...state.active, [conversationId]: requestId } }));
      if (stopWanted.has(conversationId)) requestStop(conversationId, requestId);
    }

    function onEvent(event: ChatEvent): void {
      switch (event.type) {
        case 'started': {
          set((state) => ({ live: { ...state.live, [event.message.id]: state.live[event.message.id] ?? event.message } }));
          track(event.conversationId, event.requestId);
          conversations.getState().patchOpen(event.conversationId, (open) =>
            open.messages.some((m) => m.id === event.message.id) ? open : { ...open, messages: [...open.messages, event.message] },
          );
          return;
        }
        case 'text':
        case 'reasoning': {
          set((state) => {
            const current: ChatMessage = state.live[event.messageId] ??
              // Joined mid-answer: carry on from main's copy of what had arrived.
              conversations.getState().open?.messages.find((m) => m.id === event.messageId && m.status === 'streaming') ?? {
              id: event.messageId,
              role: 'assistant',
              text: '',
              createdAt: Date.now(),
              status: 'streaming',
            };
            const next =
              event.type === 'text'
                ? { ...current, text: current.text + event.delta }
                : { ...current, reasoning: (current.reasoning ?? '') + event.delta };
            return { live: { ...state.live, [event.messageId]: next } };
          });
          // Joined mid-answer (the window reloaded): the deltas still say which request to stop.
          if (get().active[event.conversationId] === undefined) track(event.conversationId, event.requestId);
          return;
        }
        case 'done':
        case 'failed': {
          ended.set(event.message.id, event.message);
          stopWanted.delete(event.conversationId);
          conversations.getState().patchOpen(event.conversationId, (open) => replaceMessage(open, event.message));
          set((state) => ({
            live: without(state.live, event.message.id),
            active: state.active[event.conversationId] === event.requestId ? without(state.active, event.conversationId) : state.active,
            announcement: event.type === 'failed' ? `The answer stopped. ${event.error.message}` : 'Answer finished.',
          }));
          return;
        }
      }
    }

    /** Applies what send or regenerate answered; events may have come first, even the answer's end. */
    async function start(conversationId: string, request: Promise<Result<ChatStarted>>): Promise<boolean> {
      set((state) => ({ pending: { ...state.pending, [conversationId]: true }, error: null }));
      const result = await request;
      set((state) => ({ pending: without(state.pending, conversationId) }));
      if (!result.ok) {
        stopWanted.delete(conversationId);
        set({ error: result.error, announcement: result.error.message });
        return false;
      }
      const { conversation, requestId } = result.value;
      const messages = conversation.messages.map((m) => ended.get(m.id) ?? m);
      conversations.getState().patchOpen(conversationId, () => ({ ...conversation, messages }));
      if (messages.some((m) => m.status === 'streaming')) track(conversationId, requestId);
      return true;
    }

    return {
      active: {},
      pending: {},
      live: {},
      error: null,
      announcement: '',

      connect() {
        return api.chat.onEvent(onEvent);
      },

      async send(text, modelId) {
        const open = conversations.getState().open ?? (await conversations.getState().create(modelId ? { modelId } : undefined));
        if (!open) return false;
        ended.clear();
        return start(open.id, api.chat.send(open.id, text));
      },

      async stop() {
        const open = conversations.getState().open;
        if (!open) return;
        const requestId = get().active[open.id];
        if (requestId) requestStop(open.id, requestId);
        else if (get().pending[open.id]) stopWanted.add(open.id);
      },

      async regenerate() {
        const open = conversations.getState().open;
        if (!open || isBusy(get(), open.id)) return false;
        ended.clear();
        // The old answer goes at once; the new one streams in its place.
        const last = open.messages.at(-1);
        if (last?.role === 'assistant') conversations.getState().patchOpen(open.id, (c) => ({ ...c, messages: c.messages.slice(0, -1) }));
        const started = await start(open.id, api.chat.regenerate(open.id));
        if (!started) conversations.getState().patchOpen(open.id, (c) => (c.messages.length < open.messages.length ? { ...c, messages: open.messages } : c));
        return started;
      },

      async applyFix(fix) {
        if (!(await conversations.getState().updateSettings({ modelId: fix.modelId }))) return;
        void stores.models.getState().choose(fix.modelId);
        await get().regenerate();
      },

      async openLink(href) {
        const result = await api.app.openExternal(href);
        if (!result.ok) set({ error: result.error, announcement: result.error.message });
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
