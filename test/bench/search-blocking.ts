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
import type { ConversationPage } from '../../preload/contract';
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

/** CPU time this thread has used, in ms. */
const cpuNow = () => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

/**
 * Runs `work`, noting the longest gap between event-loop turns while it runs
 * (a 1 ms timer gives the turns; a setImmediate spin would take a core from
 * the search thread). On a busy machine a gap can also be the thread waiting
 * for a core, so the CPU time the main thread spent within the gap is noted
 * too: that is the longest synchronous stretch of work, whatever the machine.
 */
async function blocking<T>(work: () => Promise<T> | T): Promise<{ totalMs: number; gapMs: number; stretchMs: number; value: T }> {
  let lastTime = performance.now();
  let lastCpu = cpuNow();
  let gap = 0;
  let stretch = 0;
  const turn = () => {
    const time = performance.now();
    const cpu = cpuNow();
    gap = Math.max(gap, time - lastTime);
    stretch = Math.max(stretch, cpu - lastCpu);
    lastTime = time;
    lastCpu = cpu;
  };
  const timer = setInterval(turn, 1);
  const started = performance.now();
  try {
    const value = await work();
    turn();
    return { totalMs: performance.now() - started, gapMs: gap, stretchMs: stretch, value };
  } finally {
    clearInterval(timer);
  }
}

const store = new ConversationStore({ file });
const runs = Number(args.runs);
const first = await blocking(() => store.search('warm'));
console.log(`first search (also starts the search thread): ${first.totalMs.toFixed(1)} ms, longest gap ${first.gapMs.toFixed(1)} ms, longest stretch ${first.stretchMs.toFixed(1)} ms`);
console.log('Medians (and maxima) over the runs, in ms:');
console.log(`query                 matches         total   longest gap between turns   longest synchronous stretch (main-thread CPU)`);
for (const query of args.queries!.split(',')) {
  const results: Array<Awaited<ReturnType<typeof blocking<ConversationPage>>>> = [];
  for (let run = 0; run < runs; run++) results.push(await blocking(() => store.search(query)));
  const { items, nextCursor } = results[0]!.value;
  const cell = (pick: (r: (typeof results)[number]) => number, width: number) => {
    const values = results.map(pick);
    return `${median(values).toFixed(1)} (${Math.max(...values).toFixed(1)})`.padStart(width);
  };
  const found = `${items.length}${nextCursor ? '+' : ''}`;
  console.log(`${JSON.stringify(query).padEnd(22)}${found.padStart(7)}${cell((r) => r.totalMs, 16)}${cell((r) => r.gapMs, 28)}${cell((r) => r.stretchMs, 30)}`);
}
store.close();
