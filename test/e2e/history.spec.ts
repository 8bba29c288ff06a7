import AxeBuilder from '@axe-core/playwright';
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

test.describe('a long history', () => {
  test('the list loads a page at a time as the person moves down it; search marks the matching words as text', async ({ app, harness, sandbox }) => {
    seedHistory(harness, 130);
    await signIn(app, harness, sandbox.users[0]!);
    const items = app.getByTestId('conversation-item');
    await expect(items).toHaveCount(100);

    // End on the last entry loaded brings the next page; the list is still one Tab stop.
    await items.first().getByTestId('open-conversation-button').focus();
    await app.keyboard.press('End');
    await expect(items).toHaveCount(130);
    await app.keyboard.press('End');
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
    for (const colorScheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme });
      const axe = await new AxeBuilder({ page: app }).include('.sidebar').analyze();
      expect(axe.violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }

    await app.getByTestId('conversation-search').fill('');
    await expect(items).toHaveCount(100);
  });
});
