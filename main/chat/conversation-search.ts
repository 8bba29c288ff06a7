/**
 * Finding conversations: those holding every searched word (in any of their
 * messages or the title), ranked by the sum of each word's best bm25 score in
 * them, titles weighing more than message text; each with its best-matching
 * passage. It runs on the search thread (search-worker.ts), and SQLite asks
 * before each row whether to go on, so a search the person has already typed
 * past stops at once.
 *
 * Imports name their .ts files: unbundled (tests, tools), the search thread
 * loads this module with Node's own TypeScript support, which resolves no
 * missing extensions.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { ConversationPage } from '../../preload/contract';
import { ftsTerms, snippetOf } from './search-query.ts';
import { SUMMARY_COLUMNS, summaryOf, type ConversationRow } from './summaries.ts';

export interface SearchOptions {
  /** Where the page starts: the nextCursor of the page before. */
  cursor?: string;
  limit: number;
}

/** A conversation found by every searched word: its score, and the row (message or title) that matched best. */
interface Found {
  score: number;
  row: number;
  rowScore: number;
}

/** Thrown from inside SQLite to end a search part-way. */
const STOPPED = new Error('the search was stopped');

/**
 * Each conversation's best row for one word (SQLite takes the bare column `r`
 * from the row with the min). SQL calls search_goes_on() before each row it
 * reads and each row it groups, which is where a search stops.
 */
const HITS = `WITH h AS MATERIALIZED (SELECT rowid AS r, bm25(search, 4.0, 1.0) AS score FROM search WHERE search MATCH ? AND search_goes_on())
  SELECT coalesce(m.conversation_id, t.id) AS conversation_id, h.r, min(h.score) AS score
  FROM h
  LEFT JOIN messages m ON h.r > 0 AND m.key = h.r
  LEFT JOIN conversations t ON h.r < 0 AND t.search_key = -h.r
  WHERE search_goes_on()
  GROUP BY 1`;

/**
 * One page of the conversations matching `query`, best first, each with its
 * snippet; undefined if `stopped()` said to stop part-way. Throws what
 * SQLite throws.
 */
export function searchConversations(
  db: DatabaseSync,
  query: string,
  { cursor, limit }: SearchOptions,
  stopped: () => boolean,
): ConversationPage | undefined {
  const terms = ftsTerms(query);
  if (!terms.length) return { items: [], nextCursor: null };
  const offset = cursor && /^\d{1,9}$/.test(cursor) ? Number(cursor) : 0;
  // Throwing ends the statement there and then (and resets it: no read transaction stays open).
  db.function('search_goes_on', { directOnly: true }, () => {
    if (stopped()) throw STOPPED;
    return 1;
  });
  try {
    let found: Map<string, Found> | undefined;
    for (const term of terms) {
      const hits = db.prepare(HITS).all(term) as unknown as Array<{ conversation_id: string | null; r: number; score: number }>;
      const best = new Map<string, Found>();
      for (const { conversation_id: id, r, score } of hits) {
        if (!id || (found && !found.has(id))) continue;
        const entry = best.get(id);
        if (!entry || score < entry.score) best.set(id, { score, row: r, rowScore: score });
      }
      // Every word must be somewhere in the conversation; its score adds up each word's best.
      found = new Map(
        [...best].map(([id, entry]) => {
          const before = found?.get(id);
          if (!before) return [id, entry];
          const row = before.rowScore <= entry.rowScore ? before : entry;
          return [id, { score: before.score + entry.score, row: row.row, rowScore: row.rowScore }];
        }),
      );
    }
    const ranked = [...found!].sort(([a, x], [b, y]) => x.score - y.score || (a < b ? -1 : 1));
    // Only the page is described and quoted.
    const page = ranked.slice(offset, offset + limit);
    const rows = db
      .prepare(`SELECT ${SUMMARY_COLUMNS} FROM conversations c WHERE c.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(page.map(([id]) => id))) as unknown as ConversationRow[];
    const summaries = new Map(rows.map((row) => [row.id, summaryOf(row)]));
    const items: ConversationPage['items'] = [];
    for (const [id, { row }] of page) {
      const summary = summaries.get(id);
      // Quoting long messages takes a while too.
      if (stopped()) return undefined;
      if (summary) items.push({ ...summary, match: snippetOf(textOfRow(db, row) ?? summary.title, query) });
    }
    return { items, nextCursor: ranked.length > offset + limit ? String(offset + limit) : null };
  } catch (err) {
    if (err === STOPPED) return undefined;
    throw err;
  }
}

/** The text behind a search row: a message's (rowid = messages.key) or a title's (rowid = -search_key). */
function textOfRow(db: DatabaseSync, row: number): string | undefined {
  const found =
    row > 0
      ? db.prepare('SELECT text FROM messages WHERE key = ?').get(row)
      : db.prepare('SELECT title AS text FROM conversations WHERE search_key = ?').get(-row);
  return (found as { text: string } | undefined)?.text;
}
