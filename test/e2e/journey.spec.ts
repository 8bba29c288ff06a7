/**
 * The chat used the way people use it: many steps in a row, switching back
 * and forth, starting new conversations, clicking quickly, signing out in
 * the middle of an answer and back in. After every step exactly one
 * conversation is on screen, the one chosen last, and nothing shows as
 * running that is not.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

/** The conversation whose opening main answers slowly, to make an earlier click answer last. */
let slowToOpen: string | null = null;

test.use({
  sandboxOptions: { bedrock: { tokensPerSecond: 0 } },
  harnessOptions: {
    delayAnswer: (channel, input) =>
      channel === 'conversations:get' && (input as { id?: string } | undefined)?.id === slowToOpen ? 700 : undefined,
  },
});

const answers = (app: Page) => app.locator('[data-testid="message"][data-role="assistant"]');
const items = (app: Page) => app.getByTestId('conversation-item');

/** Exactly one conversation on screen: one title (or the new-conversation start), one model picker, one message box. */
async function expectOneConversation(app: Page, title: string | null) {
  if (title === null) {
    await expect(app.getByTestId('new-conversation')).toHaveCount(1);
    await expect(app.getByTestId('conversation-title')).toHaveCount(0);
  } else {
    await expect(app.getByTestId('conversation-title')).toHaveCount(1);
    await expect(app.getByTestId('conversation-title')).toHaveValue(title);
    await expect(app.getByTestId('new-conversation')).toHaveCount(0);
  }
  await expect(app.getByTestId('model-picker')).toHaveCount(1);
  await expect(app.getByTestId('composer-input')).toHaveCount(1);
  await expect(app.locator('.conversation-header')).toHaveCount(title === null ? 0 : 1);
}

/** Nothing runs: no Stop anywhere, and no answer shown as still arriving. */
async function expectNothingRunning(app: Page) {
  await expect(app.getByTestId('stop-button')).toHaveCount(0);
  await expect(app.locator('[data-testid="message"][data-status="streaming"]')).toHaveCount(0);
}

/** The words of a text, with Markdown's markers left out (the screen shows them formatted). */
const wordsOf = (text: string) => text.replace(/[#*`|>_-]/g, ' ').split(/\s+/).filter(Boolean);

/** No accessibility violations on what is on screen now, in light and in dark; a screenshot of each for the record. */
async function expectAccessible(app: Page, testInfo: TestInfo, name: string) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme });
    const shot = testInfo.outputPath(`${name}-${colorScheme}.png`);
    await app.screenshot({ path: shot });
    await testInfo.attach(`${name} (${colorScheme})`, { path: shot, contentType: 'image/png' });
    const axe = await new AxeBuilder({ page: app }).analyze();
    expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await app.emulateMedia({ colorScheme: null });
}

/**
 * The browser's caret is in the message box or in text, never stranded where a removed box was:
 * there Chromium walks the page on every frame, and a streaming answer takes three times longer to draw.
 */
async function expectNoStrandedCaret(app: Page) {
  const where = await app.evaluate(() => {
    const selection = getSelection();
    const node = selection?.rangeCount ? selection.anchorNode : null;
    if (!node || node.nodeType === Node.TEXT_NODE || (node as Element).closest('.composer')) return 'fine';
    return (node as Element).outerHTML.slice(0, 80);
  });
  expect(where).toBe('fine');
}

async function ask(app: Page, text: string) {
  const before = await answers(app).count();
  await app.getByTestId('composer-input').fill(text);
  await app.getByTestId('composer-input').press('Enter');
  await expect(answers(app)).toHaveCount(before + 1);
}

async function open(app: Page, title: string) {
  await items(app).filter({ hasText: title }).getByRole('button', { name: title }).first().click();
}

test('a journey through the chat: new, switch, quick clicks, drafts, sign out mid-answer and back', async ({ app, harness, sandbox }, testInfo) => {
  test.setTimeout(120_000);
  const person = sandbox.users[0]!;
  await signIn(app, harness, person);

  // A new conversation is shown from the start, and saved only by its first message.
  await expectOneConversation(app, null);
  await expect(app.getByTestId('privacy-line')).toContainText('stay on this computer');
  await expectAccessible(app, testInfo, 'new-conversation');
  await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
  await ask(app, 'First question about budgets');
  await expect(answers(app).last()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expectOneConversation(app, 'First question about budgets');
  // The first question made the conversation and a new box replaced the one written in: the person writes on there.
  await expect(app.getByTestId('composer-input')).toBeFocused();
  await expectNoStrandedCaret(app);
  // Ctrl+N mid-sentence: the new conversation's box takes the focus; the words wait in their own conversation.
  await app.keyboard.type('a thought for later');
  await app.keyboard.press('Control+n');
  await expectOneConversation(app, null);
  await expect(app.getByTestId('composer-input')).toBeFocused();
  await expectNoStrandedCaret(app);
  await open(app, 'First question about budgets');
  await expect(app.getByTestId('composer-input')).toHaveValue('a thought for later');
  await app.getByTestId('composer-input').fill('');
  await expect(items(app)).toHaveCount(1);

  // New, then Ctrl+N, then New again: still one new conversation, nothing saved empty.
  await app.getByTestId('new-conversation-button').click();
  await expectOneConversation(app, null);
  await app.keyboard.press('Control+n');
  await app.getByTestId('new-conversation-button').click();
  await expectOneConversation(app, null);
  await expect(items(app)).toHaveCount(1);
  expect(harness.services.conversations.list().items).toHaveLength(1);

  await ask(app, 'Second question about queues');
  await expect(answers(app).last()).toHaveAttribute('data-status', 'complete', { timeout: 20_000 });
  await expectOneConversation(app, 'Second question about queues');
  await expect(items(app)).toHaveCount(2);
  await expectAccessible(app, testInfo, 'conversation');

  // Back and forth, many times: always the one chosen last, with its own messages.
  for (let i = 0; i < 6; i++) {
    const title = i % 2 === 0 ? 'First question about budgets' : 'Second question about queues';
    await open(app, title);
    await expectOneConversation(app, title);
    await expect(app.locator('[data-testid="message"][data-role="user"] [data-testid="message-text"]')).toHaveText([title]);
    await expectNothingRunning(app);
  }

  // Drafts stay with their conversation.
  await app.getByTestId('composer-input').fill('half-written about queues');
  await open(app, 'First question about budgets');
  await expect(app.getByTestId('composer-input')).toHaveValue('');
  // The click moved the focus to the list, and it stays there.
  await expect(items(app).filter({ hasText: 'First question about budgets' }).getByTestId('open-conversation-button')).toBeFocused();
  await app.getByTestId('composer-input').fill('half-written about budgets');
  await open(app, 'Second question about queues');
  await expect(app.getByTestId('composer-input')).toHaveValue('half-written about queues');
  await open(app, 'First question about budgets');
  await expect(app.getByTestId('composer-input')).toHaveValue('half-written about budgets');

  // Each conversation keeps where the person was reading; one they never scrolled opens at its end.
  const scroller = app.locator('.messages');
  await open(app, 'Second question about queues');
  await expect.poll(() => scroller.evaluate((e) => e.scrollHeight > e.clientHeight + 200)).toBe(true);
  await expect.poll(() => scroller.evaluate((e) => e.scrollHeight - e.scrollTop - e.clientHeight)).toBeLessThan(60);
  await scroller.evaluate((e) => e.scrollTo({ top: 40 }));
  await expect(app.getByTestId('jump-to-latest')).toBeVisible();
  await open(app, 'First question about budgets');
  await open(app, 'Second question about queues');
  await expect.poll(() => scroller.evaluate((e) => e.scrollTop)).toBeLessThan(100);
  await expect(app.getByTestId('jump-to-latest')).toBeVisible();
  await app.getByTestId('jump-to-latest').click();
  await open(app, 'First question about budgets');

  // Two clicks in quick succession, the first answering last: the second wins.
  const [first, second] = harness.services.conversations.list().items.sort((a, b) => a.createdAt - b.createdAt);
  slowToOpen = second!.id;
  await open(app, 'Second question about queues');
  await open(app, 'First question about budgets');
  await app.waitForTimeout(900);
  await expectOneConversation(app, 'First question about budgets');
  slowToOpen = null;
  expect(first!.title).toBe('First question about budgets');

  // A long answer streams in the second conversation; switching away and back shows it without a hole.
  sandbox.bedrock.setPace({ tokensPerSecond: 150, answerWords: 700 });
  await open(app, 'Second question about queues');
  await app.getByTestId('composer-input').fill('Write a long essay about queues');
  await app.getByTestId('composer-input').press('Enter');
  const streaming = answers(app).last();
  await expect(streaming.getByTestId('message-text')).toContainText(/\w+ \w+ \w+ \w+/);
  await open(app, 'First question about budgets');
  await expectOneConversation(app, 'First question about budgets');
  await expectNothingRunning(app);
  // Away long enough for the plain prose after the tables and code to arrive.
  await expect.poll(() => harness.services.chat.running()[0]?.message.text ?? '', { timeout: 15_000 }).toMatch(/Service Quotas\.[^]*Service Quotas\./);
  await open(app, 'Second question about queues');
  // The words that arrived while the person was elsewhere (main has them; its last save may not) are on screen.
  const arrived = wordsOf(harness.services.chat.running()[0]!.message.text).slice(-16, -1).join(' ');
  await expectOneConversation(app, 'Second question about queues');
  await expect(app.getByTestId('stop-button')).toBeVisible();
  await expect.poll(async () => wordsOf(await answers(app).last().getByTestId('message-text').innerText()).join(' ')).toContain(arrived);
  await expect(answers(app).last()).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  const saved = harness.services.conversations.get(second!.id).messages.at(-1)!;
  expect(wordsOf(await answers(app).last().getByTestId('message-text').innerText()).slice(-40)).toEqual(wordsOf(saved.text).slice(-40));
  await expectNothingRunning(app);

  // Sign out while an answer streams, and back in: nothing is left running, and the person's screen is fresh.
  sandbox.bedrock.setPace({ tokensPerSecond: 40, answerWords: 2000 });
  await app.getByTestId('composer-input').fill('Another long essay, please');
  await app.getByTestId('composer-input').press('Enter');
  await expect(app.getByTestId('stop-button')).toBeVisible();
  await expect(answers(app).last().getByTestId('message-text')).toContainText(/\w+ \w+/);
  await app.getByTestId('sign-out-button').click();
  await expect(app.getByTestId('sign-in-button')).toBeVisible();
  await expect.poll(() => harness.services.chat.running().length).toBe(0);
  await signIn(app, harness, person);
  await expectOneConversation(app, null);
  await expectNothingRunning(app);
  await expect(app.getByTestId('composer-input')).toHaveValue('');
  await open(app, 'Second question about queues');
  await expectOneConversation(app, 'Second question about queues');
  await expect(answers(app).last()).toHaveAttribute('data-status', 'interrupted');
  await expectNothingRunning(app);
  await expect(app.getByTestId('send-button')).toBeVisible();
  await expect(items(app)).toHaveCount(2);
});

test('a window that reloads mid-answer catches up on the whole text and can stop it', async ({ app, harness, sandbox }, testInfo) => {
  await signIn(app, harness, sandbox.users[0]!);
  sandbox.bedrock.setPace({ tokensPerSecond: 60, answerWords: 1500 });
  await app.getByTestId('model-picker').selectOption(SANDBOX_MODELS.writer);
  await ask(app, 'Write a long essay about storage');
  await expect(answers(app).last().getByTestId('message-text')).toContainText(/\w+ \w+ \w+ \w+ \w+/);

  await app.reload();
  await expect(app.getByTestId('session-user-name')).toBeVisible();
  await open(app, 'Write a long essay about storage');
  await expectOneConversation(app, 'Write a long essay about storage');
  const answer = answers(app).last();
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  // Main's text so far is all on screen, from its first word, not only what arrived after the reload.
  const [running] = harness.services.chat.running();
  const before = wordsOf(running!.message.text).slice(0, 12);
  expect(before.length).toBeGreaterThan(4);
  await expect.poll(async () => wordsOf(await answer.getByTestId('message-text').innerText()).slice(0, before.length)).toEqual(before);
  await app.getByTestId('stop-button').click();
  await expect(answer).toHaveAttribute('data-status', 'interrupted');
  await expect(answer.getByTestId('message-stopped')).toBeVisible();
  await expectNothingRunning(app);
  await expectAccessible(app, testInfo, 'stopped-answer');
});
