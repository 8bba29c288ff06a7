import { describe, expect, it, vi } from 'vitest';
import { createChatStore, type ChatApi } from '../../renderer/src/chat/chat-store';
import { stopReasonText, usageText, formatRelativeTime } from '../../renderer/src/chat/chat-format';
import type { AppError, ChatEvent, ChatMessage, Conversation, ConversationSummary, Result } from '../../preload/contract';

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
const user = (text: string): ChatMessage => ({ id: `u-${text}`, role: 'user', text, createdAt: 1, status: 'complete' });
const streaming = (id: string): ChatMessage => ({ id, role: 'assistant', text: '', createdAt: 1, status: 'streaming', modelId: 'writer' });

function fakeApi() {
  let emit: (event: ChatEvent) => void = () => {};
  let changed: (list: ConversationSummary[]) => void = () => {};
  const api = {
    models: {
      list: vi.fn(() => Promise.resolve(ok({ region: 'us-east-1', groups: [], fetchedAt: 1 }))),
      choose: vi.fn(() => Promise.resolve(ok(null))),
    },
    conversations: {
      list: vi.fn((): Promise<Result<ConversationSummary[]>> => Promise.resolve(ok([]))),
      get: vi.fn((id: string) => Promise.resolve(ok(conversation(id)))),
      create: vi.fn(() => Promise.resolve(ok(conversation('c1')))),
      rename: vi.fn(),
      updateSettings: vi.fn((id: string, settings: Partial<Conversation['settings']>) =>
        Promise.resolve(ok({ ...conversation(id), settings: { modelId: 'writer', systemPrompt: '', ...settings } })),
      ),
      delete: vi.fn(() => Promise.resolve(ok(null))),
      export: vi.fn(() => Promise.resolve(ok({ path: '/home/ada/Documents/Chat.md' }))),
      onChanged: (listener: (list: ConversationSummary[]) => void) => {
        changed = listener;
        return () => {};
      },
    },
    chat: {
      send: vi.fn(),
      regenerate: vi.fn(),
      stop: vi.fn(() => Promise.resolve(ok(null))),
      onEvent: (listener: (event: ChatEvent) => void) => {
        emit = listener;
        return () => {};
      },
    },
    app: { openExternal: vi.fn(() => Promise.resolve(ok(null))) },
  };
  return { api: api as unknown as ChatApi & typeof api, emit: (e: ChatEvent) => emit(e), changed: (l: ConversationSummary[]) => changed(l) };
}

const base = { requestId: 'r1', conversationId: 'c1' };

describe('chat store', () => {
  it('streams deltas into the open conversation, and the final message replaces the streaming one', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    store.getState().connect();
    fake.api.chat.send.mockImplementation(async () => {
      // Events may arrive before the reply to send.
      fake.emit({ type: 'started', ...base, message: streaming('a1') });
      fake.emit({ type: 'text', ...base, messageId: 'a1', delta: 'Hel' });
      return ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) });
    });
    await store.getState().select('c1');
    expect(await store.getState().send('hi')).toBe(true);
    fake.emit({ type: 'text', ...base, messageId: 'a1', delta: 'lo' });
    fake.emit({ type: 'reasoning', ...base, messageId: 'a1', delta: 'hmm' });
    const open = store.getState().open!;
    expect(open.messages.at(-1)).toMatchObject({ text: 'Hello', reasoning: 'hmm', status: 'streaming' });
    expect(store.getState().active).toEqual({ c1: 'r1' });

    fake.emit({ type: 'done', ...base, message: { ...streaming('a1'), text: 'Hello', status: 'complete', stopReason: 'end_turn' } });
    expect(store.getState().open!.messages.at(-1)).toMatchObject({ status: 'complete', text: 'Hello' });
    expect(store.getState().active).toEqual({});
    expect(store.getState().announcement).toBe('Answer finished.');
  });

  it('ignores the events of another conversation', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    store.getState().connect();
    await store.getState().select('c2');
    fake.emit({ type: 'started', ...base, message: streaming('a1') });
    fake.emit({ type: 'text', ...base, messageId: 'a1', delta: 'elsewhere' });
    expect(store.getState().open!.messages).toEqual([]);
  });

  it('a failed answer keeps its partial text and error; stop asks main with the request id', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    store.getState().connect();
    await store.getState().select('c1');
    fake.emit({ type: 'started', ...base, message: streaming('a1') });
    await store.getState().stop();
    expect(fake.api.chat.stop).toHaveBeenCalledWith('r1');
    const error = { code: 'stream-interrupted' as const, message: 'Stopped part-way.' };
    fake.emit({ type: 'failed', ...base, error, message: { ...streaming('a1'), text: 'Part', status: 'interrupted', error } });
    expect(store.getState().open!.messages.at(-1)).toMatchObject({ text: 'Part', status: 'interrupted', error });
    expect(store.getState().announcement).toContain('Stopped part-way.');
  });

  it('a send that is refused keeps nothing half-done and says why', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    await store.getState().select('c1');
    fake.api.chat.send.mockResolvedValue(failed({ code: 'session-expired', message: 'Your AWS session has expired.' }));
    expect(await store.getState().send('hi')).toBe(false);
    expect(store.getState().error?.code).toBe('session-expired');
    expect(store.getState().active).toEqual({});
  });

  it('sending with no conversation open starts one', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    fake.api.chat.send.mockResolvedValue(ok({ requestId: 'r1', conversation: conversation('c1', [user('hi'), streaming('a1')]) }));
    await store.getState().send('hi');
    expect(fake.api.conversations.create).toHaveBeenCalled();
    expect(fake.api.chat.send).toHaveBeenCalledWith('c1', 'hi');
    expect(store.getState().open?.id).toBe('c1');
  });

  it('a fix switches the model, then answers again', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    await store.getState().select('c1');
    fake.api.chat.regenerate.mockResolvedValue(ok({ requestId: 'r2', conversation: conversation('c1', [user('hi'), streaming('a2')]) }));
    await store.getState().applyFix({ kind: 'use-model', modelId: 'us.thinker', label: 'Use US Thinker' });
    expect(fake.api.conversations.updateSettings).toHaveBeenCalledWith('c1', { modelId: 'us.thinker' });
    expect(fake.api.chat.regenerate).toHaveBeenCalledWith('c1');
  });

  it('searches, follows list changes, and forgets a deleted open conversation', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    store.getState().connect();
    await store.getState().search('budget');
    expect(fake.api.conversations.list).toHaveBeenLastCalledWith('budget');
    await store.getState().search('');
    await store.getState().select('c1');
    const summary: ConversationSummary = { ...conversation('c1'), title: 'Renamed' };
    fake.changed([summary]);
    expect(store.getState().conversations).toEqual([summary]);
    expect(store.getState().open?.title).toBe('Renamed');
    fake.changed([]);
    expect(store.getState().open).toBeNull();
  });

  it('deletes even after an earlier error, and keeps the conversation when deleting fails', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    await store.getState().select('c1');
    store.setState({ error: { code: 'throttled', message: 'Busy earlier.' } });
    await store.getState().remove('c1');
    expect(store.getState().open).toBeNull();

    await store.getState().select('c2');
    fake.api.conversations.delete.mockResolvedValue(failed({ code: 'storage-failed', message: "Couldn't save." }) as never);
    await store.getState().remove('c2');
    expect(store.getState().open?.id).toBe('c2');
    expect(store.getState().error?.code).toBe('storage-failed');
  });

  it('export says where the file went; a cancelled save says nothing', async () => {
    const fake = fakeApi();
    const store = createChatStore(fake.api);
    await store.getState().select('c1');
    await store.getState().exportOpen();
    expect(store.getState().exportStatus).toBe('Saved to /home/ada/Documents/Chat.md');
    fake.api.conversations.export.mockResolvedValue(ok(null) as never);
    await store.getState().exportOpen();
    expect(store.getState().exportStatus).toBeNull();
  });
});

describe('chat words', () => {
  const answer = { id: 'a', role: 'assistant', text: 'x', createdAt: 0, status: 'complete' } as const;
  it('explains why an answer stopped, and its cost', () => {
    expect(stopReasonText({ ...answer, stopReason: 'end_turn' })).toBeNull();
    expect(stopReasonText({ ...answer, stopReason: 'max_tokens' })).toBe('Stopped: reached the max tokens limit');
    expect(usageText({ ...answer, usage: { inputTokens: 1200, outputTokens: 34, totalTokens: 1234 }, latencyMs: 2150 })).toBe(
      `${(1200).toLocaleString()} in · 34 out tokens · 2.1 s`,
    );
    expect(formatRelativeTime(1_000_000, 1_000_000 + 5 * 60_000)).toBe('5 min ago');
  });
});
