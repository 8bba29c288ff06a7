/**
 * A conversation of 2,000 messages opens quickly and stays light: only the
 * messages near the view are in the page, scrolling reaches the first one,
 * and an answer streams in at the end as in a short conversation.
 */
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

test.use({ sandboxOptions: { bedrock: { tokensPerSecond: 2000 } } });

const MESSAGES = 2000;

function answerText(i: number): string {
  const parts = [`Answer ${i}. Here is **what** you asked about, with a [link](https://docs.aws.amazon.com/).`, '- one point\n- another point'];
  if (i % 10 === 1) parts.push('```ts\n' + Array.from({ length: 12 }, (_, l) => `const value${l} = ${l} * ${i};`).join('\n') + '\n```');
  if (i % 10 === 5) parts.push('| a | b |\n| - | - |\n| 1 | 2 |');
  return parts.join('\n\n');
}

test('a 2,000-message conversation opens fast with few DOM nodes, scrolls to its first message, and streams at its end', async ({ app, harness, sandbox }) => {
  test.setTimeout(120_000);
  const { conversations } = harness.services;
  const { id } = conversations.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
  for (let i = 0; i < MESSAGES; i++) {
    const user = i % 2 === 0;
    conversations.appendMessage(id, {
      id: `m${i}`,
      role: user ? 'user' : 'assistant',
      text: user ? `Question ${i}: tell me about item ${i}` : answerText(i),
      createdAt: i,
      status: 'complete',
      ...(user ? {} : { modelId: SANDBOX_MODELS.writer }),
    });
  }

  await signIn(app, harness, sandbox.users[0]!);
  const item = app.getByTestId('conversation-item').first();
  await expect(item).toBeVisible();

  // Time from the click to the last message on screen, and the longest task meanwhile.
  const opened = await app.evaluate(async (last) => {
    const tasks: number[] = [];
    const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
    observer.observe({ type: 'longtask', buffered: false });
    const start = performance.now();
    (document.querySelector('[data-testid="conversation-item"] button') as HTMLButtonElement).click();
    while (!document.querySelector(`[data-testid="message"] [data-testid="message-text"]`)?.closest('.messages')?.textContent?.includes(last)) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const ms = performance.now() - start;
    observer.disconnect();
    return { ms, longestTask: Math.max(0, ...tasks), nodes: document.querySelectorAll('*').length };
  }, `Answer ${MESSAGES - 1}.`);
  console.log(`2,000-message conversation: opened in ${Math.round(opened.ms)} ms, longest task ${Math.round(opened.longestTask)} ms, ${opened.nodes} elements`);
  expect(opened.ms).toBeLessThanOrEqual(300);
  expect(opened.nodes).toBeLessThanOrEqual(3000);
  await expect(app.getByTestId('conversation-title')).toHaveValue(/Question 0/);
  await expect(app.getByTestId('message').last()).toContainText(`Answer ${MESSAGES - 1}.`);
  expect(await app.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThanOrEqual(3000);

  // Scrolling to the top reaches the first message (the virtualiser measures as it goes).
  const scroller = app.locator('.messages');
  await expect
    .poll(async () => {
      await scroller.evaluate((e) => e.scrollTo({ top: 0 }));
      return app.getByTestId('message').first().textContent();
    }, { timeout: 20_000 })
    .toContain('Question 0');
  await expect(app.getByTestId('message').first()).toBeInViewport();
  await expect(app.getByTestId('jump-to-latest')).toBeVisible();
  expect(await app.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThanOrEqual(3000);

  // Reading in the middle, away and back: the same place, the same message at the top.
  await scroller.evaluate((e) => e.scrollTo({ top: e.scrollHeight / 2 }));
  const topMessage = () =>
    scroller.evaluate((e) => {
      const top = e.getBoundingClientRect().top;
      const first = [...e.querySelectorAll('[data-testid="message"]')].find((m) => m.getBoundingClientRect().bottom > top + 1);
      return { scrollTop: Math.round(e.scrollTop), text: first?.querySelector('[data-testid="message-text"]')?.textContent?.slice(0, 30) };
    });
  await app.waitForTimeout(300);
  const reading = await topMessage();
  expect(reading.scrollTop).toBeGreaterThan(1000);
  await app.getByTestId('new-conversation-button').click();
  await expect(app.getByTestId('new-conversation')).toBeVisible();
  await app.getByTestId('conversation-item').first().locator('button').first().click();
  await expect(app.getByTestId('conversation-title')).toHaveValue(/Question 0/);
  await expect.poll(topMessage).toEqual(reading);

  // Back to the end, and a new answer streams in as usual.
  await app.getByTestId('jump-to-latest').click();
  await expect(app.getByTestId('message').last()).toContainText(`Answer ${MESSAGES - 1}.`);
  // The answer is short at this pace and may end between two polls: record every status the new
  // answer shows (the history's messages have the ids m0…m1999, new ones random ids).
  await app.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { answerStatuses: string[] }).answerStatuses = seen;
    new MutationObserver(() => {
      const last = [...document.querySelectorAll('[data-testid="message"][data-role="assistant"]')].at(-1);
      const status = last?.getAttribute('data-status');
      if (last && !/^m\d+-h$/.test(last.getAttribute('aria-labelledby') ?? '') && status && seen.at(-1) !== status) seen.push(status);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  await app.getByTestId('composer-input').fill('One more question');
  await app.getByTestId('composer-input').press('Enter');
  await expect
    .poll(() => app.evaluate(() => (window as unknown as { answerStatuses: string[] }).answerStatuses), { timeout: 30_000 })
    .toEqual(['streaming', 'complete']);
  const answer = app.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(answer).toHaveAttribute('data-status', 'complete');
  await expect(answer).toBeInViewport();
  await expect(answer.getByTestId('code-block').first()).toBeVisible();
  expect(await app.evaluate(() => document.getElementsByTagName('*').length)).toBeLessThanOrEqual(3000);
});
