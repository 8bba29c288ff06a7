/**
 * Scenarios 3 and 5: opening a conversation with a long history (time to
 * interactive, DOM size, heap, scrolling back to the top), and how long each
 * streaming checkpoint holds the main process while that history is large.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import type { ChatMessage } from '../../preload/contract';
import { SANDBOX_MODELS, type Sandbox } from '../sandbox/index';
import { benchAnswer } from './answer';
import { type BenchApp, heapAfterGc, openApp, sleep } from './app';
import { probe, type LongTask } from './probe';
import { percentile } from './stats';

export interface HistoryRun {
  interactiveMs: number;
  domNodes: number;
  heapMb: number;
  scrollLongestTaskMs: number;
}

const FIRST_MARK = 'Benchmark history question 1:';
const LAST_MARK = 'End of the benchmark history.';

/** The same history every time: questions and Markdown answers of a few hundred characters. */
function historyMessage(i: number, count: number, modelId: string): ChatMessage {
  const base = { id: randomUUID(), createdAt: Date.now() - (count - i) * 60_000, status: 'complete' as const };
  if (i % 2 === 0) return { ...base, role: 'user', text: `Benchmark history question ${i / 2 + 1}: how should the consumer size its batches?` };
  const text = benchAnswer(400 + ((i * 37) % 5) * 120, 6);
  return { ...base, role: 'assistant', modelId, text: i === count - 1 ? `${text}\n${LAST_MARK}` : text };
}

/** Waits in the page for the next click, then for the latest message to be painted: both times, in page time. */
const OPEN_WAITER = (mark: string) => `new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('the page did not get there within 60 s')), 60000);
  let clicked;
  addEventListener('click', (e) => { clicked = e.timeStamp; }, { capture: true, once: true });
  const check = () => {
    const all = document.querySelectorAll('[data-testid="message-text"]');
    const last = all[all.length - 1];
    if (clicked !== undefined && last && last.textContent.includes(${JSON.stringify(mark)})) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve({ clicked, painted: performance.now() });
      channel.port2.postMessage(0);
    } else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

/** The element that scrolls the messages, found from a message (no test id of its own). */
const SCROLLER = `(() => {
  let node = document.querySelector('[data-testid="message"]');
  while (node && !(node.scrollHeight > node.clientHeight && /auto|scroll/.test(getComputedStyle(node).overflowY))) node = node.parentElement;
  return node;
})()`;

/** The end of the busy stretch that starts before `from`: long tasks less than 100 ms apart count as one. */
function busyUntil(tasks: LongTask[], from: number): number {
  let end = from;
  for (const task of [...tasks].sort((a, b) => a.start - b.start)) {
    if (task.start + task.duration <= end) continue;
    if (task.start - end > 100) break;
    end = task.start + task.duration;
  }
  return end;
}

async function openOnce(app: BenchApp, title: string): Promise<HistoryRun> {
  const { page } = app;
  // A fresh window each time: the first opening after launch, nothing cached in the renderer.
  await page.reload();
  const entry = page.getByTestId('conversation-item').filter({ hasText: title }).getByTestId('open-conversation-button');
  await entry.waitFor();
  await sleep(300);
  await page.evaluate(`window.__benchOpen = ${OPEN_WAITER(LAST_MARK)}; undefined`);
  await entry.click();
  const { clicked, painted } = (await page.evaluate('window.__benchOpen')) as { clicked: number; painted: number };
  // Interactive once the main thread has been free of long tasks for 100 ms.
  await sleep(1_000);
  const interactive = busyUntil(await probe<LongTask[]>(page, 'longTasks'), painted);
  const domNodes = (await page.evaluate('document.getElementsByTagName("*").length')) as number;
  const heapMb = (await heapAfterGc(app.cdp)) / 2 ** 20;

  // Back to the first message, a wheel turn at a time, as a person reading back does.
  const box = (await page.evaluate(`(() => { const r = ${SCROLLER}.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; })()`)) as { x: number; y: number };
  await page.mouse.move(box.x, box.y);
  const from = await probe<number>(page, 'now');
  for (let turn = 0; turn < 2_000; turn++) {
    await page.mouse.wheel(0, -2_000);
    const top = (await page.evaluate(
      `${SCROLLER}.scrollTop === 0 && document.querySelector('[data-testid="message"]').textContent.includes(${JSON.stringify(FIRST_MARK)})`,
    )) as boolean;
    if (top) break;
  }
  await sleep(300);
  const to = await probe<number>(page, 'now');
  const scrollTasks = (await probe<LongTask[]>(page, 'longTasks')).filter((t) => t.start + t.duration > from && t.start < to);
  return { interactiveMs: interactive - clicked, domNodes, heapMb, scrollLongestTaskMs: Math.max(0, ...scrollTasks.map((t) => t.duration)) };
}

/**
 * Milliseconds each streaming checkpoint (an `updateMessage` that leaves the
 * answer streaming: no status in the patch) holds the main process, while an
 * answer streams into the long conversation; and the same for the answer's
 * final save (status set), which also indexes it for search and tells the window.
 */
async function checkpointTimes(app: BenchApp, sandbox: Sandbox, title: string): Promise<{ checkpoints: number[]; finalSaves: number[] }> {
  const store = app.harness.services.conversations;
  const original = store.updateMessage;
  const checkpoints: number[] = [];
  const finalSaves: number[] = [];
  store.updateMessage = function (this: typeof store, ...args: Parameters<typeof original>) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      // The synchronous part: what the main process cannot do anything else during.
      (args[2].status === undefined ? checkpoints : finalSaves).push(performance.now() - started);
    }
  } as typeof original;
  const { page } = app;
  try {
    await page.getByTestId('conversation-item').filter({ hasText: title }).getByTestId('open-conversation-button').click();
    // 40,000 characters at 8,000 a second: about 20 checkpoints at one per 250 ms.
    sandbox.bedrock.setPace({ script: benchAnswer(40_000, 40), chunkChars: 32, intervalMs: 4 });
    await page.getByTestId('composer-input').fill('One more, please');
    await page.getByTestId('composer-input').press('Enter');
    await page.locator('[data-testid="message"][data-role="assistant"][data-status="streaming"]').waitFor();
    await page.locator('[data-testid="message"][data-status="streaming"]').waitFor({ state: 'detached', timeout: 120_000 });
    return { checkpoints, finalSaves };
  } finally {
    store.updateMessage = original;
    sandbox.bedrock.setPace({ script: undefined });
  }
}

/** Builds a conversation of `messages` messages through the services, then measures opening it and streaming into it. */
export async function measureHistory(
  browser: Browser,
  sandbox: Sandbox,
  options: { messages: number; runs: number; say: (line: string) => void },
): Promise<{ runs: HistoryRun[]; checkpointP95s: number[]; finalSaveMs: number[]; setupMs: number }> {
  // Checkpoints every 250 ms instead of every second: more of them per answer, each costing the same.
  const app = await openApp(browser, sandbox, { timing: { chatCheckpointMs: 250 } });
  try {
    const count = options.messages - (options.messages % 2);
    const started = performance.now();
    const store = app.harness.services.conversations;
    const conversation = await store.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
    for (let i = 0; i < count; i++) await store.appendMessage(conversation.id, historyMessage(i, count, SANDBOX_MODELS.writer));
    const setupMs = performance.now() - started;
    const title = (await store.get(conversation.id)).title;
    options.say(`created a ${count}-message conversation in ${(setupMs / 1000).toFixed(1)} s`);

    const runs: HistoryRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      runs.push(await openOnce(app, title));
      options.say(`long conversation run ${run + 1}: ${JSON.stringify(runs.at(-1))}`);
    }
    const checkpointP95s: number[] = [];
    const finalSaveMs: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const { checkpoints, finalSaves } = await checkpointTimes(app, sandbox, title);
      checkpointP95s.push(percentile(checkpoints, 95));
      finalSaveMs.push(Math.max(...finalSaves));
      options.say(
        `checkpoints run ${run + 1}: ${checkpoints.length} checkpoints, p95 ${checkpointP95s.at(-1)!.toFixed(2)} ms; final save ${finalSaveMs.at(-1)!.toFixed(2)} ms`,
      );
    }
    return { runs, checkpointP95s, finalSaveMs, setupMs };
  } finally {
    await app.close();
  }
}
