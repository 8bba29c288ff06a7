import { describe, expect, it, vi } from 'vitest';
import type {
  AgentAnswer,
  AgentConversation,
  AgentTraceStep,
  AppError,
  ChatEvent,
  ChatMessage,
  ChatStarted,
  Conversation,
  ConversationSettingsPatch,
  Result,
  RunningAnswer,
} from '../../preload/contract';
import { createChatStore, isBusy, shownMessage, type ChatApi } from '../../renderer/src/chat/chat-store';
import { createConversationsStore, NEW_CONVERSATION, type ConversationsApi } from '../../renderer/src/chat/conversations-store';
import { createModelsStore, type ModelsApi } from '../../renderer/src/chat/models-store';

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const failed = (error: AppError): Result<never> => ({ ok: false, error });

const LIBRARIAN: AgentConversation = { agentId: 'LIBRARIAN1', aliasId: 'LIBLIVE001', name: 'Handbook librarian', sessionId: 'session-1' };

const conversation = (id: string, messages: ChatMessage[] = [], agent: AgentConversation | null = LIBRARIAN): Conversation => ({
  id,
  title: 'Leave',
  createdAt: 1,
  updatedAt: 1,
  modelId: 'writer',
  messageCount: messages.length,
  preview: '',
  settings: { modelId: 'writer', systemPrompt: '', ...(agent ? { agent } : {}) },
  messages,
});
const user = (text: string): ChatMessage => ({ id: `u-${text}`, role: 'user', text, createdAt: 1, status: 'complete' });
const step = (id: string, over: Partial<AgentTraceStep> = {}): AgentTraceStep => ({ id, kind: 'thinking', title: `Step ${id}`, raw: [{ id }], ...over });
const agentAnswer = (over: Partial<AgentAnswer> = {}): AgentAnswer => ({ name: 'Handbook librarian', steps: [], sources: [], citations: [], ...over });
const streaming = (id: string, agent = agentAnswer()): ChatMessage => ({ id, role: 'assistant', text: '', createdAt: 1, status: 'streaming', agent });
const CANCEL = { invocationId: 'inv-1', kind: 'confirm' as const, actionGroup: 'orders', operation: 'cancelOrder', parameters: [{ name: 'orderId', value: '1234' }] };
const waiting = (id: string): ChatMessage => ({
  id,
  role: 'assistant',
  text: 'I can cancel order 1234 once you approve.',
  createdAt: 1,
  status: 'complete',
  agent: agentAnswer({ steps: [step('s1')], action: CANCEL }),
});

function setup() {
  let emit: (event: ChatEvent) => void = () => {};
  const frames: Array<() => void> = [];
  const api = {
    conversations: {
      list: vi.fn(() => Promise.resolve(ok({ items: [], nextCursor: null }))),
      get: vi.fn(({ id }: { id: string }): Promise<Result<Conversation>> => Promise.resolve(ok(conversation(id)))),
      updateSettings: vi.fn(
        ({ id, settings }: { id: string; settings: ConversationSettingsPatch }): Promise<Result<Conversation>> =>
          Promise.resolve(ok(conversation(id, [], settings.agent ?? null))),
      ),
      onChanged: () => () => {},
    },
    models: { list: vi.fn(), choose: vi.fn(() => Promise.resolve(ok(null))) },
    chat: {
      send: vi.fn((_input: { conversationId: string | null; text: string; settings?: ConversationSettingsPatch }): Promise<Result<ChatStarted>> => new Promise(() => {})),
      answerAction: vi.fn(
        (_input: { conversationId: string; messageId: string; answer: { kind: 'confirm'; confirmed: boolean } | { kind: 'result'; text: string } }): Promise<Result<ChatStarted>> =>
          new Promise(() => {}),
      ),
      stop: vi.fn(() => Promise.resolve(ok(null))),
      running: vi.fn((): Promise<Result<RunningAnswer[]>> => Promise.resolve(ok([]))),
      onEvent: (listener: (event: ChatEvent) => void) => {
        emit = listener;
        return () => {};
      },
    },
    app: { openExternal: vi.fn(() => Promise.resolve(ok(null))) },
  };
  const conversations = createConversationsStore(api as unknown as ConversationsApi);
  const models = createModelsStore(api as unknown as ModelsApi);
  const chat = createChatStore(api as unknown as ChatApi, { conversations, models }, { frame: (apply) => void frames.push(apply) });
  conversations.getState().connect();
  chat.getState().connect();
  const nextFrame = () => frames.splice(0).forEach((apply) => apply());
  const shown = (id: string) => {
    const message = conversations.getState().open!.messages.find((m) => m.id === id)!;
    return shownMessage(chat.getState(), message);
  };
  return { api, conversations, chat, frames, nextFrame, shown, emit: (event: ChatEvent) => emit(event) };
}

const base = { requestId: 'r1', conversationId: 'c1' };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('chat store: an agent answer as it streams', () => {
  it('applies the latest agent event with the text of the same frame, in one store update, the latest replacing the one before', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('leave?'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    let updates = 0;
    t.chat.subscribe(() => updates++);

    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: agentAnswer({ steps: [step('s1')] }) });
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'Five days.', offset: 0 });
    const latest = agentAnswer({
      steps: [step('s1'), step('s2', { kind: 'knowledge-base' })],
      sources: [{ number: 1, kind: 's3', location: 's3://handbook/leave.pdf', passage: 'Five days.' }],
      citations: [{ start: 0, end: 10, sources: [1] }],
    });
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: latest });
    expect(updates).toBe(0);
    expect(t.frames).toHaveLength(1);
    t.nextFrame();
    expect(updates).toBe(1);
    expect(t.shown('a1')).toMatchObject({ text: 'Five days.', status: 'streaming', agent: latest });
  });

  it('keeps the objects of unchanged steps from one event to the next, so the timeline draws only what changed', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('leave?'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    const steps = Array.from({ length: 200 }, (_, i) => step(`s${i}`));
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: agentAnswer({ steps }) });
    t.nextFrame();
    const before = t.shown('a1').agent!;

    // Each event is a fresh copy (as IPC delivers it), with one step more.
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: structuredClone(agentAnswer({ steps: [...steps, step('s200')] })) });
    t.nextFrame();
    const after = t.shown('a1').agent!;
    expect(after.steps).toHaveLength(201);
    for (let i = 0; i < 200; i++) expect(after.steps[i]).toBe(before.steps[i]);

    // Nothing new: nothing in the store changes.
    let updates = 0;
    t.chat.subscribe(() => updates++);
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: structuredClone(after) });
    t.nextFrame();
    expect(updates).toBe(0);
    expect(t.shown('a1').agent).toBe(after);
  });

  it('an agent event for an answer not seen starting starts following it (a window that joined late)', () => {
    const t = setup();
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: agentAnswer({ steps: [step('s1')] }) });
    t.nextFrame();
    expect(t.chat.getState().active).toEqual({ c1: 'r1' });
    expect(t.chat.getState().live.a1?.agent?.steps).toHaveLength(1);
  });

  it('the saved message replaces the streamed one at the end, keeping the step objects already shown', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('cancel 1234'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: agentAnswer({ steps: [step('s1')] }) });
    t.nextFrame();
    const shownStep = t.shown('a1').agent!.steps[0];
    const saved = { ...waiting('a1'), agent: structuredClone(waiting('a1').agent!) };
    t.emit({ type: 'done', ...base, message: saved });
    const message = t.shown('a1');
    expect(message.status).toBe('complete');
    expect(message.agent!.action).toEqual(CANCEL);
    expect(message.agent!.steps[0]).toBe(shownStep);
    expect(t.chat.getState().live).toEqual({});
    expect(t.chat.getState().announcement).toBe('Answer finished. The agent asks for your approval below it.');
  });

  it('catching up takes main\'s copy of the trace unless this window has more of it', async () => {
    const t = setup();
    t.emit({ type: 'agent', ...base, messageId: 'a1', agent: agentAnswer({ steps: [step('s1'), step('s2')] }) });
    t.nextFrame();
    t.api.chat.running.mockResolvedValueOnce(ok([{ ...base, message: { ...streaming('a1', agentAnswer({ steps: [step('s1')] })), text: 'Five' } }]));
    await t.chat.getState().catchUp();
    expect(t.chat.getState().live.a1).toMatchObject({ text: 'Five' });
    expect(t.chat.getState().live.a1!.agent!.steps).toHaveLength(2);
  });
});

describe('chat store: answering an action the agent handed back', () => {
  async function waitingConversation() {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('cancel 1234'), waiting('a1')])));
    await t.conversations.getState().select('c1');
    return t;
  }

  it('sends the person\'s decision for that message, and shows the decision and the agent\'s next answer as main returns them', async () => {
    const t = await waitingConversation();
    let answer: (result: Result<ChatStarted>) => void = () => {};
    t.api.chat.answerAction.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const sent = t.chat.getState().answerAction('a1', { kind: 'confirm', confirmed: true });
    expect(t.api.chat.answerAction).toHaveBeenCalledWith({ conversationId: 'c1', messageId: 'a1', answer: { kind: 'confirm', confirmed: true } });
    // On its way: the card's buttons are disabled, and nothing else can be sent.
    expect(isBusy(t.chat.getState(), 'c1')).toBe(true);
    expect(await t.chat.getState().answerAction('a1', { kind: 'confirm', confirmed: false })).toBe(false);
    expect(t.api.chat.answerAction).toHaveBeenCalledOnce();

    const decided: ChatMessage = { ...waiting('a1'), agent: { ...waiting('a1').agent!, decision: { kind: 'confirmed' } } };
    answer(ok({ requestId: 'r2', conversation: conversation('c1', [user('cancel 1234'), decided, streaming('a2')]) }));
    expect(await sent).toBe(true);
    expect(t.shown('a1').agent!.decision).toEqual({ kind: 'confirmed' });
    expect(t.shown('a2').status).toBe('streaming');
    expect(t.chat.getState().active).toEqual({ c1: 'r2' });
    expect(t.chat.getState().announcement).toBe('Approved. The agent goes on.');
  });

  it('sends a typed answer as the result the agent asked for', async () => {
    const t = await waitingConversation();
    void t.chat.getState().answerAction('a1', { kind: 'result', text: '10:42' });
    expect(t.api.chat.answerAction).toHaveBeenCalledWith({ conversationId: 'c1', messageId: 'a1', answer: { kind: 'result', text: '10:42' } });
  });

  it('a refused answer shows as the chat\'s error and leaves the action waiting', async () => {
    const t = await waitingConversation();
    const error: AppError = { code: 'invalid-input', message: 'The agent is no longer waiting for this answer.' };
    t.api.chat.answerAction.mockResolvedValueOnce(failed(error));
    expect(await t.chat.getState().answerAction('a1', { kind: 'confirm', confirmed: false })).toBe(false);
    expect(t.chat.getState().error).toEqual(error);
    expect(t.chat.getState().announcement).toBe(error.message);
    expect(isBusy(t.chat.getState(), 'c1')).toBe(false);
    expect(t.shown('a1').agent!.decision).toBeUndefined();
  });

  it('the agent\'s next answer may start streaming before main answers: both end up on screen once', async () => {
    const t = await waitingConversation();
    let answer: (result: Result<ChatStarted>) => void = () => {};
    t.api.chat.answerAction.mockReturnValueOnce(new Promise((resolve) => (answer = resolve)));
    const sent = t.chat.getState().answerAction('a1', { kind: 'confirm', confirmed: true });
    t.emit({ type: 'started', requestId: 'r2', conversationId: 'c1', message: streaming('a2') });
    t.emit({ type: 'text', requestId: 'r2', conversationId: 'c1', messageId: 'a2', delta: 'Cancelled.', offset: 0 });
    t.nextFrame();
    const decided: ChatMessage = { ...waiting('a1'), agent: { ...waiting('a1').agent!, decision: { kind: 'confirmed' } } };
    answer(ok({ requestId: 'r2', conversation: conversation('c1', [user('cancel 1234'), decided, streaming('a2')]) }));
    await sent;
    const ids = t.conversations.getState().open!.messages.map((m) => m.id);
    expect(ids).toEqual(['u-cancel 1234', 'a1', 'a2']);
    expect(t.shown('a2').text).toBe('Cancelled.');
  });
});

describe('a new conversation with an agent, and a new session', () => {
  it('the first message carries the agent into the new conversation, as the model choice is', async () => {
    const t = setup();
    void t.chat.getState().send('How many days carry over?', { modelId: 'writer', agent: LIBRARIAN });
    expect(t.api.chat.send).toHaveBeenCalledWith({ conversationId: null, text: 'How many days carry over?', settings: { modelId: 'writer', agent: LIBRARIAN } });
    expect(isBusy(t.chat.getState(), NEW_CONVERSATION)).toBe(true);
  });

  it('a change of agent or session shows what main decided for an action that was waiting, keeping messages still streaming', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('cancel 1234'), waiting('a1')])));
    await t.conversations.getState().select('c1');
    const question = t.conversations.getState().open!.messages[0];
    const denied: ChatMessage = { ...waiting('a1'), agent: { ...waiting('a1').agent!, decision: { kind: 'denied', because: 'moved-on' } } };
    const fresh = { ...LIBRARIAN, sessionId: 'session-2' };
    t.api.conversations.updateSettings.mockResolvedValueOnce(ok(conversation('c1', [user('cancel 1234'), denied], fresh)));
    expect(await t.conversations.getState().updateSettings({ agent: fresh })).toBe(true);
    const open = t.conversations.getState().open!;
    expect(open.settings.agent).toEqual(fresh);
    expect(open.messages[1]!.agent!.decision).toEqual({ kind: 'denied', because: 'moved-on' });
    // The question is the same object: only what changed is drawn again.
    expect(open.messages[0]).toBe(question);
  });

  it('back to the model: the agent is gone from the settings', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1')));
    await t.conversations.getState().select('c1');
    t.api.conversations.updateSettings.mockResolvedValueOnce(ok(conversation('c1', [], null)));
    await t.conversations.getState().updateSettings({ agent: null });
    expect(t.api.conversations.updateSettings).toHaveBeenCalledWith({ id: 'c1', settings: { agent: null } });
    expect(t.conversations.getState().open!.settings.agent).toBeUndefined();
    await flush();
  });
});
