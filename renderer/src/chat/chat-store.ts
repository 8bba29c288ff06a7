/**
 * The answers under way: send, stop and regenerate, and the stream of
 * events that carries each answer in. Streamed text is kept here per
 * message (for every conversation, open or not), so a delta changes one
 * entry and nothing else; the saved message from main replaces it when the
 * answer ends. The renderer can always ask main what is running
 * (`catchUp`), so a window that connects late, or misses an event, shows
 * the whole text and never a Stop button for an answer that has ended.
 * An agent's answer also carries its trace, sources and handed-back action
 * (`agent` events, each the whole of it so far); the person's answer to that
 * action (`answerAction`) starts the agent's next answer, as send does.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AgentAnswer,
  AppError,
  ChatEvent,
  ChatMessage,
  ChatStarted,
  Conversation,
  ConversationSettingsPatch,
  Result,
  StrataApi,
} from '../../../preload/contract';
import { isWaiting, reuseUnchanged } from '../agents/agent-answer';
import { latestWins } from '../shared/latest';
import { NEW_CONVERSATION, type ConversationsStore } from './conversations-store';
import type { ModelsStore } from './models-store';

/** The part of `window.strata` the chat needs; tests pass a fake. */
export type ChatApi = Pick<StrataApi, 'chat' | 'app'>;

export type UseModelFix = NonNullable<AppError['fix']>;

/** The person's answer to an action an agent handed back: approve or deny it, or what to tell the agent. */
export type ActionAnswer = { kind: 'confirm'; confirmed: boolean } | { kind: 'result'; text: string };

export interface ChatStoreState {
  /** conversationId → requestId of the answers streaming. */
  active: Record<string, string>;
  /** Conversations (NEW_CONVERSATION for a new one) whose send or regenerate has not been answered yet. */
  pending: Record<string, true>;
  /** messageId → the answer as streamed so far, while it streams. */
  live: Record<string, ChatMessage>;
  /** A request that failed outright (an answer's own failure is kept on its message). */
  error: AppError | null;
  /** Said politely to screen readers: an answer finished, or why it stopped. */
  announcement: string;

  /** Follows the stream's events and catches up on what is running; returns the unsubscribe. */
  connect(): () => void;
  /** Asks main which answers are running and with what text, and settles what ended unseen. */
  catchUp(): Promise<void>;
  /** Sends in the conversation on screen; on a new one, creates it with `settings`. */
  send(text: string, settings?: ConversationSettingsPatch): Promise<boolean>;
  /** Stops the answer of the conversation on screen (as soon as its request id is known). */
  stop(): Promise<void>;
  /** Answers the last question of the open conversation again. */
  regenerate(): Promise<boolean>;
  /**
   * Sends the person's answer to the action the agent handed back in `messageId` (the open
   * conversation's last answer); the agent's next answer then streams in as a new message.
   */
  answerAction(messageId: string, answer: ActionAnswer): Promise<boolean>;
  /** Applies an error's fix: switches the conversation's model, then answers again. */
  applyFix(fix: UseModelFix): Promise<void>;
  /** Opens a link from an answer in the system browser, through main's allow-list. */
  openLink(href: string): Promise<void>;
  /** Forgets everything (the person signed out or changed). */
  reset(): void;
  dismissError(): void;
}

export type ChatStore = StoreApi<ChatStoreState>;

type DeltaEvent = Extract<ChatEvent, { type: 'text' | 'reasoning' }>;
type AgentEvent = Extract<ChatEvent, { type: 'agent' }>;
/** What waits for the next frame: text, and agents' answers as they stand. */
type FrameEvent = DeltaEvent | AgentEvent;

/** Runs `apply` before the next paint; undefined: apply each delta at once. */
export type FrameScheduler = (apply: () => void) => void;

const animationFrame: FrameScheduler | undefined =
  typeof requestAnimationFrame === 'function' ? (apply) => void requestAnimationFrame(apply) : undefined;

/** Whether a conversation's answer is under way (streaming, or asked for and not yet answered). */
export function isBusy(state: Pick<ChatStoreState, 'active' | 'pending'>, key: string | undefined): boolean {
  return key !== undefined && (state.active[key] !== undefined || state.pending[key] === true);
}

/** The message to show: the streamed copy while it streams. */
export function shownMessage(state: Pick<ChatStoreState, 'live'>, message: ChatMessage): ChatMessage {
  return message.status === 'streaming' ? (state.live[message.id] ?? message) : message;
}

/**
 * Adds a delta that starts at `offset` to `have`: the part already there is
 * skipped; null when text before the delta is missing (a gap).
 */
export function appendAt(have: string, delta: string, offset: number): string | null {
  if (offset > have.length) return null;
  const overlap = have.length - offset;
  return overlap >= delta.length ? have : have + delta.slice(overlap);
}

/** The copy with more of the answer: what main says it has, or what arrived here already. */
function fuller(here: ChatMessage | undefined, main: ChatMessage): ChatMessage {
  if (!here) return main;
  const text = here.text.length >= main.text.length ? here.text : main.text;
  const reasoning = (here.reasoning ?? '').length >= (main.reasoning ?? '').length ? here.reasoning : main.reasoning;
  // An agent's trace only grows: the copy with more steps is the later one.
  const agent = main.agent && here.agent && here.agent.steps.length > main.agent.steps.length ? here.agent : keepAgent(here.agent, main.agent);
  return { ...main, text, ...(reasoning ? { reasoning } : {}), ...(agent ? { agent } : {}) };
}

/** `after`, keeping the parts of `before` that did not change (so what shows them need not draw again). */
function keepAgent(before: AgentAnswer | undefined, after: AgentAnswer | undefined): AgentAnswer | undefined {
  return after && reuseUnchanged(before, after);
}

/** `message` as saved, keeping the parts of its agent's answer that `shown` already has. */
function withKeptAgent(shown: ChatMessage | undefined, message: ChatMessage): ChatMessage {
  if (!message.agent || !shown?.agent) return message;
  const agent = reuseUnchanged(shown.agent, message.agent);
  return agent === message.agent ? message : { ...message, agent };
}

const without = <T,>(record: Record<string, T>, key: string): Record<string, T> => {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
};

/** An assistant message that is starting to stream, before main's copy of it is here. */
const newAnswer = (id: string): ChatMessage => ({ id, role: 'assistant', text: '', createdAt: Date.now(), status: 'streaming' });

const replaceMessage = (conversation: Conversation, message: ChatMessage): Conversation =>
  conversation.messages.some((m) => m.id === message.id)
    ? { ...conversation, messages: conversation.messages.map((m) => (m.id === message.id ? message : m)) }
    : { ...conversation, messages: [...conversation.messages, message] };

/**
 * The chat store. Streamed deltas are applied at most once per frame
 * (`frame`, requestAnimationFrame in the window): however fast text
 * arrives, the answer re-renders once before each paint.
 */
export function createChatStore(
  api: ChatApi,
  stores: { conversations: ConversationsStore; models: ModelsStore },
  { frame = animationFrame }: { frame?: FrameScheduler } = {},
): ChatStore {
  const { conversations, models } = stores;
  const catching = latestWins();
  /** Answers that ended before send() answered: messageId → the saved message. */
  const ended = new Map<string, ChatMessage>();
  /** Conversations whose Stop was pressed before their request id was known. */
  const stopWanted = new Set<string>();

  /** The conversation on screen, by the key its pending state and draft use. */
  const onScreen = (): string => {
    const { selectedId } = conversations.getState();
    return selectedId ?? NEW_CONVERSATION;
  };

  return createStore<ChatStoreState>()((set, get) => {
    function requestStop(key: string, requestId: string) {
      stopWanted.delete(key);
      void api.chat.stop({ requestId }).then((result) => {
        if (!result.ok) set({ error: result.error, announcement: result.error.message });
      });
    }

    function track(conversationId: string, requestId: string) {
      set((state) => ({ active: { ...state.active, [conversationId]: requestId } }));
      if (stopWanted.has(conversationId)) requestStop(conversationId, requestId);
    }

    /** Deltas (and agents' answers) that arrived since the last frame: applied together, in one store update. */
    let buffered: FrameEvent[] = [];
    let scheduled = false;

    /** The message as shown now: the streamed copy, or (opened while it streams) main's copy in the conversation. */
    function streamingCopy(live: Record<string, ChatMessage>, messageId: string): ChatMessage | undefined {
      return live[messageId] ?? conversations.getState().open?.messages.find((m) => m.id === messageId && m.status === 'streaming');
    }

    function onDelta(event: FrameEvent) {
      buffered.push(event);
      if (!frame) return applyDeltas();
      if (scheduled) return;
      scheduled = true;
      frame(() => {
        scheduled = false;
        applyDeltas();
      });
    }

    function applyDeltas() {
      if (buffered.length === 0) return;
      const events = buffered;
      buffered = [];
      const state = get();
      let live = state.live;
      let gap = false;
      const started = new Map<string, string>();
      for (const event of events) {
        // Opened while it streams: main's copy of the conversation carries the text so far.
        const current = streamingCopy(live, event.messageId);
        if (event.type === 'agent') {
          // The whole answer as it stands: it replaces the one before, keeping what did not change.
          const agent = reuseUnchanged(current?.agent, event.agent);
          if (current?.agent !== agent) {
            if (live === state.live) live = { ...live };
            live[event.messageId] = { ...(current ?? newAnswer(event.messageId)), agent };
          }
          if (state.active[event.conversationId] !== event.requestId) started.set(event.conversationId, event.requestId);
          continue;
        }
        const have = current ? (event.type === 'text' ? current.text : (current.reasoning ?? '')) : '';
        const next = current || event.offset === 0 ? appendAt(have, event.delta, event.offset) : null;
        if (next === null) {
          // Something before this delta never arrived here: take the whole text from main instead.
          gap = true;
          continue;
        }
        const base: ChatMessage = current ?? newAnswer(event.messageId);
        if (live === state.live) live = { ...live };
        live[event.messageId] = event.type === 'text' ? { ...base, text: next } : { ...base, reasoning: next };
        if (state.active[event.conversationId] !== event.requestId) started.set(event.conversationId, event.requestId);
      }
      if (live !== state.live) set({ live });
      for (const [conversationId, requestId] of started) track(conversationId, requestId);
      if (gap) void get().catchUp();
    }

    function onEvent(event: ChatEvent): void {
      // The answer's start and end keep their place after the text that came before them.
      if (event.type !== 'text' && event.type !== 'reasoning' && event.type !== 'agent') applyDeltas();
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
        case 'reasoning':
        case 'agent':
          onDelta(event);
          return;
        case 'done':
        case 'failed': {
          const message = withKeptAgent(streamingCopy(get().live, event.message.id), event.message);
          ended.set(message.id, message);
          stopWanted.delete(event.conversationId);
          conversations.getState().patchOpen(event.conversationId, (open) => replaceMessage(open, message));
          if (event.type === 'failed' && event.error.code === 'model-access-denied' && event.message.modelId) {
            models.getState().markUnavailable(event.message.modelId);
          }
          set((state) => ({
            live: without(state.live, event.message.id),
            active: state.active[event.conversationId] === event.requestId ? without(state.active, event.conversationId) : state.active,
            announcement:
              event.type === 'failed'
                ? `The answer stopped. ${event.error.message}`
                : isWaiting(message.agent)
                  ? `Answer finished. ${message.agent!.action!.kind === 'confirm' ? 'The agent asks for your approval below it.' : 'The agent needs an answer from you below it.'}`
                  : 'Answer finished.',
          }));
          return;
        }
      }
    }

    /** Applies what send or regenerate answered; events may have come first, even the answer's end. */
    async function start(key: string, request: Promise<Result<ChatStarted>>, show: (conversation: Conversation) => void): Promise<boolean> {
      set((state) => ({ pending: { ...state.pending, [key]: true }, error: null }));
      const result = await request;
      set((state) => ({ pending: without(state.pending, key) }));
      if (!result.ok) {
        stopWanted.delete(key);
        set({ error: result.error, announcement: result.error.message });
        return false;
      }
      const { conversation, requestId } = result.value;
      const shown = conversations.getState().open;
      const messages = conversation.messages.map(
        (m) => ended.get(m.id) ?? withKeptAgent(get().live[m.id] ?? (shown?.id === conversation.id ? shown.messages.find((s) => s.id === m.id) : undefined), m),
      );
      show({ ...conversation, messages });
      if (stopWanted.delete(key)) stopWanted.add(conversation.id);
      if (messages.some((m) => m.status === 'streaming')) track(conversation.id, requestId);
      else stopWanted.delete(conversation.id);
      return true;
    }

    return {
      active: {},
      pending: {},
      live: {},
      error: null,
      announcement: '',

      connect() {
        const off = api.chat.onEvent(onEvent);
        void get().catchUp();
        return off;
      },

      async catchUp() {
        const latest = catching.begin();
        // What this window thought was running when it asked: only those can have ended unseen.
        const asked = get().active;
        const result = await api.chat.running();
        if (!latest() || !result.ok) return;
        const running = new Map(result.value.map((answer) => [answer.conversationId, answer]));
        const runningMessages = new Set(result.value.map((answer) => answer.message.id));
        set((state) => {
          const active = { ...state.active };
          for (const [conversationId, requestId] of Object.entries(asked)) {
            if (running.get(conversationId)?.requestId !== requestId && active[conversationId] === requestId) delete active[conversationId];
          }
          const live = { ...state.live };
          for (const [conversationId, answer] of running) {
            active[conversationId] = answer.requestId;
            live[answer.message.id] = fuller(live[answer.message.id], answer.message);
          }
          return { active, live };
        });
        // The conversation on screen shows an answer as streaming that has ended: load it as saved.
        const open = conversations.getState().open;
        if (open?.messages.some((m) => m.status === 'streaming' && !runningMessages.has(m.id) && !ended.has(m.id))) {
          void conversations.getState().select(open.id);
        }
      },

      async send(text, settings) {
        const { open, selectedId } = conversations.getState();
        // A conversation still loading cannot take a message yet.
        if (selectedId !== null && open?.id !== selectedId) return false;
        const key = open?.id ?? NEW_CONVERSATION;
        if (isBusy(get(), key)) return false;
        ended.clear();
        if (open) {
          return start(key, api.chat.send({ conversationId: open.id, text }), (conversation) =>
            conversations.getState().patchOpen(conversation.id, () => conversation),
          );
        }
        return start(key, api.chat.send({ conversationId: null, text, ...(settings ? { settings } : {}) }), (conversation) =>
          conversations.getState().adoptNew(conversation),
        );
      },

      async stop() {
        const key = onScreen();
        const requestId = get().active[key];
        if (requestId) requestStop(key, requestId);
        else if (get().pending[key]) stopWanted.add(key);
      },

      async regenerate() {
        const open = conversations.getState().open;
        if (!open || isBusy(get(), open.id)) return false;
        ended.clear();
        // The old answer goes at once; the new one streams in its place.
        const last = open.messages.at(-1);
        if (last?.role === 'assistant') conversations.getState().patchOpen(open.id, (c) => ({ ...c, messages: c.messages.slice(0, -1) }));
        const started = await start(open.id, api.chat.regenerate({ conversationId: open.id }), (conversation) =>
          conversations.getState().patchOpen(conversation.id, () => conversation),
        );
        // Refused: put the old answer back.
        if (!started) conversations.getState().patchOpen(open.id, (c) => (c.messages.length < open.messages.length ? { ...c, messages: open.messages } : c));
        return started;
      },

      async answerAction(messageId, answer) {
        const open = conversations.getState().open;
        if (!open || isBusy(get(), open.id)) return false;
        ended.clear();
        const started = await start(open.id, api.chat.answerAction({ conversationId: open.id, messageId, answer }), (conversation) =>
          conversations.getState().patchOpen(conversation.id, () => conversation),
        );
        if (started) {
          set({
            announcement:
              answer.kind === 'result' ? 'Your answer was sent. The agent goes on.' : answer.confirmed ? 'Approved. The agent goes on.' : 'Denied. The agent goes on without it.',
          });
        }
        return started;
      },

      async applyFix(fix) {
        if (!(await conversations.getState().updateSettings({ modelId: fix.modelId }))) return;
        void models.getState().choose(fix.modelId);
        await get().regenerate();
      },

      async openLink(href) {
        const result = await api.app.openExternal({ url: href });
        if (!result.ok) set({ error: result.error, announcement: result.error.message });
      },

      reset() {
        catching.reset();
        buffered = [];
        ended.clear();
        stopWanted.clear();
        set({ active: {}, pending: {}, live: {}, error: null, announcement: '' });
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
