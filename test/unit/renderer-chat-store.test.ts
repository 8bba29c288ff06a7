import { describe, expect, it, vi } from 'vitest';
import { appendAt, createChatStore, isBusy, shownMessage, type ChatApi } from '../../renderer/src/chat/chat-store';
import { followPerson } from '../../renderer/src/session/follow-person';
import { createSessionStore, type SessionApi } from '../../renderer/src/session/session-store';
import { stopReasonText, usageText, formatRelativeTime } from '../../renderer/src/chat/chat-format';
import { createConversationsStore, mergeChange, NEW_CONVERSATION, type ConversationsApi } from '../../renderer/src/chat/conversations-store';
import { catalogIsEmpty, createModelsStore, defaultModelId, isUnavailable, type ModelsApi } from '../../renderer/src/chat/models-store';
import type {
  AppError,
  ChatEvent,
  ChatMessage,
  ChatStarted,
  Conversation,
  ConversationPage,
  ConversationSettingsPatch,
  ConversationsChange,
  ConversationSummary,
  ModelCatalog,
  Result,
  RunningAnswer,
  SessionStatus,
} from '../../preload/contract';

const ok = <T,>(value: T): Result<T> => ({ ok: true, value });
const failed = (error: AppError): Result<never> => ({ ok: false, error });

const conversation = (id: string, messages: ChatMessage[] = []): Conversation => ({
  id,
  title: 'Chat',
  createdAt: 1,
  updatedAt: 1,
  modelId: 'writer',
  messageCount: messages.length,
  preview: '',
  settings: { modelId: 'writer', systemPrompt: '' },
  messages,
});
const summary = (id: string, title = 'Chat'): ConversationSummary => {
  const { settings: _s, messages: _m, ...rest } = conversation(id);
  return { ...rest, title };
};
const user = (text: string): ChatMessage => ({ id: `u-${text}`, role: 'user', text, createdAt: 1, status: 'complete' });
const streaming = (id: string): ChatMessage => ({ id, role: 'assistant', text: '', createdAt: 1, status: 'streaming', modelId: 'writer' });
const answer = (id: string, text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  ...streaming(id),
  text,
  status: 'complete',
  stopReason: 'end_turn',
  ...extra,
});

const CATALOG: ModelCatalog = {
  region: 'us-east-1',
  groups: [
    {
      provider: 'Anthropic',
      models: [
        { id: 'writer', name: 'Writer', provider: 'Anthropic', via: 'model', baseModelId: 'writer', streaming: true },
        { id: 'us.thinker', name: 'US Thinker', provider: 'Anthropic', via: 'system-profile', baseModelId: 'thinker', streaming: true },
      ],
    },
  ],
  fetchedAt: 1,
};

function fakeApi() {
  let emit: (event: ChatEvent) => void = () => {};
  let changed: (change: ConversationsChange) => void = () => {};
  const api = {
    models: {
      list: vi.fn((_input: { refresh?: boolean }): Promise<Result<ModelCatalog>> => Promise.resolve(ok(CATALOG))),
      choose: vi.fn((_input: { modelId: string }) => Promise.resolve(ok(null))),
    },
    conversations: {
      list: vi.fn((_input: { query?: string; cursor?: string }): Promise<Result<ConversationPage>> => Promise.resolve(ok({ items: [], nextCursor: null }))),
      get: vi.fn(({ id }: { id: string }): Promise<Result<Conversation>> => Promise.resolve(ok(conversation(id)))),
      rename: vi.fn(({ id, title }: { id: string; title: string }) => Promise.resolve(ok(summary(id, title)))),
      updateSettings: vi.fn(({ id, settings }: { id: string; settings: ConversationSettingsPatch }): Promise<Result<Conversation>> =>
        Promise.resolve(ok({ ...conversation(id), settings: { modelId: 'writer', systemPrompt: '', ...settings } as Conversation['settings'] })),
      ),
      delete: vi.fn((_input: { id: string }): Promise<Result<null>> => Promise.resolve(ok(null))),
      export: vi.fn((_input: { id: string }): Promise<Result<{ path: string } | null>> => Promise.resolve(ok({ path: '/home/ada/Documents/Chat.md' }))),
      onChanged: (listener: (change: ConversationsChange) => void) => {
        changed = listener;
        return () => {};
      },
    },
    chat: {
      send: vi.fn((_input: { conversationId: string | null; text: string; settings?: ConversationSettingsPatch }): Promise<Result<ChatStarted>> => new Promise(() => {})),
      regenerate: vi.fn((_input: { conversationId: string }): Promise<Result<ChatStarted>> => new Promise(() => {})),
      stop: vi.fn((_input: { requestId: string }) => Promise.resolve(ok(null))),
      running: vi.fn((): Promise<Result<RunningAnswer[]>> => Promise.resolve(ok([]))),
      onEvent: (listener: (event: ChatEvent) => void) => {
        emit = listener;
        return () => {};
      },
    },
    app: {
      openExternal: vi.fn((_input: { url: string }): Promise<Result<null>> => Promise.resolve(ok(null))),
      showInFolder: vi.fn((_input: { path: string }): Promise<Result<null>> => Promise.resolve(ok(null))),
    },
  };
  return { api, emit: (e: ChatEvent) => emit(e), changed: (c: ConversationsChange) => changed(c) };
}

function setup(options: Parameters<typeof createChatStore>[2] = {}) {
  const fake = fakeApi();
  const conversations = createConversationsStore(fake.api as unknown as ConversationsApi);
  const models = createModelsStore(fake.api as unknown as ModelsApi);
  const chat = createChatStore(fake.api as unknown as ChatApi, { conversations, models }, options);
  conversations.getState().connect();
  chat.getState().connect();
  /** The open conversation's last message as the person sees it. */
  const lastShown = () => shownMessage(chat.getState(), conversations.getState().open!.messages.at(-1)!);
  /** A text delta that follows what main has sent of the answer so far. */
  const sent: Record<string, number> = {};
  const text = (messageId: string, delta: string, over: Partial<typeof base> = {}): ChatEvent => {
    const offset = sent[messageId] ?? 0;
    sent[messageId] = offset + delta.length;
    return { type: 'text', ...base, ...over, messageId, delta, offset };
  };
  return { ...fake, conversations, models, chat, lastShown, text };
}

const base = { requestId: 'r1', conversationId: 'c1' };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('chat store', () => {
  it('applies the deltas that arrive within a frame in one store update, in order, before the answer ends', async () => {
    const frames: Array<() => void> = [];
    const t = setup({ frame: (apply) => void frames.push(apply) });
    const nextFrame = () => frames.splice(0).forEach((apply) => apply());
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    let updates = 0;
    t.chat.subscribe(() => updates++);

    const words = Array.from({ length: 40 }, (_, i) => `word${i} `);
    for (const word of words) t.emit(t.text('a1', word));
    t.emit({ type: 'reasoning', ...base, messageId: 'a1', delta: 'hmm', offset: 0 });
    // Nothing is drawn until the frame; then once, with everything.
    expect(updates).toBe(0);
    expect(frames).toHaveLength(1);
    nextFrame();
    expect(updates).toBe(1);
    expect(t.lastShown()).toMatchObject({ text: words.join(''), reasoning: 'hmm', status: 'streaming' });

    // Text still waiting for its frame is applied before the answer's end, which then replaces it.
    t.emit(t.text('a1', 'end'));
    const final = answer('a1', `${words.join('')}end`);
    let seenBeforeEnd = '';
    const off = t.chat.subscribe((state) => (seenBeforeEnd ||= state.live.a1?.text ?? ''));
    t.emit({ type: 'done', ...base, message: final });
    off();
    expect(seenBeforeEnd).toBe(final.text);
    expect(t.chat.getState().live).toEqual({});
    nextFrame();
    expect(t.chat.getState().live).toEqual({});
    expect(t.conversations.getState().open!.messages.at(-1)).toBe(final);
  });

  it('streams deltas, even those that arrive before send() answers; the final message replaces the streaming one', async () => {
    const t = setup();
    t.api.chat.send.mockImplementation(async () => {
      t.emit({ type: 'started', ...base, message: streaming('a1') });
      t.emit(t.text('a1', 'Hel'));
      return ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) });
    });
    await t.conversations.getState().select('c1');
    expect(await t.chat.getState().send('hi')).toBe(true);
    t.emit(t.text('a1', 'lo'));
    t.emit({ type: 'reasoning', ...base, messageId: 'a1', delta: 'hmm', offset: 0 });
    expect(t.lastShown()).toMatchObject({ text: 'Hello', reasoning: 'hmm', status: 'streaming' });
    expect(t.chat.getState().active).toEqual({ c1: 'r1' });
    expect(isBusy(t.chat.getState(), 'c1')).toBe(true);

    const final = answer('a1', 'Hello', { usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } });
    t.emit({ type: 'done', ...base, message: final });
    expect(t.conversations.getState().open!.messages.at(-1)).toBe(final);
    expect(t.chat.getState().live).toEqual({});
    expect(t.chat.getState().active).toEqual({});
    expect(t.chat.getState().announcement).toBe('Answer finished.');
  });

  it('an answer that ends before send() answers stays ended', async () => {
    const t = setup();
    const final = answer('a1', 'Quick.');
    t.api.chat.send.mockImplementation(async () => {
      t.emit({ type: 'started', ...base, message: streaming('a1') });
      t.emit(t.text('a1', 'Quick.'));
      t.emit({ type: 'done', ...base, message: final });
      return ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) });
    });
    await t.conversations.getState().select('c1');
    await t.chat.getState().send('hi');
    expect(t.conversations.getState().open!.messages.at(-1)).toBe(final);
    expect(isBusy(t.chat.getState(), 'c1')).toBe(false);
  });

  it('events of another conversation do not touch the open one', async () => {
    const t = setup();
    await t.conversations.getState().select('c2');
    const before = t.conversations.getState().open;
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    t.emit(t.text('a1', 'elsewhere'));
    t.emit({ type: 'done', ...base, message: answer('a1', 'elsewhere') });
    expect(t.conversations.getState().open).toBe(before);
    expect(t.conversations.getState().open!.messages).toEqual([]);
    expect(isBusy(t.chat.getState(), 'c2')).toBe(false);
  });

  it('keeps streaming an answer of another conversation, and shows it when that one is opened', async () => {
    const t = setup();
    await t.conversations.getState().select('c2');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    t.emit(t.text('a1', 'So far'));
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    expect(t.lastShown()).toMatchObject({ text: 'So far', status: 'streaming' });
    expect(isBusy(t.chat.getState(), 'c1')).toBe(true);
  });

  it('joining an answer mid-way (the window reloaded) carries on from main\'s copy and can still stop it', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), { ...streaming('a1'), text: 'Hel' }])));
    await t.conversations.getState().select('c1');
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'lo', offset: 3 });
    expect(t.lastShown()).toMatchObject({ text: 'Hello', status: 'streaming' });
    await t.chat.getState().stop();
    expect(t.api.chat.stop).toHaveBeenCalledWith({ requestId: 'r1' });
  });

  it('stop asks main with the request id; stopped before the id is known, it stops as soon as it is', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    await t.chat.getState().stop();
    expect(t.api.chat.stop).toHaveBeenCalledWith({ requestId: 'r1' });
    t.emit({ type: 'done', ...base, message: answer('a1', 'Part', { status: 'interrupted', stopReason: undefined }) });
    expect(t.lastShown()).toMatchObject({ status: 'interrupted', text: 'Part' });

    let reply: (result: Result<ChatStarted>) => void = () => {};
    t.api.chat.send.mockImplementation(() => new Promise((resolve) => (reply = resolve)));
    const sending = t.chat.getState().send('again');
    await flush();
    expect(isBusy(t.chat.getState(), 'c1')).toBe(true);
    await t.chat.getState().stop();
    expect(t.api.chat.stop).toHaveBeenCalledTimes(1);
    reply(ok({ requestId: 'r2', conversation: conversation('c1', [user('again'), streaming('a2')]) }));
    await sending;
    expect(t.api.chat.stop).toHaveBeenLastCalledWith({ requestId: 'r2' });
  });

  it('a failed answer keeps its partial text and error, and says why', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    t.emit(t.text('a1', 'Part'));
    const error: AppError = { code: 'stream-interrupted', message: 'The answer stopped part-way.' };
    t.emit({ type: 'failed', ...base, error, message: { ...streaming('a1'), text: 'Part', status: 'interrupted', error } });
    expect(t.lastShown()).toMatchObject({ text: 'Part', status: 'interrupted', error });
    expect(t.chat.getState().announcement).toContain('The answer stopped part-way.');
    expect(isBusy(t.chat.getState(), 'c1')).toBe(false);
  });

  it('a send that is refused keeps nothing half-done and says why', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.api.chat.send.mockResolvedValue(failed({ code: 'session-expired', message: 'Your AWS session has expired.' }));
    expect(await t.chat.getState().send('hi')).toBe(false);
    expect(t.chat.getState().error?.code).toBe('session-expired');
    expect(isBusy(t.chat.getState(), 'c1')).toBe(false);
  });

  it('a new conversation is saved only by its first message, with the chosen model', async () => {
    const t = setup();
    t.conversations.getState().startNew();
    t.conversations.getState().startNew();
    expect(t.conversations.getState()).toMatchObject({ selectedId: null, open: null });
    t.api.chat.send.mockResolvedValue(ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) }));
    await t.chat.getState().send('hi', { modelId: 'us.thinker' });
    expect(t.api.chat.send).toHaveBeenCalledTimes(1);
    expect(t.api.chat.send).toHaveBeenCalledWith({ conversationId: null, text: 'hi', settings: { modelId: 'us.thinker' } });
    expect(t.conversations.getState()).toMatchObject({ selectedId: 'c1', open: { id: 'c1' } });
    expect(t.conversations.getState().open?.messages).toHaveLength(2);
    expect(t.chat.getState().active).toEqual({ c1: 'r1' });
  });

  it('a new conversation created after the person moved on does not pull them back', async () => {
    const t = setup();
    let reply: (result: Result<ChatStarted>) => void = () => {};
    t.api.chat.send.mockImplementation(() => new Promise((resolve) => (reply = resolve)));
    const sending = t.chat.getState().send('hi', { modelId: 'writer' });
    await t.conversations.getState().select('c2');
    reply(ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) }));
    await sending;
    expect(t.conversations.getState()).toMatchObject({ selectedId: 'c2', open: { id: 'c2' } });
    expect(t.chat.getState().active).toEqual({ c1: 'r1' });
  });

  it('Stop pressed on a new conversation before main answers stops its answer', async () => {
    const t = setup();
    let reply: (result: Result<ChatStarted>) => void = () => {};
    t.api.chat.send.mockImplementation(() => new Promise((resolve) => (reply = resolve)));
    const sending = t.chat.getState().send('hi', { modelId: 'writer' });
    expect(isBusy(t.chat.getState(), NEW_CONVERSATION)).toBe(true);
    await t.chat.getState().stop();
    reply(ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) }));
    await sending;
    expect(t.api.chat.stop).toHaveBeenCalledWith({ requestId: 'r1' });
  });

  it('regenerate replaces the last answer; refused, the old answer comes back', async () => {
    const t = setup();
    const old = answer('a1', 'Old');
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), old])));
    await t.conversations.getState().select('c1');
    t.api.chat.regenerate.mockResolvedValueOnce(failed({ code: 'throttled', message: 'Bedrock is busy.' }));
    expect(await t.chat.getState().regenerate()).toBe(false);
    expect(t.conversations.getState().open!.messages.at(-1)).toBe(old);

    t.api.chat.regenerate.mockResolvedValueOnce(ok({ requestId: 'r2', conversation: conversation('c1', [user('hi'), streaming('a2')]) }));
    expect(await t.chat.getState().regenerate()).toBe(true);
    expect(t.conversations.getState().open!.messages.map((m) => m.id)).toEqual(['u-hi', 'a2']);
    expect(t.chat.getState().active).toEqual({ c1: 'r2' });
  });

  it('a fix switches the conversation to the model it names, then answers again', async () => {
    const t = setup();
    const error: AppError = {
      code: 'model-needs-profile',
      message: 'This model needs an inference profile.',
      fix: { kind: 'use-model', modelId: 'us.thinker', label: 'Use US Thinker' },
    };
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), { ...streaming('a1'), status: 'interrupted', error }])));
    await t.conversations.getState().select('c1');
    t.api.chat.regenerate.mockResolvedValue(ok({ requestId: 'r2', conversation: conversation('c1', [user('hi'), streaming('a2')]) }));
    await t.chat.getState().applyFix(error.fix!);
    expect(t.api.conversations.updateSettings).toHaveBeenCalledWith({ id: 'c1', settings: { modelId: 'us.thinker' } });
    expect(t.api.models.choose).toHaveBeenCalledWith({ modelId: 'us.thinker' });
    expect(t.api.chat.regenerate).toHaveBeenCalledWith({ conversationId: 'c1' });
    expect(t.conversations.getState().open!.messages.at(-1)!.id).toBe('a2');
  });

  it('a fix that cannot be saved does not answer again', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.api.conversations.updateSettings.mockResolvedValueOnce(failed({ code: 'storage-failed', message: "Couldn't save." }));
    await t.chat.getState().applyFix({ kind: 'use-model', modelId: 'us.thinker', label: 'Use US Thinker' });
    expect(t.api.chat.regenerate).not.toHaveBeenCalled();
    expect(t.conversations.getState().error?.code).toBe('storage-failed');
  });

  it('links open through main; a refused link says why', async () => {
    const t = setup();
    await t.chat.getState().openLink('https://docs.aws.amazon.com/bedrock/');
    expect(t.api.app.openExternal).toHaveBeenCalledWith({ url: 'https://docs.aws.amazon.com/bedrock/' });
    t.api.app.openExternal.mockResolvedValueOnce(failed({ code: 'link-not-allowed', message: "Strata doesn't open this address." }));
    await t.chat.getState().openLink('https://evil.example/');
    expect(t.chat.getState().error?.code).toBe('link-not-allowed');
  });
});

describe('conversations store', () => {
  it('searches, keeps only the latest search, follows list changes, and forgets a deleted open conversation', async () => {
    const t = setup();
    await flush();
    let answerSlow: (r: Result<ConversationPage>) => void = () => {};
    t.api.conversations.list.mockImplementationOnce(() => new Promise((resolve) => (answerSlow = resolve)));
    const slow = t.conversations.getState().search('bud');
    await t.conversations.getState().search('budget');
    expect(t.api.conversations.list).toHaveBeenLastCalledWith({ query: 'budget' });
    answerSlow(ok({ items: [summary('stale')], nextCursor: null }));
    await slow;
    expect(t.conversations.getState().list).toEqual([]);

    await t.conversations.getState().search('');
    expect(t.api.conversations.list).toHaveBeenLastCalledWith({});
    await t.conversations.getState().select('c1');
    const renamed = summary('c1', 'Renamed');
    t.changed({ changed: [renamed], removed: [] });
    expect(t.conversations.getState().list).toEqual([renamed]);
    expect(t.conversations.getState().open?.title).toBe('Renamed');
    t.changed({ changed: [], removed: ['c1'] });
    expect(t.conversations.getState().list).toEqual([]);
    expect(t.conversations.getState().open).toBeNull();
  });

  it('while searching, a list change searches again', async () => {
    const t = setup();
    await t.conversations.getState().search('budget');
    t.api.conversations.list.mockClear();
    t.changed({ changed: [summary('c1'), summary('c2')], removed: [] });
    expect(t.api.conversations.list).toHaveBeenCalledWith({ query: 'budget' });
  });

  it('loads the list a page at a time, and a new search drops a page still on its way', async () => {
    const t = setup();
    const page = (ids: string[], nextCursor: string | null) => ok({ items: ids.map((id) => summary(id)), nextCursor });
    t.api.conversations.list.mockResolvedValueOnce(page(['c1', 'c2'], 'after-c2'));
    await t.conversations.getState().search('');
    expect(t.conversations.getState().nextCursor).toBe('after-c2');
    t.api.conversations.list.mockResolvedValueOnce(page(['c3'], null));
    await t.conversations.getState().loadMore();
    expect(t.api.conversations.list).toHaveBeenLastCalledWith({ cursor: 'after-c2' });
    expect(t.conversations.getState().list.map((c) => c.id)).toEqual(['c1', 'c2', 'c3']);
    expect(t.conversations.getState().nextCursor).toBeNull();
    await t.conversations.getState().loadMore();
    expect(t.api.conversations.list).toHaveBeenCalledTimes(3);

    t.api.conversations.list.mockResolvedValueOnce(page(['c1'], 'more'));
    await t.conversations.getState().search('');
    let answerPage: (r: Result<ConversationPage>) => void = () => {};
    t.api.conversations.list.mockImplementationOnce(() => new Promise((resolve) => (answerPage = resolve)));
    const paging = t.conversations.getState().loadMore();
    t.api.conversations.list.mockResolvedValueOnce(page(['b1'], null));
    await t.conversations.getState().search('budget');
    answerPage(page(['stale'], null));
    await paging;
    expect(t.conversations.getState().list.map((c) => c.id)).toEqual(['b1']);
  });

  it('merges a change into the loaded pages: changed ones move by date, deleted ones go, older ones wait for their page', () => {
    const at = (id: string, updatedAt: number): ConversationSummary => ({ ...summary(id), updatedAt });
    const list = [at('a', 30), at('b', 20), at('c', 10)];
    expect(mergeChange(list, false, { changed: [at('c', 40)], removed: ['a'] }).map((c) => c.id)).toEqual(['c', 'b']);
    expect(mergeChange(list, true, { changed: [at('old', 5), at('new', 50)], removed: [] }).map((c) => c.id)).toEqual(['new', 'a', 'b', 'c']);
    expect(mergeChange(list, false, { changed: [at('old', 5)], removed: [] }).map((c) => c.id)).toEqual(['a', 'b', 'c', 'old']);
  });

  it('selecting quickly opens the last one picked', async () => {
    const t = setup();
    let slow: (r: Result<Conversation>) => void = () => {};
    t.api.conversations.get.mockImplementationOnce(() => new Promise((resolve) => (slow = resolve)));
    const first = t.conversations.getState().select('c1');
    await t.conversations.getState().select('c2');
    slow(ok(conversation('c1')));
    await first;
    expect(t.conversations.getState().open?.id).toBe('c2');
    expect(t.conversations.getState().selectedId).toBe('c2');
  });

  it('renames, and changes settings without losing the messages streaming in', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi')])));
    await t.conversations.getState().select('c1');
    expect(await t.conversations.getState().rename('c1', 'Budget')).toBe(true);
    expect(t.conversations.getState().open?.title).toBe('Budget');
    expect(await t.conversations.getState().updateSettings({ temperature: 0.2, maxTokens: 500 })).toBe(true);
    expect(t.api.conversations.updateSettings).toHaveBeenCalledWith({ id: 'c1', settings: { temperature: 0.2, maxTokens: 500 } });
    expect(t.conversations.getState().open).toMatchObject({ settings: { temperature: 0.2, maxTokens: 500 }, messages: [user('hi')] });
  });

  it('deletes even after an earlier error, and keeps the conversation when deleting fails', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.conversations.setState({ error: { code: 'throttled', message: 'Busy earlier.' } });
    expect(await t.conversations.getState().remove('c1')).toBe(true);
    expect(t.conversations.getState()).toMatchObject({ open: null, selectedId: null });

    await t.conversations.getState().select('c2');
    t.api.conversations.delete.mockResolvedValueOnce(failed({ code: 'storage-failed', message: "Couldn't save." }));
    expect(await t.conversations.getState().remove('c2')).toBe(false);
    expect(t.conversations.getState().open?.id).toBe('c2');
    expect(t.conversations.getState().error?.code).toBe('storage-failed');
  });

  it('export says where the file went and can show it; a cancelled save says nothing', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    await t.conversations.getState().exportOpen();
    expect(t.conversations.getState().exported).toEqual({ conversationId: 'c1', path: '/home/ada/Documents/Chat.md' });
    await t.conversations.getState().showExport();
    expect(t.api.app.showInFolder).toHaveBeenCalledWith({ path: '/home/ada/Documents/Chat.md' });
    t.api.conversations.export.mockResolvedValueOnce(ok(null));
    await t.conversations.getState().exportOpen();
    expect(t.conversations.getState().exported).toBeNull();
  });
});

describe('models store', () => {
  it('loads the catalog, retries after an error, and remembers the choice', async () => {
    const t = setup();
    t.api.models.list.mockResolvedValueOnce(failed({ code: 'aws-unreachable', message: "Couldn't reach AWS." }));
    await t.models.getState().load();
    expect(t.models.getState()).toMatchObject({ catalog: null, loading: false, error: { code: 'aws-unreachable' } });
    await t.models.getState().load(true);
    expect(t.api.models.list).toHaveBeenLastCalledWith({ refresh: true });
    expect(t.models.getState()).toMatchObject({ catalog: CATALOG, error: null });
    expect(defaultModelId(t.models.getState().catalog)).toBe('writer');
    await t.models.getState().choose('us.thinker');
    expect(t.api.models.choose).toHaveBeenCalledWith({ modelId: 'us.thinker' });
    expect(defaultModelId(t.models.getState().catalog)).toBe('us.thinker');
  });

  it('knows an empty catalog from one not loaded yet', () => {
    expect(catalogIsEmpty(null)).toBe(false);
    expect(catalogIsEmpty({ region: 'eu-west-3', groups: [], fetchedAt: 1 })).toBe(true);
    expect(catalogIsEmpty(CATALOG)).toBe(false);
    expect(defaultModelId(null)).toBe('');
  });
});

describe('chat words', () => {
  const done = { id: 'a', role: 'assistant', text: 'x', createdAt: 0, status: 'complete' } as const;
  it('explains why an answer stopped, and its cost', () => {
    expect(stopReasonText({ ...done, stopReason: 'end_turn' })).toBeNull();
    expect(stopReasonText({ ...done, stopReason: 'max_tokens' })).toBe('Stopped: reached the max tokens limit');
    // Stopped by the person: the answer says so itself, quietly.
    expect(stopReasonText({ ...done, stopReason: 'stopped' })).toBeNull();
    expect(usageText({ ...done, usage: { inputTokens: 1200, outputTokens: 34, totalTokens: 1234 }, latencyMs: 2150 })).toBe(
      `${(1200).toLocaleString()} in · 34 out tokens · 2.1 s`,
    );
    expect(formatRelativeTime(1_000_000, 1_000_000 + 5 * 60_000)).toBe('5 min ago');
  });
});

describe('state that cannot go stale', () => {
  it('a delta adds only what is new: an overlap is skipped, a gap is refused', () => {
    expect(appendAt('Hello', 'lo, world', 3)).toBe('Hello, world');
    expect(appendAt('Hello', 'llo', 2)).toBe('Hello');
    expect(appendAt('Hel', 'lo', 3)).toBe('Hello');
    expect(appendAt('He', 'lo', 3)).toBeNull();
  });

  it('on connect, the window catches up on an answer already streaming, with all its text so far', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.api.chat.running.mockResolvedValueOnce(ok([{ requestId: 'r1', conversationId: 'c1', message: { ...streaming('a1'), text: 'Hello' } }]));
    await t.chat.getState().catchUp();
    expect(t.chat.getState().active).toEqual({ c1: 'r1' });
    expect(t.chat.getState().live.a1?.text).toBe('Hello');
    // A delta main sent before answering overlaps; the next one follows on. No gap, nothing twice.
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'lo', offset: 3 });
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: ', world', offset: 5 });
    expect(t.chat.getState().live.a1?.text).toBe('Hello, world');
  });

  it('a delta after a gap takes the whole text from main instead of showing a hole', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), { ...streaming('a1'), text: 'One ' }])));
    await t.conversations.getState().select('c1');
    t.api.chat.running.mockResolvedValueOnce(ok([{ requestId: 'r1', conversationId: 'c1', message: { ...streaming('a1'), text: 'One two three' } }]));
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: ' three', offset: 7 });
    await flush();
    expect(t.api.chat.running).toHaveBeenCalledTimes(2);
    expect(t.lastShown()).toMatchObject({ text: 'One two three', status: 'streaming' });
  });

  it('an answer that ended while the window was not listening no longer shows as running', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    expect(isBusy(t.chat.getState(), 'c1')).toBe(true);
    // Its end was missed (the window was signed out); main now runs nothing and has the answer saved.
    t.api.chat.running.mockResolvedValueOnce(ok([]));
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), answer('a1', 'Saved.', { status: 'interrupted' })])));
    await t.chat.getState().catchUp();
    await flush();
    expect(isBusy(t.chat.getState(), 'c1')).toBe(false);
    expect(t.lastShown()).toMatchObject({ text: 'Saved.', status: 'interrupted' });
  });

  it('an answer started while the window was asking what runs is kept', async () => {
    const t = setup();
    let answerRunning: (result: Result<RunningAnswer[]>) => void = () => {};
    t.api.chat.running.mockImplementationOnce(() => new Promise((resolve) => (answerRunning = resolve)));
    const catching = t.chat.getState().catchUp();
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    answerRunning(ok([]));
    await catching;
    expect(t.chat.getState().active).toEqual({ c1: 'r1' });
  });

  it('only the latest catalog request counts', async () => {
    const t = setup();
    let slow: (result: Result<ModelCatalog>) => void = () => {};
    t.api.models.list.mockImplementationOnce(() => new Promise((resolve) => (slow = resolve)));
    const first = t.models.getState().load();
    const newer = { ...CATALOG, region: 'eu-west-1' };
    t.api.models.list.mockResolvedValueOnce(ok(newer));
    await t.models.getState().load(true);
    slow(ok(CATALOG));
    await first;
    expect(t.models.getState().catalog?.region).toBe('eu-west-1');
    // Reset (another person): a load on its way is dropped too.
    t.api.models.list.mockImplementationOnce(() => new Promise((resolve) => (slow = resolve)));
    const pending = t.models.getState().load();
    t.models.getState().reset();
    slow(ok(CATALOG));
    await pending;
    expect(t.models.getState().catalog).toBeNull();
  });

  it('a model this person was refused is marked for the rest of the session', async () => {
    const t = setup();
    await t.models.getState().load();
    await t.conversations.getState().select('c1');
    const error: AppError = { code: 'model-access-denied', message: "Your account isn't allowed to use Writer." };
    t.emit({ type: 'failed', ...base, error, message: { ...streaming('a1'), status: 'interrupted', error } });
    expect(isUnavailable(t.models.getState().catalog, 'writer')).toBe(true);
    expect(isUnavailable(t.models.getState().catalog, 'us.thinker')).toBe(false);
  });

  it('the fix works even with an earlier error still on screen', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.chat.setState({ error: { code: 'throttled', message: 'Busy earlier.' } });
    t.conversations.setState({ error: { code: 'storage-failed', message: 'Earlier.' } });
    t.api.chat.regenerate.mockResolvedValue(ok({ requestId: 'r2', conversation: conversation('c1', [user('hi'), streaming('a2')]) }));
    await t.chat.getState().applyFix({ kind: 'use-model', modelId: 'us.thinker', label: 'Use US Thinker' });
    expect(t.api.chat.regenerate).toHaveBeenCalledWith({ conversationId: 'c1' });
    expect(t.chat.getState().active).toEqual({ c1: 'r2' });
  });

  it('switching back shows a conversation at once, with its draft and place; main then has the last word', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi')])));
    await t.conversations.getState().select('c1');
    t.conversations.getState().keepDraft('c1', 'half a thought');
    t.conversations.getState().keepScroll('c1', { top: 120, atEnd: false });
    await t.conversations.getState().select('c2');
    let reply: (result: Result<Conversation>) => void = () => {};
    t.api.conversations.get.mockImplementationOnce(() => new Promise((resolve) => (reply = resolve)));
    const back = t.conversations.getState().select('c1');
    expect(t.conversations.getState().open).toMatchObject({ id: 'c1', messages: [user('hi')] });
    expect(t.conversations.getState().draftOf('c1')).toBe('half a thought');
    expect(t.conversations.getState().scrollOf('c1')).toEqual({ top: 120, atEnd: false });
    reply(ok(conversation('c1', [user('hi'), answer('a1', 'Newer')])));
    await back;
    expect(t.conversations.getState().open?.messages).toHaveLength(2);
  });

  it('reset forgets the person\'s conversation, drafts and answers, and drops replies still on their way', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.conversations.getState().keepDraft('c1', 'secret plans');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    let reply: (result: Result<Conversation>) => void = () => {};
    t.api.conversations.get.mockImplementationOnce(() => new Promise((resolve) => (reply = resolve)));
    const opening = t.conversations.getState().select('c2');
    t.chat.getState().reset();
    t.conversations.getState().reset();
    reply(ok(conversation('c2')));
    await opening;
    expect(t.conversations.getState()).toMatchObject({ open: null, selectedId: null, exported: null });
    expect(t.conversations.getState().draftOf('c1')).toBe('');
    expect(t.chat.getState()).toMatchObject({ active: {}, live: {}, pending: {}, error: null });
  });
});

describe('following the person', () => {
  const company = { kind: 'company' } as const;
  const person = (subject: string): SessionStatus => ({
    state: 'ready',
    user: { subject, name: subject },
    identity: { arn: 'arn:aws:sts::123456789012:assumed-role/Staff/x', account: '123456789012' },
    region: 'us-east-1',
    expiresAt: 2,
    renewedAt: 1,
    source: company,
  });
  const signedOut: SessionStatus = { state: 'signed-out', configured: true, missing: [], source: company };

  function follow() {
    const t = setup();
    const session = createSessionStore({ auth: {} as SessionApi['auth'] });
    const resets = { chat: vi.spyOn(t.chat.getState(), 'reset'), conversations: vi.spyOn(t.conversations.getState(), 'reset') };
    const catchUp = vi.spyOn(t.chat.getState(), 'catchUp');
    const stop = followPerson({ session, chat: t.chat, conversations: t.conversations, models: t.models });
    return { ...t, session, resets, catchUp, stop, status: (status: SessionStatus) => session.setState({ status }) };
  }

  it('forgets the chat when the person signs out or someone else signs in, not when they sign in again', async () => {
    const f = follow();
    f.status(person('ada'));
    expect(f.catchUp).toHaveBeenCalledTimes(1);
    expect(f.resets.chat).not.toHaveBeenCalled();
    f.status({ state: 'expired', user: { subject: 'ada' }, error: { code: 'session-expired', message: 'Expired.' }, source: company });
    f.status(person('ada'));
    expect(f.resets.chat).not.toHaveBeenCalled();
    expect(f.catchUp).toHaveBeenCalledTimes(2);
    f.status(person('grace'));
    expect(f.resets.chat).toHaveBeenCalledTimes(1);
    expect(f.resets.conversations).toHaveBeenCalledTimes(1);
    f.status(signedOut);
    expect(f.resets.chat).toHaveBeenCalledTimes(2);
    f.stop();
    f.status(person('ada'));
    expect(f.resets.chat).toHaveBeenCalledTimes(2);
  });

  it('keeps the chat when the person switches to an AWS profile and back, and fetches the new source’s models', () => {
    const f = follow();
    const models = vi.spyOn(f.models.getState(), 'reset');
    f.status(person('ada'));
    const dev = { kind: 'profile', profile: 'dev', profileKind: 'static' } as const;
    f.status({ state: 'signing-in', startedAt: 1, interactive: false, source: dev });
    f.status({ ...person('arn:aws:iam::123456789012:user/ada'), source: dev });
    expect(models).toHaveBeenCalledTimes(1);
    f.status(person('ada'));
    expect(models).toHaveBeenCalledTimes(2);
    expect(f.resets.chat).not.toHaveBeenCalled();
    expect(f.resets.conversations).not.toHaveBeenCalled();
    expect(f.catchUp).toHaveBeenCalledTimes(2);
  });
});
