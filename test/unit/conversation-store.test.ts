import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationStore, titleFrom, type StoreFs } from '../../main/chat/conversation-store';
import { conversationToMarkdown, exportFileName } from '../../main/chat/markdown-export';
import { StrataError } from '../../main/errors';
import type { ChatMessage, Conversation } from '../../preload/contract';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-store-'));
  dirs.push(dir);
  return dir;
}

let clock = 1_000;
const now = () => (clock += 10);
const open = (directory: string, extra: Partial<ConstructorParameters<typeof ConversationStore>[0]> = {}) =>
  new ConversationStore({ directory, now, ...extra });
const settings = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', systemPrompt: '' };
const message = (role: ChatMessage['role'], text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m-${Math.random().toString(36).slice(2)}`,
  role,
  text,
  createdAt: clock,
  status: 'complete',
  ...extra,
});

describe('conversation store', () => {
  it('keeps conversations across restarts, newest first, titled by the first question', () => {
    const dir = tempDir();
    const store = open(dir);
    const first = store.create(settings);
    const second = store.create({ ...settings, systemPrompt: 'Be brief.' });
    store.appendMessage(first.id, message('user', 'How do I rotate IAM access keys safely?\nMore detail here'));
    store.appendMessage(first.id, message('assistant', 'Like this.'));

    const again = open(dir);
    const list = again.list();
    expect(list.map((c) => c.id)).toEqual([first.id, second.id]);
    expect(list[0]).toMatchObject({ title: 'How do I rotate IAM access keys safely?', messageCount: 2, preview: 'Like this.' });
    expect(again.get(second.id).settings.systemPrompt).toBe('Be brief.');
  });

  it('searches titles and messages, case-insensitively, all words', () => {
    const store = open(tempDir());
    const a = store.create(settings);
    store.appendMessage(a.id, message('user', 'Quarterly REVENUE report'));
    const b = store.create(settings);
    store.appendMessage(b.id, message('user', 'Lunch menu'));
    store.appendMessage(b.id, message('assistant', 'Soup and revenue-neutral salad'));
    expect(store.list('revenue').map((c) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect(store.list('revenue quarterly').map((c) => c.id)).toEqual([a.id]);
    expect(store.list('nothing-like-this')).toEqual([]);
  });

  it('renames, changes settings, deletes, and tells listeners', () => {
    const dir = tempDir();
    const store = open(dir);
    const seen: number[] = [];
    store.onChange((list) => seen.push(list.length));
    const c = store.create(settings);
    expect(store.rename(c.id, '  Budget  ').title).toBe('Budget');
    expect(store.updateSettings(c.id, { temperature: 0.3, maxTokens: 500 }).settings).toMatchObject({ temperature: 0.3, maxTokens: 500 });
    store.delete(c.id);
    expect(store.list()).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(seen).toEqual([1, 1, 1, 0]);
    expect(() => store.get(c.id)).toThrow(StrataError);
  });

  it('refuses ids that could name another file', () => {
    const store = open(tempDir());
    for (const id of ['../settings', 'a/b', '..', '', 'x'.repeat(200)]) {
      expect(() => store.get(id), id).toThrow(expect.objectContaining({ code: 'conversation-not-found' }));
    }
  });

  it('an answer that was arriving when Strata closed comes back interrupted, with its text', () => {
    const dir = tempDir();
    const store = open(dir);
    const c = store.create(settings);
    store.appendMessage(c.id, message('user', 'Hi'));
    const answer = message('assistant', '', { status: 'streaming' });
    store.appendMessage(c.id, answer);
    store.updateMessage(c.id, answer.id, { text: 'Half an ans' });

    const after = open(dir).get(c.id).messages.at(-1)!;
    expect(after).toMatchObject({ text: 'Half an ans', status: 'interrupted', error: { code: 'stream-interrupted' } });
  });

  it('a write interrupted part-way leaves the saved conversation and memory as they were', () => {
    const dir = tempDir();
    const healthy = open(dir);
    const c = healthy.create(settings);
    healthy.appendMessage(c.id, message('user', 'Keep me'));

    // The disk fills up half-way through the next write.
    const failing: StoreFs = {
      ...fs,
      writeSync: ((fd: number, data: string) => {
        fs.writeSync(fd, data.slice(0, data.length / 2));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }) as unknown as StoreFs['writeSync'],
    };
    const store = open(dir, { fs: failing });
    expect(() => store.appendMessage(c.id, message('user', 'Lost?'))).toThrow(
      expect.objectContaining({ code: 'storage-failed', details: expect.stringContaining('ENOSPC') }),
    );
    expect(store.get(c.id).messages.map((m) => m.text)).toEqual(['Keep me']);
    expect(open(dir).get(c.id).messages.map((m) => m.text)).toEqual(['Keep me']);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('ignores temp files left by a crash, sets damaged files aside, and leaves newer ones untouched', () => {
    const dir = tempDir();
    const store = open(dir);
    const good = store.create(settings);
    fs.writeFileSync(path.join(dir, `${good.id}.json.123.abcd.tmp`), '{"schemaVersion":1,"conv');
    fs.writeFileSync(path.join(dir, '11111111-2222-3333-4444-555555555555.json'), '{ not json');
    const newer = JSON.stringify({ schemaVersion: 99, conversation: { id: 'from-the-future-1' } });
    fs.writeFileSync(path.join(dir, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.json'), newer);
    const logs: string[] = [];

    const reopened = open(dir, { log: (m) => logs.push(m) });
    expect(reopened.list().map((c) => c.id)).toEqual([good.id]);
    const names = fs.readdirSync(dir);
    expect(names.some((n) => n.endsWith('.tmp'))).toBe(false);
    expect(names.some((n) => n.startsWith('11111111-2222-3333-4444-555555555555.corrupt-'))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee.json'), 'utf8')).toBe(newer);
    expect(logs.join('\n')).toMatch(/damaged/);
    expect(logs.join('\n')).toMatch(/newer Strata/);
  });

  it('titles cut on a word boundary', () => {
    expect(titleFrom('short')).toBe('short');
    const long = titleFrom('word '.repeat(30));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long.endsWith('word…')).toBe(true);
    expect(titleFrom('   \n')).toBe('New conversation');
  });
});

describe('Markdown export', () => {
  const conversation: Conversation = {
    id: 'c1',
    title: 'Cost report',
    createdAt: Date.UTC(2026, 10, 1),
    updatedAt: Date.UTC(2026, 10, 1),
    modelId: 'm',
    messageCount: 3,
    preview: '',
    settings: { modelId: 'm', systemPrompt: 'You are terse.' },
    messages: [
      message('user', 'Show a table'),
      message('assistant', '| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1;\n```', {
        reasoning: 'Think about tables',
        usage: { inputTokens: 12, outputTokens: 34, totalTokens: 46 },
        latencyMs: 1500,
        modelId: 'm',
      }),
      message('assistant', 'Partial', {
        status: 'interrupted',
        error: { code: 'stream-interrupted', message: 'The model stopped answering part-way.' },
      }),
    ],
  };

  it('writes the sections, the answer verbatim, thinking folded, and interruptions', () => {
    const md = conversationToMarkdown(conversation, { modelName: () => 'Claude 3.5 Haiku', exportedAt: Date.UTC(2026, 10, 2) });
    expect(md.startsWith('# Cost report\n')).toBe(true);
    expect(md).toContain('Model: Claude 3.5 Haiku');
    expect(md).toContain('> You are terse.');
    expect(md).toContain('## You\n\nShow a table');
    expect(md).toContain('| a | b |\n|---|---|\n| 1 | 2 |\n\n```ts\nconst x = 1;\n```');
    expect(md).toContain('<details><summary>Thinking</summary>\n\nThink about tables');
    expect(md).toContain('12 tokens in, 34 out');
    expect(md).toContain('*(interrupted: The model stopped answering part-way.)*');
  });

  it('makes safe file names', () => {
    expect(exportFileName({ title: 'a/b:c*?"<>|d' })).toBe('a b c d.md');
    expect(exportFileName({ title: 'CON' })).toBe('CON conversation.md');
    expect(exportFileName({ title: '...' })).toBe('Conversation.md');
    expect(exportFileName({ title: 'x'.repeat(200) })).toBe(`${'x'.repeat(80)}.md`);
  });
});
