import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/harness';
import { SANDBOX_MODELS } from '../sandbox/index';
import { expect, signIn, test } from './fixtures';

/** Saves `count` conversations straight into main's store, as a long history would be. */
function seedHistory(harness: Harness, count: number): void {
  const store = harness.services.conversations;
  for (let i = 0; i < count; i++) {
    const text = i === 7 ? 'Our <b>budget</b> for 2027, in <script>alert(1)</script> form' : `Question number ${i}`;
    const c = store.create({ modelId: SANDBOX_MODELS.writer, systemPrompt: '' });
    store.appendMessage(c.id, { id: `q-${i}`, role: 'user', text, createdAt: Date.now(), status: 'complete' });
    if (i === 3) {
      store.appendMessage(c.id, { id: `a-${i}`, role: 'assistant', text: 'The team budgeted for travel twice.', createdAt: Date.now(), status: 'complete' });
    }
  }
}

/** The titles of every conversation, in the order of the list (newest first), as main pages them. */
function titlesInOrder(harness: Harness): string[] {
  const titles: string[] = [];
  let cursor: string | undefined;
  do {
    const page = harness.services.conversations.list({ cursor, limit: 500 });
    titles.push(...page.items.map((c) => c.title));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return titles;
}

/** Axe finds nothing wrong in the sidebar, in the light and the dark theme. */
async function expectSidebarAccessible(app: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme });
    const axe = await new AxeBuilder({ page: app }).include('.sidebar').analyze();
    expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  await app.emulateMedia({ colorScheme: null });
}

/** The list entry that holds focus (its button, menu or rename field). */
const focusedEntry = (app: Page) => app.locator('[data-testid="conversation-item"]:focus-within');

test.describe('a long history', () => {
  test('the list loads a page at a time as the person moves down it; search marks the matching words as text', async ({ app, harness, sandbox }) => {
    seedHistory(harness, 130);
    await signIn(app, harness, sandbox.users[0]!);
    const items = app.getByTestId('conversation-item');
    // The first page, with more to come: screen readers hear an unknown length.
    await expect(items.first()).toHaveAttribute('aria-setsize', '-1');

    // End on the last entry loaded brings the next page; the list is still one Tab stop.
    await items.first().getByTestId('open-conversation-button').focus();
    await app.keyboard.press('End');
    await expect(focusedEntry(app)).toHaveAttribute('aria-posinset', '100');
    await expect(items.first()).toHaveAttribute('aria-setsize', '130');
    await app.keyboard.press('End');
    await expect(focusedEntry(app)).toHaveAttribute('aria-posinset', '130');
    await expect(items.last().getByTestId('open-conversation-button')).toBeFocused();
    await expect(app.locator('.conversation-list [tabindex="0"]')).toHaveCount(1);

    await app.getByTestId('conversation-search').fill('budg');
    await expect(items).toHaveCount(2);
    const titled = items.filter({ hasText: 'Our <b>budget</b>' });
    await expect(titled.getByTestId('conversation-match').locator('mark')).toHaveText(['budget']);
    // The person's text is shown as text: no element came from it.
    await expect(titled.locator('b, script')).toHaveCount(0);
    const answered = items.filter({ hasText: 'Question number 3' });
    await expect(answered.getByTestId('conversation-match')).toHaveText('The team budgeted for travel twice.');
    await expect(answered.getByTestId('conversation-match').locator('mark')).toHaveText(['budgeted']);

    // The marked words keep their contrast in both themes.
    await expectSidebarAccessible(app);

    await app.getByTestId('conversation-search').fill('');
    await expect(items.first()).toHaveAttribute('aria-setsize', '-1');
  });

  test('a thousand conversations: only the entries in view are in the page, and the keyboard reaches every one', async ({ app, harness, sandbox }) => {
    test.setTimeout(120_000);
    seedHistory(harness, 1_050);
    const titles = titlesInOrder(harness);
    await signIn(app, harness, sandbox.users[0]!);
    const items = app.getByTestId('conversation-item');
    const focused = focusedEntry(app);
    const at = (position: number) => app.locator(`[data-testid="conversation-item"][aria-posinset="${position}"]`);
    /** The page holds a screenful of entries, not every one loaded. */
    const expectFewInPage = async () => expect(await items.count()).toBeLessThanOrEqual(60);
    /** The focused entry is the one at `position`, with that conversation's title, in view. */
    const expectFocusedAt = async (position: number) => {
      await expect(focused).toHaveAttribute('aria-posinset', String(position));
      await expect(focused.locator('.conversation-item__title')).toHaveText(titles[position - 1]!);
      await expect(focused).toBeInViewport();
    };
    await expect(items.first().locator('.conversation-item__title')).toHaveText(titles[0]!);
    await expectFewInPage();

    // Scrolling to the end of the first page brings the second.
    const scroller = app.locator('.sidebar__list');
    await scroller.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
    await expect(at(101)).toBeAttached();
    await expect(at(1)).not.toBeInViewport();
    await expectSidebarAccessible(app);
    await expectFewInPage();

    // The list's Tab stop (its first entry) is scrolled out of view, and Tab still reaches it.
    await app.getByTestId('conversation-search').focus();
    await app.keyboard.press('Tab');
    await expectFocusedAt(1);

    // End goes to the last entry loaded, which brings the next page; again and again, to the last conversation.
    for (let last = 200; last <= 1_000; last += 100) {
      await app.keyboard.press('End');
      await expectFocusedAt(last);
      await expect(at(last + 1)).toBeAttached();
      await expectFewInPage();
    }
    await app.keyboard.press('End');
    await expectFocusedAt(1_050);
    await expect(items.first()).toHaveAttribute('aria-setsize', '1050');
    await app.keyboard.press('ArrowDown');
    await expectFocusedAt(1_050);
    await expectFewInPage();

    // Home, the arrows and End cross the whole list, to entries that were not in the page.
    await expect(at(1)).toHaveCount(0);
    await app.keyboard.press('Home');
    await expectFocusedAt(1);
    for (const position of [2, 3, 4]) {
      await app.keyboard.press('ArrowDown');
      await expectFocusedAt(position);
    }
    await app.keyboard.press('ArrowUp');
    await expectFocusedAt(3);
    await expect(at(1_049)).toHaveCount(0);
    await app.keyboard.press('End');
    await app.keyboard.press('ArrowUp');
    await expectFocusedAt(1_049);
    await expectFewInPage();

    // Scrolled far from it, the entry last focused is still the one Tab lands on, back in view; it opens with Enter.
    await scroller.evaluate((element) => element.scrollTo({ top: 0 }));
    await expect(at(1)).toBeInViewport();
    await app.getByTestId('conversation-search').focus();
    await app.keyboard.press('Tab');
    await expectFocusedAt(1_049);
    await expect(app.locator('.conversation-list [tabindex="0"]')).toHaveCount(1);
    await app.keyboard.press('Enter');
    await expect(app.getByTestId('conversation-title')).toHaveValue(titles[1_048]!);

    // Deleted, its place goes to the one after it, which takes the focus.
    await app.keyboard.press('Delete');
    await app.keyboard.press('Enter');
    await expect(focused.locator('.conversation-item__title')).toHaveText(titles[1_049]!);
    await expect(focused).toHaveAttribute('aria-posinset', '1049');
    await expect(items.first()).toHaveAttribute('aria-setsize', '1049');
    await expectFewInPage();
  });
});
