/**
 * The search thread: conversation searches run here, on a read-only
 * connection of their own, so the main process never waits for one (a
 * common word can take a few hundred milliseconds over a long history).
 * WAL lets this connection read everything main has committed without
 * holding up main's writes. search-thread.ts sends one search at a time and
 * asks the running one to stop by writing its id into the shared `stop` cell,
 * which the search reads before each row.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { searchConversations } from './conversation-search.ts';
import type { SearchReply, SearchRequest, SearchWorkerData } from './search-thread.ts';

const { file, stop } = workerData as SearchWorkerData;
const stopped = new Int32Array(stop);
// Opened only by the store once its own connection opened this file: never a refused or damaged one.
const db = new DatabaseSync(file, { readOnly: true, timeout: 2000 });
const port = parentPort!;

port.on('message', ({ id, query, cursor, limit }: SearchRequest) => {
  let rows = 0;
  let reply: SearchReply;
  try {
    const page = searchConversations(db, query, { cursor, limit }, () => {
      rows++;
      return Atomics.load(stopped, 0) === id;
    });
    reply = page ? { id, page } : { id, stoppedAfter: rows };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  port.postMessage(reply);
});
