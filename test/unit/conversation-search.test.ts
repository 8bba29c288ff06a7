import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../main/app/services';
import { searchConversations } from '../../main/chat/conversation-search';
import { ConversationStore, type ConversationStoreOptions } from '../../main/chat/conversation-store';
import type { ChatMessage } from '../../preload/contract';
import { writeHistory } from '../bench/big-history';
import { nodePlatform } from '../harness/node-platform';
import expected from './fixtures/search-results.json';

let root: string;
/** The history search-results.json was taken from. */
let fixed: string;
/** A longer one: a common word's search takes a while there. */
let long: string;
const stores: ConversationStore[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-search-'));
  fixed = path.join(root, 'fixed', 'strata.db');
  writeHistory(fixed, { conversations: 300, messages: 4, answerWords: 80, seed: 7 });
  long = path.join(root, 'long', 'strata.db');
  writeHistory(long, { conversations: 1500, messages: 6, answerWords: 200, seed: 3 });
}, 60_000);
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const open = (file: string, options: Partial<ConversationStoreOptions> = {}) => {
  const store = new ConversationStore({ file, ...options });
  stores.push(store);
  return store;
};
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((c) => c.id);
const message = (text: string): ChatMessage => ({ id: `m-${Math.random().toString(36).slice(2)}`, role: 'user', text, createdAt: 1, status: 'complete' });

/** The files under `dir` this process holds open (Linux), e.g. the search thread's connection. */
const openFilesUnder = (dir: string) =>
  fs.readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return [];
    }
  });
const onLinux = fs.existsSync('/proc/self/fd');

describe('conversation search', () => {
  // search-results.json holds what Strata found in this history before the search moved off the main thread.
  it('finds, ranks, pages and quotes a fixed history exactly as it always has', async () => {
    const store = open(fixed);
    const found: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      const [query, offset] = key.split('@') as [string, string];
      const page = await store.search(query, { cursor: offset === '0' ? undefined : offset, limit: 20 });
      found[key] = { ids: page.items.map((c) => c.id), matches: page.items.map((c) => c.match), nextCursor: page.nextCursor };
    }
    expect(found).toEqual(expected);
  });

  it('asks before every index row whether to go on, and stops as soon as it is told', () => {
    const db = new DatabaseSync(fixed, { readOnly: true });
    try {
      let asked = 0;
      expect(searchConversations(db, 't', { limit: 20 }, () => ++asked > 50)).toBeUndefined();
      expect(asked).toBe(51);
      // Left alone, the same search steps through every row that has a word starting with t.
      asked = 0;
      expect(searchConversations(db, 't', { limit: 20 }, () => (asked++, false))?.items).toHaveLength(20);
      expect(asked).toBeGreaterThan(1000);
    } finally {
      db.close();
    }
  });

  it('runs off the main thread: while it searches a long history, the main thread keeps getting turns and spends next to no time on it', async () => {
    const store = open(long);
    await store.search('warm up');
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    const cpu = process.threadCpuUsage();
    const started = performance.now();
    try {
      const page = await store.search('the stream to');
      expect(page.items).toHaveLength(100);
    } finally {
      clearInterval(timer);
    }
    const used = process.threadCpuUsage(cpu);
    const mainMs = (used.user + used.system) / 1000;
    const totalMs = performance.now() - started;
    expect(turns).toBeGreaterThan(3);
    expect(mainMs).toBeLessThan(totalMs / 4);
  });

  it('a search replaced by a newer one fails at once as superseded, and the thread stops it at its next row', async () => {
    const stopped: number[] = [];
    const store = open(long, { afterSearchStopped: (rows) => stopped.push(rows) });
    await store.search('warm up');
    const first = new AbortController();
    const superseded = store.search('t', { signal: first.signal });
    first.abort();
    await expect(superseded).rejects.toMatchObject({ code: 'superseded' });
    // The newer search waits only for the older one to notice, not for it to finish.
    expect(ids(await store.search('k42'))).toEqual(['conv-00000042', 'conv-00000420', 'conv-00000421', 'conv-00000422', 'conv-00000423', 'conv-00000424', 'conv-00000425', 'conv-00000426', 'conv-00000427', 'conv-00000428', 'conv-00000429']);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toBeLessThanOrEqual(1);
  });

  it('one that was still waiting never runs', async () => {
    const stopped: number[] = [];
    const store = open(long, { afterSearchStopped: (rows) => stopped.push(rows) });
    const running = store.search('the');
    const waiting = new AbortController();
    const never = store.search('stream', { signal: waiting.signal });
    waiting.abort();
    await expect(never).rejects.toMatchObject({ code: 'superseded' });
    expect((await running).items).toHaveLength(100);
    expect(stopped).toEqual([]);
  });

  it('the newest list request from the window stops the search under way', async () => {
    const userDataDir = path.join(root, 'services');
    fs.mkdirSync(userDataDir, { recursive: true });
    fs.copyFileSync(fixed, path.join(userDataDir, 'strata.db'));
    const services = createServices(nodePlatform({ env: {}, userDataDir, keychainKey: null }));
    try {
      const list = services.handlers['conversations:list'];
      const typing = ['k', 'k1', 'k12'].map((query) => list({ query }));
      const cleared = list({});
      const results = await Promise.allSettled([...typing, cleared]);
      expect(results.slice(0, 3)).toEqual(Array(3).fill({ status: 'rejected', reason: expect.objectContaining({ code: 'superseded' }) }));
      expect(results[3]).toMatchObject({ status: 'fulfilled', value: { items: expect.any(Array) } });
      expect(ids(await list({ query: 'k123' }))).toEqual(['conv-00000123']);
    } finally {
      services.dispose();
    }
  });

  it('sees every change saved just before it, while the thread was busy with another search too', async () => {
    const file = path.join(root, 'changes', 'strata.db');
    const store = open(file);
    const c = store.create({ modelId: 'm', systemPrompt: '' });
    expect(ids(await store.search('okapi'))).toEqual([]);
    store.appendMessage(c.id, message('Okapis live in the rainforest'));
    expect(ids(await store.search('okapi'))).toEqual([c.id]);
    const busy = store.search('the');
    store.rename(c.id, 'Zebra notes');
    expect(ids(await store.search('zebra'))).toEqual([c.id]);
    await busy;
    store.delete(c.id);
    expect(ids(await store.search('okapi'))).toEqual([]);
    // A search stopped part-way leaves nothing behind that would hide the next change.
    const stopping = new AbortController();
    const stopped = store.search('the', { signal: stopping.signal });
    stopping.abort();
    await expect(stopped).rejects.toMatchObject({ code: 'superseded' });
    const again = store.create({ modelId: 'm', systemPrompt: '' });
    store.appendMessage(again.id, message('Okapis again'));
    expect(ids(await store.search('okapi'))).toEqual([again.id]);
  });

  describe('its connection follows the database', () => {
    it.runIf(onLinux)('closes with the store: no file stays open', async () => {
      const dir = path.dirname(long);
      const store = open(long);
      await store.search('the');
      expect(openFilesUnder(dir).length).toBeGreaterThan(0);
      store.close();
      await expect.poll(() => openFilesUnder(dir), { timeout: 5000 }).toEqual([]);
      await expect(store.search('the')).rejects.toMatchObject({ code: 'storage-failed' });
    });

    it.runIf(onLinux)('never opens a database from a newer Strata', async () => {
      const dir = path.join(root, 'newer');
      fs.mkdirSync(dir);
      const db = new DatabaseSync(path.join(dir, 'strata.db'));
      db.exec('PRAGMA user_version = 99;');
      db.close();
      const store = open(path.join(dir, 'strata.db'));
      await expect(store.search('the')).rejects.toMatchObject({ code: 'storage-failed', message: expect.stringContaining('newer version of Strata') });
      expect(openFilesUnder(dir)).toEqual([]);
    });

    it.runIf(onLinux)('reads the new database when a damaged one was set aside, never the damaged one', async () => {
      const dir = path.join(root, 'damaged');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'strata.db'), 'this is not a database at all '.repeat(200));
      const store = open(path.join(dir, 'strata.db'));
      const c = store.create({ modelId: 'm', systemPrompt: '' });
      store.appendMessage(c.id, message('A fresh start'));
      expect(ids(await store.search('fresh'))).toEqual([c.id]);
      expect(openFilesUnder(dir).filter((file) => file.includes('.damaged-'))).toEqual([]);
    });
  });
});
