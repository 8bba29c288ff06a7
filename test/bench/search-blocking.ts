/**
 * How long a conversation search holds the main process: over a large
 * history (big-history.ts), each query's total time and its longest
 * synchronous stretch, the longest time the event loop waited for a turn
 * while the search ran. Everything else in main (streaming answers, IPC)
 * waits that long.
 *
 *   node --import tsx test/bench/search-blocking.ts [--conversations N] [--messages N] [--words N] [--runs N] [--db FILE]
 */
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConversationStore } from '../../main/chat/conversation-store';
import { writeHistory } from './big-history';
import { median } from './stats';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '6' },
    words: { type: 'string', default: '400' },
    runs: { type: 'string', default: '5' },
    db: { type: 'string' },
    queries: { type: 'string', default: 't,th,the,stream,the stream to,ka,k4,k4711,nothingmatches' },
  },
});
const shape = { conversations: Number(args.conversations), messages: Number(args.messages), answerWords: Number(args.words) };
const file = args.db ?? path.join(os.tmpdir(), `strata-search-${shape.conversations}x${shape.messages}x${shape.answerWords}`, 'strata.db');
if (!fs.existsSync(file)) {
  const started = performance.now();
  const written = writeHistory(file, shape);
  console.log(`wrote ${shape.conversations} conversations, ${written} messages to ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** Runs `work`, noting the longest gap between event-loop turns (setImmediate) while it runs. */
async function blocking<T>(work: () => Promise<T> | T): Promise<{ totalMs: number; longestMs: number; value: T }> {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const turn = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(turn);
  };
  setImmediate(turn);
  const started = performance.now();
  try {
    const value = await work();
    return { totalMs: performance.now() - started, longestMs: Math.max(longest, performance.now() - last), value };
  } finally {
    running = false;
  }
}

const store = new ConversationStore({ file });
const runs = Number(args.runs);
console.log(`query                 matches   total ms (median)   longest synchronous ms (median, max)`);
for (const query of args.queries!.split(',')) {
  const totals: number[] = [];
  const longest: number[] = [];
  let found = '';
  for (let run = 0; run < runs; run++) {
    const result = await blocking(() => store.list(query));
    totals.push(result.totalMs);
    longest.push(result.longestMs);
    found = `${result.value.items.length}${result.value.nextCursor ? '+' : ''}`;
  }
  console.log(
    `${JSON.stringify(query).padEnd(22)}${found.padStart(7)}   ${median(totals).toFixed(1).padStart(16)}   ${median(longest).toFixed(1).padStart(14)}, ${Math.max(...longest).toFixed(1)}`,
  );
}
store.close();
