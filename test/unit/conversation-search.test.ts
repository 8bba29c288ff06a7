import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStore } from '../../main/chat/conversation-store';
import { writeHistory } from '../bench/big-history';
import expected from './fixtures/search-results.json';

let dir: string;
let store: ConversationStore;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-search-'));
  const file = path.join(dir, 'strata.db');
  writeHistory(file, { conversations: 300, messages: 4, answerWords: 80, seed: 7 });
  store = new ConversationStore({ file });
});
afterAll(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('conversation search', () => {
  // search-results.json holds what Strata found in this history before the search moved off the main thread.
  it('finds, ranks, pages and quotes a fixed history exactly as it always has', async () => {
    const found: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) {
      const [query, offset] = key.split('@') as [string, string];
      const page = await store.list(query, { cursor: offset === '0' ? undefined : offset, limit: 20 });
      found[key] = { ids: page.items.map((c) => c.id), matches: page.items.map((c) => c.match), nextCursor: page.nextCursor };
    }
    expect(found).toEqual(expected);
  });
});
