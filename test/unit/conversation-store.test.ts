import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationStore, titleFrom, type ConversationStoreOptions } from '../../main/chat/conversation-store';
import { conversationToMarkdown, exportFileName } from '../../main/chat/markdown-export';
import { ftsTerms, snippetOf } from '../../main/chat/search-query';
import { StrataError } from '../../main/errors';
import type { ChatMessage, Conversation, ConversationsChange, Notice } from '../../preload/contract';

const dirs: string[] = [];
const stores: ConversationStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-store-'));
  dirs.push(dir);
  return dir;
}

let clock = 1_000;
const now = () => (clock += 10);
/** Opens the store in `dir` the way Strata does: strata.db, and the older conversations/ folder to import. */
const open = (dir: string, extra: Partial<ConversationStoreOptions> = {}) => {
  const store = new ConversationStore({ file: path.join(dir, 'strata.db'), legacyDirectory: path.join(dir, 'conversations'), now, ...extra });
  stores.push(store);
  return store;
};
const settings = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', systemPrompt: '' };
const message = (role: ChatMessage['role'], text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: `m-${Math.random().toString(36).slice(2)}`,
  role,
  text,
  createdAt: clock,
  status: 'complete',
  ...extra,
});
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((c) => c.id);
/** The store's own connection, to count what one call changed. */
const changesBy = (store: ConversationStore, act: () => void): number => {
  const db = (store as unknown as { db: DatabaseSync }).db;
  const count = () => Number((db.prepare('SELECT total_changes() AS n').get() as { n: number }).n);
  const before = count();
  act();
  return count() - before;
};

describe('conversation store', () => {
  it('keeps conversations across restarts, newest first, titled by the first question', () => {
    const dir = tempDir();
    const store = open(dir);
    const first = store.create(settings);
    const second = store.create({ ...settings, systemPrompt: 'Be brief.' });
    store.appendMessage(first.id, message('user', 'How do I rotate IAM access keys safely?\nMore detail here'));
    store.appendMessage(first.id, message('assistant', 'Like **this**.', { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }));
    store.close();

    const again = open(dir);
    const list = again.list();
    expect(ids(list)).toEqual([first.id, second.id]);
    expect(list.nextCursor).toBeNull();
    expect(list.items[0]).toMatchObject({ title: 'How do I rotate IAM access keys safely?', messageCount: 2, preview: 'Like this .' });
    expect(again.get(second.id).settings.systemPrompt).toBe('Be brief.');
    expect(again.get(first.id).messages.map((m) => [m.role, m.text, m.usage?.totalTokens])).toEqual([
      ['user', 'How do I rotate IAM access keys safely?\nMore detail here', undefined],
      ['assistant', 'Like **this**.', 3],
    ]);
  });

  it('renames, changes settings (null clears one), removes messages, deletes with its messages, and says when a conversation is gone', () => {
    const store = open(tempDir());
    const c = store.create(settings);
    store.appendMessage(c.id, message('user', 'Question'));
    const answer = message('assistant', 'Answer');
    store.appendMessage(c.id, answer);
    expect(store.rename(c.id, '  Budget  ').title).toBe('Budget');
    expect(store.rename(c.id, '   ').title).toBe('New conversation');
    expect(store.updateSettings(c.id, { temperature: 0.3, maxTokens: 500 }).settings).toEqual({ ...settings, temperature: 0.3, maxTokens: 500 });
    expect(store.updateSettings(c.id, { temperature: null, systemPrompt: 'Terse.' }).settings).toEqual({ ...settings, systemPrompt: 'Terse.', maxTokens: 500 });
    expect(store.removeMessage(c.id, answer.id).messages.map((m) => m.text)).toEqual(['Question']);
    store.delete(c.id);
    expect(store.list().items).toEqual([]);
    const db = (store as unknown as { db: DatabaseSync }).db;
    expect(db.prepare('SELECT count(*) AS n FROM messages').get()).toEqual(expect.objectContaining({ n: 0 }));
    for (const act of [() => store.get(c.id), () => store.delete(c.id), () => store.appendMessage(c.id, message('user', 'x')), () => store.updateMessage(c.id, answer.id, { text: 'x' })]) {
      expect(act).toThrow(expect.objectContaining({ code: 'conversation-not-found', message: "That conversation doesn't exist any more." }));
    }
  });

  it('refuses ids that could name something else', () => {
    const store = open(tempDir());
    for (const id of ['../settings', 'a/b', '..', '', 'x'.repeat(200), "' OR 1=1 --"]) {
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
    store.close();

    const after = open(dir).get(c.id).messages.at(-1)!;
    expect(after).toMatchObject({ text: 'Half an ans', status: 'interrupted', error: { code: 'stream-interrupted' } });
  });

  it('a streaming checkpoint writes only the message row: no conversation change, no event, no search entry until it ends', async () => {
    const store = open(tempDir());
    const c = store.create(settings);
    store.appendMessage(c.id, message('user', 'Tell me about zebras'));
    const answer = message('assistant', '', { status: 'streaming' });
    store.appendMessage(c.id, answer);
    const before = store.list().items[0]!;
    const events: ConversationsChange[] = [];
    store.onChange((change) => events.push(change));

    expect(changesBy(store, () => store.updateMessage(c.id, answer.id, { text: 'Okapis are related to giraffes' }))).toBe(1);
    expect(changesBy(store, () => store.updateMessage(c.id, answer.id, { text: 'Okapis are related to giraffes, and', reasoning: 'hm' }))).toBe(1);
    expect(store.list().items[0]).toMatchObject({ title: before.title, updatedAt: before.updatedAt, messageCount: 2 });
    expect(events).toEqual([]);
    expect((await store.search('okapis')).items).toEqual([]);
    expect(store.get(c.id).messages.at(-1)).toMatchObject({ text: 'Okapis are related to giraffes, and', reasoning: 'hm', status: 'streaming' });

    const saved = store.updateMessage(c.id, answer.id, { text: 'Okapis are related to giraffes.', reasoning: undefined, status: 'complete', stopReason: 'end_turn' });
    expect(saved).toEqual({ ...answer, text: 'Okapis are related to giraffes.', status: 'complete', stopReason: 'end_turn' });
    expect(ids(await store.search('okapis'))).toEqual([c.id]);
    expect(events.map((e) => e.changed.map((s) => s.id))).toEqual([[c.id]]);
    expect(events[0]!.changed[0]!.updatedAt).toBeGreaterThan(before.updatedAt);
  });

  it('change events name only the conversations that changed, with their summaries', () => {
    const store = open(tempDir());
    const a = store.create(settings);
    const b = store.create(settings);
    const events: ConversationsChange[] = [];
    store.onChange((change) => events.push(change));
    store.appendMessage(a.id, message('user', 'Hello there'));
    store.rename(b.id, 'Bee');
    store.delete(a.id);
    expect(events).toEqual([
      { changed: [expect.objectContaining({ id: a.id, title: 'Hello there', messageCount: 1, preview: 'Hello there' })], removed: [] },
      { changed: [expect.objectContaining({ id: b.id, title: 'Bee' })], removed: [] },
      { changed: [], removed: [a.id] },
    ]);
  });

  it('lists in pages, newest first, with no entry twice even when one moves up between pages', () => {
    const store = open(tempDir());
    const created = Array.from({ length: 250 }, () => store.create(settings).id).reverse();
    const first = store.list();
    expect(ids(first)).toEqual(created.slice(0, 100));
    // The person keeps chatting in an entry of the next page while scrolling: it moves to the top.
    store.rename(created[150]!, 'Moved up');
    const second = store.list({ cursor: first.nextCursor! });
    const third = store.list({ cursor: second.nextCursor! });
    expect(third.nextCursor).toBeNull();
    const seen = [...ids(first), ...ids(second), ...ids(third)];
    expect(seen).toHaveLength(249);
    expect(new Set(seen).size).toBe(249);
    expect(seen).not.toContain(created[150]);
    expect(ids(store.list())[0]).toBe(created[150]);
    expect(ids(store.list({ cursor: 'nonsense' }))).toHaveLength(100);
  });

  it('searches titles and messages by word prefix, best matches first, each with a marked snippet', async () => {
    const store = open(tempDir());
    const say = (title: string, ...texts: string[]) => {
      const c = store.create(settings);
      for (const text of texts) store.appendMessage(c.id, message('user', text));
      store.rename(c.id, title);
      return c.id;
    };
    const lunch = say('Lunch', 'Menu for Friday', 'Soup and a budget-friendly salad');
    const budget = say('Budget 2027', 'Numbers for next year');
    const other = say('Holidays', 'Where to go in spring');
    const report = say('Report', 'The budget, the budget and the budget again: the budget review');

    const found = await store.search('budg');
    expect(ids(found)).toEqual([budget, report, lunch]);
    expect(found.items[0]!.match).toEqual({ text: 'Budget 2027', marks: [[0, 6]] });
    const snippet = found.items[2]!.match!;
    expect(snippet.text).toContain('budget-friendly');
    expect(snippet.marks.map(([s, e]) => snippet.text.slice(s, e))).toEqual(['budget']);
    expect(ids(await store.search('BUDGET friendly'))).toEqual([lunch]);
    expect(ids(await store.search('spring holid'))).toEqual([other]);
    expect((await store.search('nothing-like-this')).items).toEqual([]);

    // Renamed and deleted conversations are found as they are now.
    store.rename(other, 'Vacation');
    expect(ids(await store.search('holidays'))).toEqual([]);
    expect(ids(await store.search('vacat'))).toEqual([other]);
    store.delete(report);
    expect(ids(await store.search('budget'))).toEqual([budget, lunch]);
  });

  it('search results come in pages too', async () => {
    const store = open(tempDir());
    for (let i = 0; i < 130; i++) store.appendMessage(store.create(settings).id, message('user', `invoice number ${i}`));
    const first = await store.search('invoice');
    const second = await store.search('invoice', { cursor: first.nextCursor! });
    expect(first.items).toHaveLength(100);
    expect(second.items).toHaveLength(30);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(130);
  });

  it('a query is only ever text: FTS syntax in it neither breaks the search nor changes its meaning', async () => {
    const store = open(tempDir());
    const c = store.create(settings);
    store.appendMessage(c.id, message('user', 'Say "hello" to NEAR the col:umn, and a-b testing OR (not) *stars*'));
    const hostile = ['"', '""', '"hello', '*', 'hel*', '-', '-hello', 'a-b', 'NEAR', 'NEAR(hello the)', 'col:umn', 'title:hello', ':', '(', ')', 'AND', 'OR', 'NOT', '^hello', '{title}: x', "'; DROP TABLE messages; --", '\u0001', '\u0000'];
    for (const query of hostile) await expect(store.search(query), query).resolves.toMatchObject({ items: expect.any(Array) });
    expect(ids(await store.search('"hello"'))).toEqual([c.id]);
    expect(ids(await store.search('col:umn'))).toEqual([c.id]);
    expect(ids(await store.search('a-b'))).toEqual([c.id]);
    expect(ids(await store.search('NEAR'))).toEqual([c.id]);
    expect(ids(await store.search('OR'))).toEqual([c.id]);
    // "-hello" is not "NOT hello", and "title:" doesn't pick a column.
    expect(ids(await store.search('-hello'))).toEqual([c.id]);
    expect(ids(await store.search('title:hello'))).toEqual([]);
    expect(ids(await store.search('hello OR zzz'))).toEqual([]);
    expect((await store.search('" * - :')).items).toEqual([]);
    expect(store.get(c.id).messages).toHaveLength(1);
  });

  it('builds FTS queries from words, and snippets around the most matches', () => {
    expect(ftsTerms('budg 2027')).toEqual(['"budg"*', '"2027"*']);
    expect(ftsTerms('say "hi"')).toEqual(['"say"*', '"""hi"""*']);
    expect(ftsTerms(' - * : ')).toEqual([]);
    expect(snippetOf('Plan the  Büdget\n\nnow.', 'budg')).toEqual({ text: 'Plan the Büdget now.', marks: [[9, 15]] });
    const long = snippetOf(`${'filler '.repeat(40)}the budget and the budgeting plan ${'more '.repeat(40)}`, 'plan budg', 6);
    expect(long.text).toBe('…the budget and the budgeting plan…');
    expect(long.marks.map(([s, e]) => long.text.slice(s, e))).toEqual(['budget', 'budgeting', 'plan']);
  });

  it('a message cannot forge a highlight', async () => {
    const store = open(tempDir());
    const c = store.create(settings);
    store.appendMessage(c.id, message('user', 'fake \u0001mark\u0002 and real words'));
    const match = (await store.search('real')).items[0]!.match!;
    expect(match.marks.map(([s, e]) => match.text.slice(s, e))).toEqual(['real']);
  });

  it('nothing in the data folder stops it from starting: junk files, a *.tmp folder, a folder where the database should be', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'conversations', 'x.json.123.abcd.tmp'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'conversations', 'folder.json'));
    fs.writeFileSync(path.join(dir, 'conversations', 'notes.txt'), 'hello');
    fs.writeFileSync(path.join(dir, 'strata.db-shm'), 'junk');
    fs.writeFileSync(path.join(dir, 'strata.db.tmp'), 'junk');
    fs.mkdirSync(path.join(dir, 'strata.db'));
    const notices: Notice[] = [];
    const store = open(dir, { notice: (n) => notices.push(n) });
    const c = store.create(settings);
    expect(ids(store.list())).toEqual([c.id]);
    expect(fs.statSync(path.join(dir, 'strata.db')).isFile()).toBe(true);
    expect(fs.readdirSync(dir).some((name) => name.startsWith('strata.db.damaged-'))).toBe(true);
    expect(notices.map((n) => n.id)).toContain('conversations-database-damaged');
  });

  it('a damaged database is set aside, kept, and a new one started, and the person is told', () => {
    const dir = tempDir();
    const first = open(dir);
    first.create(settings);
    first.close();
    const junk = Buffer.from('this is not a database at all '.repeat(200));
    fs.writeFileSync(path.join(dir, 'strata.db'), junk);
    fs.rmSync(path.join(dir, 'strata.db-wal'), { force: true });
    const notices: Notice[] = [];
    const store = open(dir, { notice: (n) => notices.push(n) });
    expect(store.list().items).toEqual([]);
    store.create(settings);
    const aside = fs.readdirSync(dir).find((name) => /^strata\.db\.damaged-[\dT-]+Z$/.test(name))!;
    expect(fs.readFileSync(path.join(dir, aside))).toEqual(junk);
    expect(notices).toEqual([expect.objectContaining({ id: 'conversations-database-damaged', message: expect.stringContaining(aside) })]);
  });

  it('a database from a newer Strata is refused, left untouched, and Strata still starts and says why', () => {
    const dir = tempDir();
    const db = new DatabaseSync(path.join(dir, 'strata.db'));
    db.exec('CREATE TABLE future (x); PRAGMA user_version = 99;');
    db.close();
    const bytes = fs.readFileSync(path.join(dir, 'strata.db'));
    const notices: Notice[] = [];
    const store = open(dir, { notice: (n) => notices.push(n) });
    const refused = expect.objectContaining({ code: 'storage-failed', message: expect.stringContaining('newer version of Strata') });
    expect(() => store.list()).toThrow(refused);
    expect(() => store.create(settings)).toThrow(StrataError);
    expect(notices).toEqual([expect.objectContaining({ id: 'conversations-unavailable', message: expect.stringMatching(/newer version.*Update Strata/) })]);
    expect(fs.readFileSync(path.join(dir, 'strata.db'))).toEqual(bytes);
    expect(fs.readdirSync(dir).sort()).toEqual(['strata.db']);
  });

  it('a data folder it cannot write to leaves conversations unavailable, with a plain explanation, but does not stop Strata', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'not-a-folder'), '');
    const store = new ConversationStore({ file: path.join(dir, 'not-a-folder', 'strata.db') });
    expect(() => store.list()).toThrow(expect.objectContaining({ code: 'storage-failed', message: 'Strata couldn’t open your conversations.' }));
  });

  describe('bringing over the conversation files of an older Strata', () => {
    const legacy = (id: string, extra: Record<string, unknown> = {}) => ({
      schemaVersion: 1,
      conversation: {
        id,
        title: `Old ${id.slice(0, 4)}`,
        createdAt: 100,
        updatedAt: Number.parseInt(id.slice(0, 4), 16),
        settings: { ...settings, temperature: 0.2 },
        messages: [
          message('user', `question about ${id.slice(0, 4)}`),
          message('assistant', 'half an answer', { status: 'streaming', modelId: 'm' }),
        ],
        ...extra,
      },
    });
    const write = (dir: string, name: string, content: unknown) =>
      fs.writeFileSync(path.join(dir, 'conversations', name), typeof content === 'string' ? content : JSON.stringify(content));
    const A = '1111aaaa-0000-0000-0000-000000000000';
    const B = '2222bbbb-0000-0000-0000-000000000000';
    const C = '3333cccc-0000-0000-0000-000000000000';

    it('imports every file once (a file the database refuses counts as damaged), keeps damaged and newer files untouched in the renamed folder, and says which', async () => {
      const dir = tempDir();
      fs.mkdirSync(path.join(dir, 'conversations'));
      write(dir, `${A}.json`, legacy(A));
      write(dir, `${B}.json`, legacy(B));
      write(dir, `${C}.json`, '{ "schemaVersion": 1, "conver');
      write(dir, 'dddddddd-0000-0000-0000-000000000000.json', { schemaVersion: 7, conversation: { anything: true } });
      write(dir, 'eeeeeeee-0000-0000-0000-000000000000.json', legacy(A));
      // Valid JSON the database refuses: two messages with one id.
      const twice = message('user', 'twice');
      write(dir, 'ffffffff-0000-0000-0000-000000000000.json', legacy('ffffffff-0000-0000-0000-000000000000', { messages: [twice, twice] }));
      write(dir, `${A}.json.123.abcd.tmp`, '{"schemaVers');
      fs.mkdirSync(path.join(dir, 'conversations', 'leftover.tmp'));
      const notices: Notice[] = [];
      const store = open(dir, { notice: (n) => notices.push(n) });
      await store.imported;

      expect(ids(store.list())).toEqual([B, A]);
      const imported = store.get(A);
      expect(imported).toMatchObject({ title: 'Old 1111', createdAt: 100, updatedAt: 0x1111, settings: { ...settings, temperature: 0.2 } });
      expect(imported.messages.map((m) => [m.text, m.status, m.error?.code])).toEqual([
        ['question about 1111', 'complete', undefined],
        ['half an answer', 'interrupted', 'stream-interrupted'],
      ]);
      expect(ids(await store.search('2222'))).toEqual([B]);

      expect(fs.existsSync(path.join(dir, 'conversations'))).toBe(false);
      const backup = fs.readdirSync(dir).find((name) => name.startsWith('conversations.imported-'))!;
      expect(fs.readFileSync(path.join(dir, backup, `${C}.json`), 'utf8')).toBe('{ "schemaVersion": 1, "conver');
      expect(JSON.parse(fs.readFileSync(path.join(dir, backup, 'dddddddd-0000-0000-0000-000000000000.json'), 'utf8'))).toEqual({
        schemaVersion: 7,
        conversation: { anything: true },
      });
      expect(notices).toEqual([
        expect.objectContaining({
          id: 'conversations-import-skipped',
          message: expect.stringMatching(new RegExp(`3 damaged .*${C}\\.json.*1 from a newer version of Strata .*dddddddd.*${backup}`)),
        }),
      ]);

      // The next start finds nothing left to import.
      store.close();
      const again = open(dir);
      await again.imported;
      expect(ids(again.list())).toEqual([B, A]);
    });

    it('keeps the folder where it is until the import has finished, and carries on next time without doubles', async () => {
      const dir = tempDir();
      fs.mkdirSync(path.join(dir, 'conversations'));
      for (const id of [A, B, C]) write(dir, `${id}.json`, legacy(id));
      let imported = 0;
      const notices: Notice[] = [];
      const first = open(dir, {
        notice: (n) => notices.push(n),
        importBatchSize: 1,
        afterImport: () => {
          if (++imported === 2) throw new Error('the computer was switched off');
        },
      });
      await first.imported;
      expect(first.list().items).toHaveLength(2);
      expect(fs.readdirSync(path.join(dir, 'conversations')).sort()).toEqual([A, B, C].map((id) => `${id}.json`));
      expect(fs.readdirSync(dir).some((name) => name.startsWith('conversations.imported-'))).toBe(false);
      expect(notices.map((n) => n.id)).toEqual(['conversations-import-stopped']);
      first.close();

      const second = open(dir);
      await second.imported;
      expect(ids(second.list())).toEqual([C, B, A]);
      expect(second.get(A).messages).toHaveLength(2);
      expect(fs.existsSync(path.join(dir, 'conversations'))).toBe(false);
    });

    it('imports in batches between which the app runs, telling listeners of each batch; closing stops it for next time', async () => {
      const dir = tempDir();
      fs.mkdirSync(path.join(dir, 'conversations'));
      for (const id of [A, B, C]) write(dir, `${id}.json`, legacy(id));
      const events: ConversationsChange[] = [];
      const store = open(dir, { importBatchSize: 1 });
      store.onChange((change) => events.push(change));
      // The first batch is in before the constructor returns; the rest come while the app goes on.
      expect(store.list().items).toHaveLength(1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toHaveLength(1);
      store.close();
      await store.imported;
      expect(fs.existsSync(path.join(dir, 'conversations'))).toBe(true);
      const reopened = open(dir);
      await reopened.imported;
      expect(reopened.list().items).toHaveLength(3);
    });

    it('a conversations file where the folder was is left alone', () => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'conversations'), 'not a folder');
      const store = open(dir);
      expect(store.list().items).toEqual([]);
      expect(fs.readFileSync(path.join(dir, 'conversations'), 'utf8')).toBe('not a folder');
    });
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

  it("an agent's turn that only handed back an action has no empty paragraph; a knowledge base is named", () => {
    const asking: ChatMessage = {
      id: 'a1',
      role: 'assistant',
      text: '',
      createdAt: 1,
      status: 'complete',
      agent: {
        name: 'Cancellations',
        steps: [],
        sources: [],
        citations: [],
        action: { invocationId: 'i-1', kind: 'confirm', actionGroup: 'orders', operation: 'cancelOrder', parameters: [{ name: 'orderId', value: '2051' }] },
        decision: { kind: 'confirmed' },
      },
    };
    const md = conversationToMarkdown(
      { ...conversation, settings: { ...conversation.settings, knowledgeBase: { knowledgeBaseId: 'KBHANDBOOK', name: 'Employee handbook' } }, messages: [asking] },
      { exportedAt: 0 },
    );
    expect(md).toContain('## Cancellations\n\n**Action:** Asked to run `cancelOrder` (orders) with orderId = "2051". You approved it.');
    expect(md).toContain('Knowledge base: Employee handbook (KBHANDBOOK)');
  });

  it('makes safe file names', () => {
    expect(exportFileName({ title: 'a/b:c*?"<>|d' })).toBe('a b c d.md');
    expect(exportFileName({ title: 'CON' })).toBe('CON conversation.md');
    expect(exportFileName({ title: '...' })).toBe('Conversation.md');
    expect(exportFileName({ title: 'x'.repeat(200) })).toBe(`${'x'.repeat(80)}.md`);
  });
});
