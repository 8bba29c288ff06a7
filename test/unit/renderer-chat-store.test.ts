import { describe, expect, it, vi } from 'vitest';
import { createChatStore, isBusy, shownMessage, type ChatApi } from '../../renderer/src/chat/chat-store';
import { stopReasonText, usageText, formatRelativeTime } from '../../renderer/src/chat/chat-format';
import { createConversationsStore, type ConversationsApi } from '../../renderer/src/chat/conversations-store';
import { catalogIsEmpty, createModelsStore, defaultModelId, type ModelsApi } from '../../renderer/src/chat/models-store';
import type { AppError, ChatEvent, ChatMessage, ChatStarted, Conversation, ConversationSummary, ModelCatalog, Result } from '../../preload/contract';

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
  let changed: (list: ConversationSummary[]) => void = () => {};
  const api = {
    models: {
      list: vi.fn((_options?: { refresh?: boolean }): Promise<Result<ModelCatalog>> => Promise.resolve(ok(CATALOG))),
      choose: vi.fn((_id: string) => Promise.resolve(ok(null))),
    },
    conversations: {
      list: vi.fn((_query?: string): Promise<Result<ConversationSummary[]>> => Promise.resolve(ok([]))),
      get: vi.fn((id: string): Promise<Result<Conversation>> => Promise.resolve(ok(conversation(id)))),
      create: vi.fn((settings?: Partial<Conversation['settings']>): Promise<Result<Conversation>> =>
        Promise.resolve(ok({ ...conversation('c1'), settings: { modelId: 'writer', systemPrompt: '', ...settings } })),
      ),
      rename: vi.fn((id: string, title: string) => Promise.resolve(ok(summary(id, title)))),
      updateSettings: vi.fn((id: string, settings: Partial<Conversation['settings']>): Promise<Result<Conversation>> =>
        Promise.resolve(ok({ ...conversation(id), settings: { modelId: 'writer', systemPrompt: '', ...settings } })),
      ),
      delete: vi.fn((_id: string): Promise<Result<null>> => Promise.resolve(ok(null))),
      export: vi.fn((_id: string): Promise<Result<{ path: string } | null>> => Promise.resolve(ok({ path: '/home/ada/Documents/Chat.md' }))),
      onChanged: (listener: (list: ConversationSummary[]) => void) => {
        changed = listener;
        return () => {};
      },
    },
    chat: {
      send: vi.fn((_id: string, _text: string): Promise<Result<ChatStarted>> => new Promise(() => {})),
      regenerate: vi.fn((_id: string): Promise<Result<ChatStarted>> => new Promise(() => {})),
      stop: vi.fn((_requestId: string) => Promise.resolve(ok(null))),
      onEvent: (listener: (event: ChatEvent) => void) => {
        emit = listener;
        return () => {};
      },
    },
    app: { openExternal: vi.fn((_url: string): Promise<Result<null>> => Promise.resolve(ok(null))) },
  };
  return { api, emit: (e: ChatEvent) => emit(e), changed: (l: ConversationSummary[]) => changed(l) };
}

function setup() {
  const fake = fakeApi();
  const conversations = createConversationsStore(fake.api as ConversationsApi);
  const models = createModelsStore(fake.api as ModelsApi);
  const chat = createChatStore(fake.api as ChatApi, { conversations, models });
  conversations.getState().connect();
  chat.getState().connect();
  /** The open conversation's last message as the person sees it. */
  const lastShown = () => shownMessage(chat.getState(), conversations.getState().open!.messages.at(-1)!);
  return { ...fake, conversations, models, chat, lastShown };
}

const base = { requestId: 'r1', conversationId: 'c1' };
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('chat store', () => {
  it('streams deltas, even those that arrive before send() answers; the final message replaces the streaming one', async () => {
    const t = setup();
    t.api.chat.send.mockImplementation(async () => {
      t.emit({ type: 'started', ...base, message: streaming('a1') });
      t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'Hel' });
      return ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) });
    });
    await t.conversations.getState().select('c1');
    expect(await t.chat.getState().send('hi')).toBe(true);
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'lo' });
    t.emit({ type: 'reasoning', ...base, messageId: 'a1', delta: 'hmm' });
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
      t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'Quick.' });
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
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'elsewhere' });
    t.emit({ type: 'done', ...base, message: answer('a1', 'elsewhere') });
    expect(t.conversations.getState().open).toBe(before);
    expect(t.conversations.getState().open!.messages).toEqual([]);
    expect(isBusy(t.chat.getState(), 'c2')).toBe(false);
  });

  it('keeps streaming an answer of another conversation, and shows it when that one is opened', async () => {
    const t = setup();
    await t.conversations.getState().select('c2');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'So far' });
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), streaming('a1')])));
    await t.conversations.getState().select('c1');
    expect(t.lastShown()).toMatchObject({ text: 'So far', status: 'streaming' });
    expect(isBusy(t.chat.getState(), 'c1')).toBe(true);
  });

  it('joining an answer mid-way (the window reloaded) carries on from main\'s copy and can still stop it', async () => {
    const t = setup();
    t.api.conversations.get.mockResolvedValueOnce(ok(conversation('c1', [user('hi'), { ...streaming('a1'), text: 'Hel' }])));
    await t.conversations.getState().select('c1');
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'lo' });
    expect(t.lastShown()).toMatchObject({ text: 'Hello', status: 'streaming' });
    await t.chat.getState().stop();
    expect(t.api.chat.stop).toHaveBeenCalledWith('r1');
  });

  it('stop asks main with the request id; stopped before the id is known, it stops as soon as it is', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    await t.chat.getState().stop();
    expect(t.api.chat.stop).toHaveBeenCalledWith('r1');
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
    expect(t.api.chat.stop).toHaveBeenLastCalledWith('r2');
  });

  it('a failed answer keeps its partial text and error, and says why', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.emit({ type: 'started', ...base, message: streaming('a1') });
    t.emit({ type: 'text', ...base, messageId: 'a1', delta: 'Part' });
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

  it('sending with no conversation open starts one with the chosen model', async () => {
    const t = setup();
    t.api.chat.send.mockResolvedValue(ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) }));
    await t.chat.getState().send('hi', 'us.thinker');
    expect(t.api.conversations.create).toHaveBeenCalledWith({ modelId: 'us.thinker' });
    expect(t.api.chat.send).toHaveBeenCalledWith('c1', 'hi');
    expect(t.conversations.getState().open?.messages).toHaveLength(2);
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
    expect(t.api.conversations.updateSettings).toHaveBeenCalledWith('c1', { modelId: 'us.thinker' });
    expect(t.api.models.choose).toHaveBeenCalledWith('us.thinker');
    expect(t.api.chat.regenerate).toHaveBeenCalledWith('c1');
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
    expect(t.api.app.openExternal).toHaveBeenCalledWith('https://docs.aws.amazon.com/bedrock/');
    t.api.app.openExternal.mockResolvedValueOnce(failed({ code: 'link-not-allowed', message: "Strata doesn't open this address." }));
    await t.chat.getState().openLink('https://evil.example/');
    expect(t.chat.getState().error?.code).toBe('link-not-allowed');
  });
});

describe('conversations store', () => {
  it('searches, keeps only the latest search, follows list changes, and forgets a deleted open conversation', async () => {
    const t = setup();
    await flush();
    let answerSlow: (r: Result<ConversationSummary[]>) => void = () => {};
    t.api.conversations.list.mockImplementationOnce(() => new Promise((resolve) => (answerSlow = resolve)));
    const slow = t.conversations.getState().search('bud');
    await t.conversations.getState().search('budget');
    expect(t.api.conversations.list).toHaveBeenLastCalledWith('budget');
    answerSlow(ok([summary('stale')]));
    await slow;
    expect(t.conversations.getState().list).toEqual([]);

    await t.conversations.getState().search('');
    expect(t.api.conversations.list).toHaveBeenLastCalledWith(undefined);
    await t.conversations.getState().select('c1');
    const renamed = summary('c1', 'Renamed');
    t.changed([renamed]);
    expect(t.conversations.getState().list).toEqual([renamed]);
    expect(t.conversations.getState().open?.title).toBe('Renamed');
    t.changed([]);
    expect(t.conversations.getState().open).toBeNull();
  });

  it('while searching, a list change searches again', async () => {
    const t = setup();
    await t.conversations.getState().search('budget');
    t.api.conversations.list.mockClear();
    t.changed([summary('c1'), summary('c2')]);
    expect(t.api.conversations.list).toHaveBeenCalledWith('budget');
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
    expect(t.api.conversations.updateSettings).toHaveBeenCalledWith('c1', { temperature: 0.2, maxTokens: 500 });
    expect(t.conversations.getState().open).toMatchObject({ settings: { temperature: 0.2, maxTokens: 500 }, messages: [user('hi')] });
  });

  it('deletes even after an earlier error, and keeps the conversation when deleting fails', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    t.conversations.setState({ error: { code: 'throttled', message: 'Busy earlier.' } });
    expect(await t.conversations.getState().remove('c1')).toBe(true);
    expect(t.conversations.getState().open).toBeNull();

    await t.conversations.getState().select('c2');
    t.api.conversations.delete.mockResolvedValueOnce(failed({ code: 'storage-failed', message: "Couldn't save." }));
    expect(await t.conversations.getState().remove('c2')).toBe(false);
    expect(t.conversations.getState().open?.id).toBe('c2');
    expect(t.conversations.getState().error?.code).toBe('storage-failed');
  });

  it('export says where the file went; a cancelled save says nothing', async () => {
    const t = setup();
    await t.conversations.getState().select('c1');
    await t.conversations.getState().exportOpen();
    expect(t.conversations.getState().exportStatus).toBe('Saved to /home/ada/Documents/Chat.md');
    t.api.conversations.export.mockResolvedValueOnce(ok(null));
    await t.conversations.getState().exportOpen();
    expect(t.conversations.getState().exportStatus).toBeNull();
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
    expect(t.api.models.choose).toHaveBeenCalledWith('us.thinker');
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
    expect(usageText({ ...done, usage: { inputTokens: 1200, outputTokens: 34, totalTokens: 1234 }, latencyMs: 2150 })).toBe(
      `${(1200).toLocaleString()} in · 34 out tokens · 2.1 s`,
    );
    expect(formatRelativeTime(1_000_000, 1_000_000 + 5 * 60_000)).toBe('5 min ago');
  });
});
