/**
 * Scenario 4: the sidebar and its search with many conversations: each
 * keystroke typed into the search box, timed until the list shows that
 * query's results (painted); and how long each search request holds the
 * main process.
 */
import type { Browser } from 'playwright-core';
import type { Handlers } from '../../main/ipc/dispatch';
import { SANDBOX_MODELS, type Sandbox } from '../sandbox/index';
import { openApp, sleep } from './app';
import { percentile } from './stats';

/** Every conversation carries a ticket number `k<i>`: typing one narrows the list a digit at a time. */
const question = (i: number) => `Ticket k${i}: why does the consumer lag behind the stream?`;

/** Waits in the page for the next keystroke, then for a painted list whose entries all match (ids: the expected results, newest first). */
const KEY_WAITER = (query: string, expected: number) => `new Promise((resolve, reject) => {
  setTimeout(() => reject(new Error('the page did not get there within 60 s')), 60000);
  let pressed;
  addEventListener('keydown', (e) => { pressed = e.timeStamp; }, { capture: true, once: true });
  const check = () => {
    const items = document.querySelectorAll('[data-testid="conversation-item"]');
    const first = items[0];
    const last = items[items.length - 1];
    const match = (item) => item.textContent.toLowerCase().includes(${JSON.stringify(query)});
    if (pressed !== undefined && items.length > 0 && items.length <= ${expected} && match(first) && match(last)) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(performance.now() - pressed);
      channel.port2.postMessage(0);
    } else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;

/**
 * Notes the milliseconds each search request from the window holds the main
 * process: its handler's synchronous part, what nothing else in main can run
 * during. Returns the undo.
 */
function timeSearchRequests(handlers: Handlers, times: number[]): () => void {
  const original = handlers['conversations:list'];
  handlers['conversations:list'] = (input) => {
    const started = performance.now();
    try {
      return original(input);
    } finally {
      if (input.query?.trim()) times.push(performance.now() - started);
    }
  };
  return () => {
    handlers['conversations:list'] = original;
  };
}

/** Creates `conversations` conversations through the services (fewer if the time budget runs out), then times typing queries. */
export async function measureSearch(
  browser: Browser,
  sandbox: Sandbox,
  options: { conversations: number; setupBudgetMs: number; runs: number; say: (line: string) => void },
): Promise<{ p95s: number[]; mainBlockedMs: number[]; created: number; setupMs: number }> {
  let created = 0;
  let setupMs = 0;
  const tickets = new Map<string, number>();
  // Created before the window opens: a window listening would be sent the whole list after every one.
  const app = await openApp(browser, sandbox, {}, async (harness) => {
    const store = harness.services.conversations;
    const started = performance.now();
    for (; created < options.conversations && performance.now() - started < options.setupBudgetMs; created++) {
      const conversation = await store.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
      await store.appendMessage(conversation.id, { id: crypto.randomUUID(), role: 'user', text: question(created), createdAt: Date.now(), status: 'complete' });
      tickets.set(conversation.id, created);
      if (created % 1000 === 999) options.say(`created ${created + 1} conversations in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    setupMs = performance.now() - started;
    options.say(`created ${created} conversations in ${(setupMs / 1000).toFixed(1)} s`);
  });
  try {
    const store = app.harness.services.conversations;
    const { page } = app;
    const search = page.getByTestId('conversation-search');
    // Conversations made in the same millisecond tie on time, so the store says which one the list shows first.
    const newestTicket = tickets.get(store.list({ limit: 1 }).items[0]!.id)!;
    const newest = page.getByTestId('conversation-item').first().filter({ hasText: `k${newestTicket}:` });
    await newest.waitFor({ timeout: 120_000 });

    const p95s: number[] = [];
    const mainBlockedMs: number[] = [];
    for (let run = 0; run < options.runs; run++) {
      const times: number[] = [];
      const blocked: number[] = [];
      const untime = timeSearchRequests(app.harness.services.handlers, blocked);
      // Ticket numbers spread over the range, different each run.
      for (const fraction of [0.48, 0.21, 0.73].map((f) => (f + run * 0.07) % 1)) {
        const query = `k${Math.floor(fraction * created)}`;
        let previous = created;
        for (let n = 1; n <= query.length; n++) {
          const typed = query.slice(0, n);
          const expected = (await store.search(typed)).items.length;
          // Only keystrokes that change the results can be seen in the list.
          if (expected === previous || expected === 0) {
            await search.press(query[n - 1]!);
            await sleep(400);
            continue;
          }
          previous = expected;
          await page.evaluate(`window.__benchKey = ${KEY_WAITER(typed, expected)}; undefined`);
          await search.press(query[n - 1]!);
          times.push((await page.evaluate('window.__benchKey')) as number);
        }
        await search.fill('');
        await newest.waitFor();
      }
      untime();
      p95s.push(percentile(times, 95));
      mainBlockedMs.push(Math.max(0, ...blocked));
      options.say(`search run ${run + 1}: ${times.length} keystrokes, ${times.map((t) => t.toFixed(0)).join(' ')} ms; ${blocked.length} search requests held main ${percentile(blocked, 50).toFixed(2)} ms (median), ${mainBlockedMs.at(-1)!.toFixed(2)} ms at most`);
    }
    return { p95s, mainBlockedMs, created, setupMs };
  } finally {
    await app.close();
  }
}
